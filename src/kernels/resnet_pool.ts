/**
 * Binding of kernels/resnet_pool.wgsl: temporal statistics pooling (TSTP).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_pool.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readWriteBinding,
  textureBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type ActShape, texelsOf } from "./resnet_layout.ts";

/** Kernel spec of resnet_pool. */
export const RESNET_POOL = defineKernel({
  name: "resnet_pool",
  source,
  bindings: { x: textureBinding(), s: readWriteBinding("f32"), u: uniformBinding() },
  uniforms: d.struct({
    channels: d.u32,
    height: d.u32,
    width: d.u32,
    texels: d.u32,
    batch: d.u32,
    statsPitch: d.u32,
    eps: d.f32,
  }),
  overrides: { WG: 64 },
});

/** Options of resnetPool. */
export interface PoolOptions {
  /** Floats per output row (>= 2·channels·height). */
  statsPitch: number;
  /** Added to the unbiased variance before the square root (default 1e-7). */
  eps?: number;
}

/**
 * Records TSTP statistics of activation `x` into `s`: row n holds
 * 2·channels·height values (means then standard deviations) and is
 * `statsPitch` floats long.
 */
export function resnetPool(
  run: GpuRun,
  io: { x: GPUTexture; s: GpuTensor },
  shape: ActShape,
  options: PoolOptions,
): void {
  const { statsPitch } = options;
  const { batch, channels, height, width } = shape;
  if (width < 2) {
    throw new RangeError(
      `resnetPool: the last stage has ${width} time step(s); the unbiased variance needs 2`,
    );
  }
  if (statsPitch < 2 * channels * height || io.s.size < batch * statsPitch) {
    throw new RangeError(
      `resnetPool: stats buffer too small for ${batch} x ${2 * channels * height}`,
    );
  }
  run.dispatch(RESNET_POOL, {
    bindings: { x: io.x, s: io.s },
    uniforms: {
      channels,
      height,
      width,
      texels: texelsOf(width),
      batch,
      statsPitch,
      eps: options.eps ?? 1e-7,
    },
    workgroups: workgroupsFor(batch * channels * height, 64),
  });
}
