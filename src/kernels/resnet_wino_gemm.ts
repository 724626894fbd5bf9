/**
 * Binding of kernels/resnet_wino_gemm.wgsl (register-tiled, for software
 * adapters) and of kernels/resnet_wino_gemm_tiled.wgsl (workgroup-memory
 * tiles, for hardware GPUs): the 36 batched products of a Winograd
 * F(4x4,3x3) convolution. Both read the transformed weights from a texture
 * [36][cin][coutPad/4].
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_wino_gemm.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readWriteBinding,
  textureBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import { TEXEL_BYTES } from "./resnet_layout.ts";
import { RESNET_WINO_GEMM_TILED } from "./resnet_wino_gemm_tiled.ts";

/** Kernel spec of resnet_wino_gemm (32 channels x 16 tiles per invocation). */
export const RESNET_WINO_GEMM = defineKernel({
  name: "resnet_wino_gemm",
  source,
  bindings: {
    v: textureBinding(),
    w: textureBinding(),
    m: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    cin: d.u32,
    coutPad: d.u32,
    rows: d.u32,
    texels: d.u32,
    pitch: d.u32,
  }),
  overrides: { WG: 8 },
});

/** Output channels per invocation block: weights and products pad cout to a multiple. */
export const WINO_COUT_BLOCK = { registers: 32, tiled: 64 } as const;

/** Winograd points of F(4x4,3x3). */
export const WINO_POINTS = 36;

/** Shapes of one product chunk. */
export interface WinoGemmDims {
  /** Input channels. */
  cin: number;
  /** Output channels padded to WINO_COUT_BLOCK of the variant. */
  coutPad: number;
  /** Tile rows in this chunk. */
  rows: number;
  /** Texels (4 tile columns each) per tile row that hold data. */
  texels: number;
  /** Texels per buffer row (>= texels, multiple of 16). */
  pitch: number;
  /** "registers" (software adapters) or "tiled" (hardware); default from gpu.profile. */
  variant?: "registers" | "tiled";
}

/**
 * Records m = w·v for the 36 points: v [36][rows·cin][pitch] texels,
 * w [36][cin][coutPad/4] texels, m [36][rows·coutPad][pitch] (a storage
 * buffer that one binding must cover).
 */
export function resnetWinoGemm(
  run: GpuRun,
  io: { v: GPUTexture; w: GPUTexture; m: GpuTensor },
  dims: WinoGemmDims,
): void {
  const { cin, coutPad, rows, texels, pitch } = dims;
  const variant = dims.variant ?? (run.gpu.profile === "hardware" ? "tiled" : "registers");
  if (coutPad % WINO_COUT_BLOCK[variant] !== 0) {
    throw new RangeError(
      `resnetWinoGemm: coutPad ${coutPad} is not a multiple of ${WINO_COUT_BLOCK[variant]}`,
    );
  }
  const bytes = WINO_POINTS * rows * coutPad * pitch * TEXEL_BYTES;
  if (io.m.byteLength < bytes) {
    throw new RangeError(`resnetWinoGemm: m holds ${io.m.byteLength} bytes, needs ${bytes}`);
  }
  const bindings = { v: io.v, w: io.w, m: { buffer: io.m.buffer, offset: 0, size: bytes } };
  const uniforms = { cin, coutPad, rows, texels, pitch };
  if (variant === "tiled") {
    run.dispatch(RESNET_WINO_GEMM_TILED, {
      bindings,
      uniforms,
      workgroups: [Math.ceil(texels / 16), rows * (coutPad / 64), WINO_POINTS],
    });
    return;
  }
  run.dispatch(RESNET_WINO_GEMM, {
    bindings,
    uniforms,
    workgroups: [Math.ceil(((coutPad / 32) * rows * Math.ceil(texels / 4)) / 8), 1, WINO_POINTS],
  });
}
