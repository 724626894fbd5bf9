/**
 * Binding of kernels/bae_l2_normalize.wgsl: F.normalize of the rows or the
 * columns of a matrix, keeping the norms for the backward pass.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_l2_normalize.wgsl" with { type: "text" };
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

/** Kernel spec of bae_l2_normalize. */
export const BAE_L2_NORMALIZE = defineKernel({
  name: "bae_l2_normalize",
  source,
  bindings: {
    x: readBinding("vec4f"),
    xhat: readWriteBinding("vec4f"),
    norms: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32 }),
  overrides: { WG: 64, AXIS: 0 },
});

/** Which vectors are normalised. */
export type NormalizeAxis = "rows" | "cols";

/** Records xhat = x / max(‖x_v‖, 1e-12) for every row (or column) v, and the norms. */
export function baeL2Normalize(
  run: GpuRun,
  io: { x: GpuMatrix; xhat: GpuMatrix; norms: BindingResource },
  options: { axis?: NormalizeAxis; wg?: number } = {},
): void {
  const { x, xhat } = io;
  if (xhat.ld !== x.ld || xhat.rows !== x.rows || xhat.cols !== x.cols) {
    throw new RangeError("baeL2Normalize: x and xhat must be equal matrices");
  }
  const axis = options.axis ?? "rows";
  const wg = options.wg ?? 64;
  run.dispatch(BAE_L2_NORMALIZE, {
    bindings: { x: matrixBinding(x), xhat: matrixBinding(xhat), norms: io.norms },
    uniforms: { rows: x.rows, cols: x.cols, ld: x.ld },
    workgroups: workgroupsFor(axis === "rows" ? x.rows : Math.ceil(x.cols / 4), wg),
    overrides: { WG: wg, AXIS: axis === "rows" ? 0 : 1 },
  });
}
