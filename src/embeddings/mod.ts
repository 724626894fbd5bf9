/**
 * Speaker embeddings (features → embedding): WeSpeaker ResNets loaded from a
 * PyTorch pretrained directory or an ONNX export, run in WGSL kernels.
 * @module
 */
export {
  DEFAULT_MODEL_REPO,
  type EmbeddingModelConfig,
  loadEmbeddingModel,
  loadModelPlan,
  parseResNetConfig,
} from "./load_model.ts";
export { createResNetModel, type EmbeddingModel, type ResNetModelOptions } from "./resnet_model.ts";
export { embedFeatures, type EmbedFeaturesOptions } from "./embed_features.ts";
export { type ConvNetPlan, type ConvStep, type DenseLayer } from "./conv_plan.ts";
export { planFromStateDict, RESNET_ARCHITECTURES, type ResNetConfig } from "./resnet_state_dict.ts";
export { planFromOnnx, SUPPORTED_ONNX_OPS } from "./onnx_plan.ts";
export { decodeOnnxModel, type OnnxModel } from "./onnx_proto.ts";
