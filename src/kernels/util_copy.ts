/**
 * Binding of kernels/util_copy.wgsl: a vec4 copy of n f32 values, split
 * into chunks bound at offsets when n exceeds the adapter's binding limit.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/util_copy.wgsl" with { type: "text" };
import {
  chunkRanges,
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of util_copy. */
export const UTIL_COPY = defineKernel({
  name: "util_copy",
  source,
  bindings: { src: readBinding("vec4f"), dst: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({ n: d.u32 }),
  overrides: { WG: 256 },
});

/** Options of utilCopy. */
export interface UtilCopyOptions {
  /** Number of leading values to copy (default: all of src). */
  n?: number;
  /** Workgroup size variant (default 256). */
  wg?: number;
}

/** Records a copy of the first `n` values of `src` into `dst`. */
export function utilCopy(
  run: GpuRun,
  src: GpuTensor,
  dst: GpuTensor,
  options: UtilCopyOptions = {},
): void {
  const n = options.n ?? src.size;
  const wg = options.wg ?? 256;
  if (n > src.size || n > dst.size) {
    throw new RangeError(`utilCopy: n=${n} exceeds src ${src.size} or dst ${dst.size}`);
  }
  for (const [start, end] of chunkRanges(n, run.gpu.bindingChunkElements(4))) {
    const count = end - start;
    const bytes = Math.ceil(count / 4) * 16;
    run.dispatch(UTIL_COPY, {
      bindings: {
        src: { tensor: src, offset: start * 4, size: bytes },
        dst: { tensor: dst, offset: start * 4, size: bytes },
      },
      uniforms: { n: count },
      workgroups: workgroupsFor(Math.ceil(count / 4), wg),
      overrides: { WG: wg },
    });
  }
}
