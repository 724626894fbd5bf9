/**
 * Binding of kernels/bae_batchnorm_train.wgsl: BatchNorm1d in training mode
 * (batch statistics, running-stat update).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_batchnorm_train.wgsl" with { type: "text" };
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

/** Kernel spec of bae_batchnorm_train. */
export const BAE_BATCHNORM_TRAIN = defineKernel({
  name: "bae_batchnorm_train",
  source,
  bindings: {
    x: readBinding("vec4f"),
    gamma: readBinding("vec4f"),
    beta: readBinding("vec4f"),
    y: readWriteBinding("vec4f"),
    saved: readWriteBinding("vec4f"),
    runMean: readWriteBinding("vec4f"),
    runVar: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32, eps: d.f32, momentum: d.f32 }),
  overrides: { WG: 64 },
});

/** Per-feature buffers of a BatchNorm1d layer. */
export interface BatchNormParams {
  gamma: BindingResource;
  beta: BindingResource;
  runningMean: BindingResource;
  runningVar: BindingResource;
}

/**
 * Records y = BN(x) with batch statistics, saves [mean | invstd] (2·cols
 * values) for the backward pass and updates the running statistics.
 */
export function baeBatchnormTrain(
  run: GpuRun,
  io: { x: GpuMatrix; y: GpuMatrix; saved: BindingResource; params: BatchNormParams },
  options: { eps?: number; momentum?: number; wg?: number } = {},
): void {
  const { x, y, params } = io;
  if (x.rows < 2) {
    throw new RangeError(
      `BatchNorm1d in training mode needs more than 1 sample per batch, got ${x.rows}`,
    );
  }
  if (x.cols % 4 !== 0 || y.ld !== x.ld || y.rows !== x.rows || y.cols !== x.cols) {
    throw new RangeError("baeBatchnormTrain: x and y must be equal matrices with cols % 4 == 0");
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_BATCHNORM_TRAIN, {
    bindings: {
      x: matrixBinding(x),
      gamma: params.gamma,
      beta: params.beta,
      y: matrixBinding(y),
      saved: io.saved,
      runMean: params.runningMean,
      runVar: params.runningVar,
    },
    uniforms: {
      rows: x.rows,
      cols: x.cols,
      ld: x.ld,
      eps: options.eps ?? 1e-5,
      momentum: options.momentum ?? 0.1,
    },
    workgroups: workgroupsFor(x.cols / 4, wg),
    overrides: { WG: wg },
  });
}
