/**
 * Binding of kernels/bae_mse.wgsl: reconstruction error per row and its
 * gradient.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_mse.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding, unusedInput } from "./_bae_matrix.ts";

/** Kernel spec of bae_mse. */
export const BAE_MSE = defineKernel({
  name: "bae_mse",
  source,
  bindings: {
    recon: readBinding("vec4f"),
    x: readBinding("vec4f"),
    rowLoss: readWriteBinding("f32"),
    g: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32, scale: d.f32 }),
  overrides: { WG: 64, GRAD: 1 },
});

/**
 * Records rowLoss[i] = Σⱼ (recon − x)² and, with `g`, the gradient of
 * scale · mean((recon − x)²) w.r.t. recon.
 */
export function baeMse(
  run: GpuRun,
  io: { recon: GpuMatrix; x: GpuMatrix; rowLoss: BindingResource; g?: GpuMatrix },
  options: { scale?: number; wg?: number } = {},
): void {
  const { recon, x, g } = io;
  for (const m of g ? [x, g] : [x]) {
    if (m.ld !== recon.ld || m.rows !== recon.rows || m.cols !== recon.cols || x.cols % 4 !== 0) {
      throw new RangeError("baeMse: recon, x and g must be equal matrices, cols % 4 == 0");
    }
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_MSE, {
    bindings: {
      recon: matrixBinding(recon),
      x: matrixBinding(x),
      rowLoss: io.rowLoss,
      // Without a gradient the binding is never written; a small spare buffer stands in.
      g: g ? matrixBinding(g) : unusedInput(run.gpu),
    },
    uniforms: { rows: recon.rows, cols: recon.cols, ld: recon.ld, scale: options.scale ?? 1 },
    workgroups: workgroupsFor(recon.rows, wg),
    overrides: { WG: wg, GRAD: g ? 1 : 0 },
  });
}
