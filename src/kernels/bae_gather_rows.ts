/**
 * Binding of kernels/bae_gather_rows.wgsl: gathers a batch's rows from one
 * chunk of a dataset kept on the GPU.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_gather_rows.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";

/** Kernel spec of bae_gather_rows. */
export const BAE_GATHER_ROWS = defineKernel({
  name: "bae_gather_rows",
  source,
  bindings: {
    src: readBinding("vec4f"),
    idx: readBinding("u32"),
    out: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32, base: d.u32, count: d.u32 }),
  overrides: { WG: 256 },
});

/**
 * Records out[r] = src[idx[r] − base] for the rows whose index falls in the
 * chunk [base, base + src.rows).
 */
export function baeGatherRows(
  run: GpuRun,
  io: { src: GpuMatrix; idx: BindingResource; out: GpuMatrix },
  options: { base: number; wg?: number },
): void {
  const { src, out } = io;
  if (src.cols !== out.cols || src.ld !== out.ld || src.cols % 4 !== 0) {
    throw new RangeError("baeGatherRows: src and out must have the same columns and stride");
  }
  const wg = options.wg ?? 256;
  run.dispatch(BAE_GATHER_ROWS, {
    bindings: { src: matrixBinding(src), idx: io.idx, out: matrixBinding(out) },
    uniforms: { rows: out.rows, cols: out.cols, ld: out.ld, base: options.base, count: src.rows },
    workgroups: workgroupsFor((out.rows * out.cols) / 4, wg),
    overrides: { WG: wg },
  });
}
