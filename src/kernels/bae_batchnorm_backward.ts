/**
 * Binding of kernels/bae_batchnorm_backward.wgsl: BatchNorm1d gradients in
 * training mode.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_batchnorm_backward.wgsl" with { type: "text" };
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

/** Kernel spec of bae_batchnorm_backward. */
export const BAE_BATCHNORM_BACKWARD = defineKernel({
  name: "bae_batchnorm_backward",
  source,
  bindings: {
    x: readBinding("vec4f"),
    g: readBinding("vec4f"),
    gamma: readBinding("vec4f"),
    saved: readBinding("vec4f"),
    gx: readWriteBinding("vec4f"),
    gGamma: readWriteBinding("vec4f"),
    gBeta: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32 }),
  overrides: { WG: 64 },
});

/** Records gx, gγ, gβ of BN given its input x, output gradient g and saved stats. */
export function baeBatchnormBackward(
  run: GpuRun,
  io: {
    x: GpuMatrix;
    g: GpuMatrix;
    gamma: BindingResource;
    saved: BindingResource;
    gx: GpuMatrix;
    gGamma: BindingResource;
    gBeta: BindingResource;
  },
  options: { wg?: number } = {},
): void {
  const { x, g, gx } = io;
  for (const m of [g, gx]) {
    if (m.ld !== x.ld || m.rows !== x.rows || m.cols !== x.cols || x.cols % 4 !== 0) {
      throw new RangeError(
        "baeBatchnormBackward: x, g and gx must be equal matrices, cols % 4 == 0",
      );
    }
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_BATCHNORM_BACKWARD, {
    bindings: {
      x: matrixBinding(x),
      g: matrixBinding(g),
      gamma: io.gamma,
      saved: io.saved,
      gx: matrixBinding(gx),
      gGamma: io.gGamma,
      gBeta: io.gBeta,
    },
    uniforms: { rows: x.rows, cols: x.cols, ld: x.ld },
    workgroups: workgroupsFor(x.cols / 4, wg),
    overrides: { WG: wg },
  });
}
