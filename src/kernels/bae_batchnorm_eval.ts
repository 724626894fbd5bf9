/**
 * Binding of kernels/bae_batchnorm_eval.wgsl: BatchNorm1d in evaluation mode.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_batchnorm_eval.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";
import type { BatchNormParams } from "./bae_batchnorm_train.ts";

/** Kernel spec of bae_batchnorm_eval. */
export const BAE_BATCHNORM_EVAL = defineKernel({
  name: "bae_batchnorm_eval",
  source,
  bindings: {
    x: readBinding("vec4f"),
    gamma: readBinding("vec4f"),
    beta: readBinding("vec4f"),
    runMean: readBinding("vec4f"),
    runVar: readBinding("vec4f"),
    y: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32, eps: d.f32 }),
  overrides: { WG: 256 },
});

/** Records y = BN(x) with the running statistics. */
export function baeBatchnormEval(
  run: GpuRun,
  io: { x: GpuMatrix; y: GpuMatrix; params: BatchNormParams },
  options: { eps?: number; wg?: number } = {},
): void {
  const { x, y, params } = io;
  if (x.cols % 4 !== 0 || y.ld !== x.ld || y.rows !== x.rows || y.cols !== x.cols) {
    throw new RangeError("baeBatchnormEval: x and y must be equal matrices with cols % 4 == 0");
  }
  const wg = options.wg ?? 256;
  run.dispatch(BAE_BATCHNORM_EVAL, {
    bindings: {
      x: matrixBinding(x),
      gamma: params.gamma,
      beta: params.beta,
      runMean: params.runningMean,
      runVar: params.runningVar,
      y: matrixBinding(y),
    },
    uniforms: { rows: x.rows, cols: x.cols, ld: x.ld, eps: options.eps ?? 1e-5 },
    workgroups: workgroupsFor((x.rows * x.cols) / 4, wg),
    overrides: { WG: wg },
  });
}
