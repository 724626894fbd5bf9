/**
 * Binding of kernels/resnet_conv.wgsl: direct 1x1 / 3x3 convolutions with
 * stride 1 or 2, folded-BatchNorm bias, optional residual and ReLU.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_conv.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  textureBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import {
  type ActShape,
  maxBindingBytes,
  pitchOf,
  rowGroupWindows,
  TEXEL_BYTES,
  texelsOf,
} from "./resnet_layout.ts";

/** Kernel spec of resnet_conv. */
export const RESNET_CONV = defineKernel({
  name: "resnet_conv",
  source,
  bindings: {
    x: textureBinding(),
    w: textureBinding(),
    res: textureBinding(),
    bias: readBinding("f32"),
    y: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    cin: d.u32,
    cout: d.u32,
    heightIn: d.u32,
    texelsIn: d.u32,
    heightOut: d.u32,
    widthOut: d.u32,
    texelsOut: d.u32,
    pitchOut: d.u32,
    j0: d.u32,
    rows: d.u32,
    outBase: d.u32,
  }),
  overrides: { WG: 16, K: 3, STRIDE: 1, HAS_RES: 0, RELU: 1 },
});

/** Output channels are padded to a multiple of this in weights and bias. */
export const CONV_COUT_BLOCK = 16;

/** Options of resnetConv. */
export interface ConvOptions {
  /** Kernel size, 1 or 3 (padding (k-1)/2). */
  k: 1 | 3;
  /** Stride, 1 or 2. */
  stride: 1 | 2;
  /** Output channels. */
  cout: number;
  /** Apply ReLU last. */
  relu: boolean;
  /** Workgroup size (default 16). */
  wg?: number;
  /** Largest output window per dispatch in bytes (default: the storage binding limit). */
  windowBytes?: number;
}

/** Output shape of a convolution (each stride-2 layer halves height and width rounding up). */
export function convOutShape(input: ActShape, stride: number, cout: number): ActShape {
  return {
    batch: input.batch,
    channels: cout,
    height: Math.ceil(input.height / stride),
    width: Math.ceil(input.width / stride),
  };
}

/**
 * Records y = act(conv(x) + bias + res). `w` is [ci·k·k + kh·k + kw] rows of
 * coutPad/4 texels, `bias` has coutPad values, `y` the output staging buffer
 * (rows split into windows that fit one storage binding).
 */
export function resnetConv(
  run: GpuRun,
  io: { x: GPUTexture; w: GPUTexture; res?: GPUTexture; bias: GpuTensor; y: GpuTensor },
  input: ActShape,
  options: ConvOptions,
): ActShape {
  const { k, stride, cout } = options;
  const out = convOutShape(input, stride, cout);
  const pitchOut = pitchOf(texelsOf(out.width));
  const texelsOut = texelsOf(out.width);
  const need = out.batch * out.height * cout * pitchOut * TEXEL_BYTES;
  if (io.y.byteLength < need) {
    throw new RangeError(`resnetConv: y holds ${io.y.byteLength} bytes, needs ${need}`);
  }
  const wg = options.wg ?? 16;
  const blocks = Math.ceil(cout / CONV_COUT_BLOCK);
  const groups = out.batch * out.height;
  const quads = Math.ceil(texelsOut / 4);
  // Windows also keep the x dispatch dimension (rows × quads / wg) within 65535.
  const limit = Math.min(
    maxBindingBytes(run.gpu),
    options.windowBytes ?? Infinity,
    Math.max(1, Math.floor((65535 * wg) / quads)) * cout * pitchOut * TEXEL_BYTES,
  );
  for (const [j0, j1] of rowGroupWindows(groups, cout, pitchOut, limit)) {
    const offset = j0 * cout * pitchOut * TEXEL_BYTES;
    const size = (j1 - j0) * cout * pitchOut * TEXEL_BYTES;
    run.dispatch(RESNET_CONV, {
      bindings: {
        x: io.x,
        w: io.w,
        res: io.res ?? io.x,
        bias: io.bias,
        y: { buffer: io.y.buffer, offset, size },
      },
      uniforms: {
        cin: input.channels,
        cout,
        heightIn: input.height,
        texelsIn: texelsOf(input.width),
        heightOut: out.height,
        widthOut: out.width,
        texelsOut,
        pitchOut,
        j0,
        rows: j1 - j0,
        outBase: j0 * cout * pitchOut,
      },
      workgroups: [Math.ceil(((j1 - j0) * quads) / wg), blocks, 1],
      overrides: {
        WG: wg,
        K: k,
        STRIDE: stride,
        HAS_RES: io.res ? 1 : 0,
        RELU: options.relu ? 1 : 0,
      },
    });
  }
  return out;
}
