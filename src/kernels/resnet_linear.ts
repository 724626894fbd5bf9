/**
 * Binding of kernels/resnet_linear.wgsl: the embedding layer (seg_1, or
 * seg_2 with its ReLU input) on pooled statistics.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_linear.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  textureBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of resnet_linear. */
export const RESNET_LINEAR = defineKernel({
  name: "resnet_linear",
  source,
  bindings: {
    x: textureBinding(),
    w: textureBinding(),
    bias: readBinding("f32"),
    y: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    inDim: d.u32,
    outDim: d.u32,
    batch: d.u32,
    reluIn: d.u32,
    yPitch: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Weight rows per texture layer (the kernel's ROWS). */
export const LINEAR_ROWS_PER_LAYER = 4096;

/** Options of resnetLinear. */
export interface LinearOptions {
  inDim: number;
  outDim: number;
  batch: number;
  /** Apply ReLU to the input first. */
  reluIn?: boolean;
  /** Texels (4 outputs) from one output row to the next (default outDim/4: contiguous). */
  yPitch?: number;
}

/**
 * Records y[n] = bias + W·act(x[n]): x texture [x = d/4, y = n], w texture
 * [x = o/4, y = d % 4096, layer = d / 4096], y rows of `yPitch` texels.
 */
export function resnetLinear(
  run: GpuRun,
  io: { x: GPUTexture; w: GPUTexture; bias: GpuTensor; y: GpuTensor },
  options: LinearOptions,
): void {
  const { inDim, outDim, batch } = options;
  if (inDim % 4 !== 0 || outDim % 4 !== 0) {
    throw new RangeError(`resnetLinear: dims ${inDim} -> ${outDim} must be multiples of 4`);
  }
  const yPitch = options.yPitch ?? outDim / 4;
  if (io.y.size < batch * yPitch * 4) {
    throw new RangeError(`resnetLinear: y holds ${io.y.size} values, needs ${batch * yPitch * 4}`);
  }
  run.dispatch(RESNET_LINEAR, {
    bindings: { x: io.x, w: io.w, bias: io.bias, y: io.y },
    uniforms: { inDim, outDim, batch, reluIn: options.reluIn ? 1 : 0, yPitch },
    workgroups: workgroupsFor(batch * (outDim / 4), 64),
  });
}
