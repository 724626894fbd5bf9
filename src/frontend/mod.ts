/**
 * The audio front-end: resampling and Kaldi fbank features on WebGPU.
 *
 * @example
 * ```ts ignore
 * import { openGpu } from "../gpu/mod.ts";
 * import { extractFeatures } from "./mod.ts";
 * const gpu = await openGpu("auto");
 * const feats = await extractFeatures(gpu, samples, 16000); // [T * 80]
 * ```
 * @module
 */
export * from "./options.ts";
export * from "./fbank_plan.ts";
export * from "./resample_plan.ts";
export * from "./resample.ts";
export * from "./cmvn.ts";
export * from "./features.ts";
