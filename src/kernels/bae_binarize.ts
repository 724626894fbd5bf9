/**
 * Binding of kernels/bae_binarize.wgsl: binary attributes b = Z > 0, as a
 * matrix or as dense BA vectors [rows, cols, 2] = stack(b, 1 − b).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_binarize.wgsl" with { type: "text" };
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

/** Kernel spec of bae_binarize. */
export const BAE_BINARIZE = defineKernel({
  name: "bae_binarize",
  source,
  bindings: { z: readBinding("vec4f"), out: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32 }),
  overrides: { WG: 256, MODE: 0 },
});

/**
 * Records b = (z > 0): into a matrix shaped like z, or (`ba` true) into a
 * dense [rows, cols, 2] buffer of BA vectors.
 */
export function baeBinarize(
  run: GpuRun,
  z: GpuMatrix,
  out: GpuMatrix | BindingResource,
  options: { ba?: boolean; wg?: number } = {},
): void {
  if (z.cols % 4 !== 0) throw new RangeError("baeBinarize: cols must be a multiple of 4");
  const wg = options.wg ?? 256;
  const outBinding = "rows" in out ? matrixBinding(out as GpuMatrix) : out as BindingResource;
  run.dispatch(BAE_BINARIZE, {
    bindings: { z: matrixBinding(z), out: outBinding },
    uniforms: { rows: z.rows, cols: z.cols, ld: z.ld },
    workgroups: workgroupsFor((z.rows * z.cols) / 4, wg),
    overrides: { WG: wg, MODE: options.ba ? 1 : 0 },
  });
}
