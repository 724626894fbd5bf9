/**
 * Binding of kernels/bae_column_sum.wgsl: the column sums of a matrix (bias
 * gradients).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_column_sum.wgsl" with { type: "text" };
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

/** Kernel spec of bae_column_sum. */
export const BAE_COLUMN_SUM = defineKernel({
  name: "bae_column_sum",
  source,
  bindings: { x: readBinding("vec4f"), out: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32 }),
  overrides: { WG: 64 },
});

/** Records out[j] = Σᵢ x[i, j] (out holds ceil(cols/4)·4 values). */
export function baeColumnSum(
  run: GpuRun,
  x: GpuMatrix,
  out: BindingResource,
  options: { wg?: number } = {},
): void {
  const wg = options.wg ?? 64;
  run.dispatch(BAE_COLUMN_SUM, {
    bindings: { x: matrixBinding(x), out },
    uniforms: { rows: x.rows, cols: x.cols, ld: x.ld },
    workgroups: workgroupsFor(Math.ceil(x.cols / 4), wg),
    overrides: { WG: wg },
  });
}
