/**
 * Binding of kernels/resnet_wino_input.wgsl: the Winograd F(4x4,3x3) input
 * transform of one chunk of tile rows.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_wino_input.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readWriteBinding,
  textureBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { TEXEL_BYTES } from "./resnet_layout.ts";

/** Kernel spec of resnet_wino_input. */
export const RESNET_WINO_INPUT = defineKernel({
  name: "resnet_wino_input",
  source,
  bindings: { x: textureBinding(), v: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({
    cin: d.u32,
    height: d.u32,
    texelsIn: d.u32,
    tilesH: d.u32,
    r0: d.u32,
    rows: d.u32,
    texels: d.u32,
    pitch: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Shapes of one input-transform chunk. */
export interface WinoInputDims {
  /** Input channels. */
  cin: number;
  /** Input height (rows of the image). */
  height: number;
  /** Texels per input row that hold data (ceil(width/4)). */
  texelsIn: number;
  /** Tile rows per utterance, ceil(height/4). */
  tilesH: number;
  /** First tile row (over the whole batch, n·tilesH + th) of this chunk. */
  r0: number;
  /** Tile rows in this chunk. */
  rows: number;
  /** V texels per row: ceil(tile columns / 4), tile columns = ceil(width/4). */
  texels: number;
  /** V buffer row length in texels (multiple of 16). */
  pitch: number;
}

/** Records v = B^T d B for the chunk's tiles: x is the activation texture, v [36][rows·cin][pitch]. */
export function resnetWinoInput(
  run: GpuRun,
  io: { x: GPUTexture; v: GpuTensor },
  dims: WinoInputDims,
): void {
  const bytes = 36 * dims.rows * dims.cin * dims.pitch * TEXEL_BYTES;
  if (io.v.byteLength < bytes) {
    throw new RangeError(`resnetWinoInput: v holds ${io.v.byteLength} bytes, needs ${bytes}`);
  }
  run.dispatch(RESNET_WINO_INPUT, {
    bindings: { x: io.x, v: { buffer: io.v.buffer, offset: 0, size: bytes } },
    uniforms: { ...dims },
    workgroups: workgroupsFor(dims.rows * dims.cin * dims.texels, 64),
  });
}
