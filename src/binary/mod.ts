/**
 * The binary autoencoder (embedding → binary attributes): weights and
 * checkpoints, GPU inference (`binarizeEmbeddings`, `baeForward`), training
 * (`trainBae`: losses, NxM samplers, Adam, TensorBoard logs).
 * @module
 */
export {
  BAE_PARAMETER_KEYS,
  BAE_STATE_KEYS,
  type BaeDims,
  type BaeWeights,
  baeWeightsFromStateDict,
  initBaeWeights,
  loadBae,
} from "./bae_weights.ts";
export {
  baeForward,
  type BaeForwardOptions,
  type BaeGpuModel,
  createBaeModel,
  readBaeWeights,
  releaseBaeModel,
} from "./bae_model.ts";
export {
  baVectors,
  binarizeEmbeddings,
  type BinarizeOptions,
  type BinarizeResult,
  checkEmbeddings,
} from "./binarize.ts";
export { type LossName, type LossSpec, lossSpecs } from "./losses.ts";
export {
  createSampler,
  ExhaustiveNxMSampler,
  NxMSampler,
  type NxMSamplerOptions,
  RandomNxMSampler,
  samplerKind,
} from "./samplers/nxm_sampler.ts";
export { SeededRandom } from "./seeded_random.ts";
export {
  encodeLabels,
  stateDictOf,
  trainBae,
  type TrainBaeConfig,
  type TrainBaeOptions,
  type TrainProgress,
  type TrainResult,
  type TrainSplit,
} from "./trainer.ts";
