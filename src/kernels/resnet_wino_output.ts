/**
 * Binding of kernels/resnet_wino_output.wgsl: the Winograd F(4x4,3x3) output
 * transform with bias, residual and ReLU fused, writing activation rows.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_wino_output.wgsl" with { type: "text" };
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
import { TEXEL_BYTES } from "./resnet_layout.ts";

/** Kernel spec of resnet_wino_output. */
export const RESNET_WINO_OUTPUT = defineKernel({
  name: "resnet_wino_output",
  source,
  bindings: {
    m: textureBinding(),
    res: textureBinding(),
    bias: readBinding("f32"),
    y: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    cout: d.u32,
    coutPad: d.u32,
    height: d.u32,
    width: d.u32,
    texelsOut: d.u32,
    pitchOut: d.u32,
    tilesH: d.u32,
    r0: d.u32,
    rows: d.u32,
    texels: d.u32,
    outBase: d.u32,
  }),
  overrides: { WG: 64, HAS_RES: 0, RELU: 1 },
});

/** Shapes of one output-transform chunk. */
export interface WinoOutputDims {
  /** Output channels. */
  cout: number;
  /** Output channels padded as in the products (rows of m per tile row). */
  coutPad: number;
  /** Output height and width (same as the input's). */
  height: number;
  width: number;
  /** Output buffer row length in texels. */
  pitchOut: number;
  /** Tile rows per utterance. */
  tilesH: number;
  /** First tile row (n·tilesH + th) and tile rows of this chunk. */
  r0: number;
  rows: number;
  /** Texels (4 tile columns) per tile row of m. */
  texels: number;
  /** Apply ReLU after the residual. */
  relu: boolean;
}

/**
 * Records y = act(A^T m A + bias + res) for the chunk. `y` is the whole
 * output staging buffer [batch·height·cout][pitchOut]; only the rows of this
 * chunk are bound (they must fit one storage binding).
 */
export function resnetWinoOutput(
  run: GpuRun,
  io: { m: GPUTexture; res?: GPUTexture; bias: GpuTensor; y: GpuTensor },
  dims: WinoOutputDims,
): void {
  const { cout, height, pitchOut, tilesH, r0, rows } = dims;
  const n0 = Math.floor(r0 / tilesH);
  const nLast = Math.floor((r0 + rows - 1) / tilesH);
  const hFirst = (r0 % tilesH) * 4;
  const hEnd = Math.min(height, (((r0 + rows - 1) % tilesH) + 1) * 4);
  const firstRow = (n0 * height + hFirst) * cout;
  const endRow = (nLast * height + hEnd) * cout;
  const offset = firstRow * pitchOut * TEXEL_BYTES;
  const size = (endRow - firstRow) * pitchOut * TEXEL_BYTES;
  if (offset + size > io.y.byteLength) {
    throw new RangeError(`resnetWinoOutput: rows up to ${endRow} exceed the output buffer`);
  }
  run.dispatch(RESNET_WINO_OUTPUT, {
    bindings: {
      m: io.m,
      res: io.res ?? io.m,
      bias: io.bias,
      y: { buffer: io.y.buffer, offset, size },
    },
    uniforms: {
      cout,
      coutPad: dims.coutPad,
      height,
      width: dims.width,
      texelsOut: Math.ceil(dims.width / 4),
      pitchOut,
      tilesH,
      r0,
      rows,
      texels: dims.texels,
      outBase: firstRow * pitchOut,
    },
    workgroups: workgroupsFor(rows * cout * dims.texels, 64),
    overrides: { HAS_RES: io.res ? 1 : 0, RELU: dims.relu ? 1 : 0 },
  });
}
