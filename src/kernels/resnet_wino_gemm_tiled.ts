/**
 * Kernel spec of kernels/resnet_wino_gemm_tiled.wgsl, the hardware-GPU
 * variant of resnet_wino_gemm (same bindings and uniforms); dispatch it
 * through `resnetWinoGemm(..., { variant: "tiled" })`.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_wino_gemm_tiled.wgsl" with { type: "text" };
import { defineKernel, readWriteBinding, textureBinding, uniformBinding } from "../gpu/mod.ts";

/** Kernel spec of resnet_wino_gemm_tiled (64 channels x 16 texels staged in workgroup memory). */
export const RESNET_WINO_GEMM_TILED = defineKernel({
  name: "resnet_wino_gemm_tiled",
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
});
