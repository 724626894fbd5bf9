/**
 * The run configuration schema: upstream's `RunConfig` tree (SPEC §3) with
 * its names, defaults and config groups, plus the extras of `extras.ts`
 * where marked. Constraints (ranges, choices) are ours: they turn values
 * that would fail deep inside a run into errors before any work starts.
 * @module
 */
import { parseDeviceRequest } from "../gpu/device.ts";
import { BETA_SCORER_EXTRAS, DEFAULT_DEVICE } from "./extras.ts";
import { findTarget } from "./registry.ts";
import {
  type GroupSpec,
  leaf,
  type LeafValue,
  type MultiGroupSpec,
  type NodeSpec,
  struct,
  type StructSpec,
  target,
} from "./schema_nodes.ts";

/** Upstream's default audio extensions. */
export const DEFAULT_AUDIO_FORMATS: readonly string[] = [
  "flac",
  "mp3",
  "m4a",
  "ogg",
  "opus",
  "wav",
  "wma",
];

const TRIPLET_TYPES = ["all", "hard", "semihard", "easy"] as const;

function checkDevice(value: LeafValue): string | undefined {
  try {
    parseDeviceRequest(String(value));
    return undefined;
  } catch {
    return "must be auto, gpu, cpu, cuda or cuda:N";
  }
}

function checkSampler(value: LeafValue): string | undefined {
  if (value === null || findTarget(String(value), "sampler")) return undefined;
  return "must be balr.samplers.nxm_samplers.RandomNxMSampler (random), " +
    "balr.samplers.nxm_samplers.ExhaustiveNxMSampler (exhaustive) or null";
}

function checkFormats(value: LeafValue): string | undefined {
  const list = value as string[];
  if (list.length === 0) return "must name at least one extension";
  if (list.some((s) => s.trim() === "")) return "must not contain empty extensions";
  return undefined;
}

const features = struct({
  frontend: leaf("str", "fbank", { choices: ["fbank"], doc: "feature extractor" }),
  num_mel_bins: leaf("int", 80, { min: 1, doc: "number of mel bins" }),
  frame_length: leaf("int", 25, { min: 1, doc: "frame length in ms" }),
  frame_shift: leaf("int", 10, { min: 1, doc: "frame shift in ms" }),
  dither: leaf("float", 0.0, { min: 0, doc: "dither amplitude" }),
});

const embeddingsModel: GroupSpec = {
  kind: "group",
  default: "wespeaker",
  options: {
    wespeaker: struct({
      _target_: target("embeddings", "wespeaker", "balr.embeddings.wespeaker.WespeakerModel"),
      features,
      model_repo: leaf("str", "Wespeaker/wespeaker-voxceleb-resnet34-LM", {
        doc: "Hugging Face repository of the pretrained model",
      }),
      model_name: leaf("str", "avg_model", { doc: "checkpoint file in the model directory" }),
      config_name: leaf("str", "config.yaml", { doc: "model config in the model directory" }),
      model_dir: leaf("str", null, { doc: "local directory of the pretrained model" }),
    }),
  },
};

const encoderModel: GroupSpec = {
  kind: "group",
  default: "autoencoder",
  options: {
    autoencoder: struct({
      _target_: target(
        "encoder",
        "autoencoder",
        "balr.binary_attributes.autoencoder.BinaryAttributeAutoEncoder",
      ),
      checkpoint_path: leaf("str", "resources/models/BAE/BAE_mse.pt", {
        doc: "trained BAE state_dict",
      }),
      input_dim: leaf("int", 256, { min: 1, doc: "embedding size" }),
      internal_dim: leaf("int", 512, { min: 1, doc: "number of binary attributes" }),
    }),
  },
};

const weight = (value: number) => leaf("float", value, { doc: "weight in the total loss" });
const margin = leaf("float", 0.3, { min: 0, doc: "miner margin" });
const tripletType = leaf("str", "all", { choices: TRIPLET_TYPES, doc: "mined triplets to keep" });

const losses: MultiGroupSpec = {
  kind: "multi",
  default: ["mse", "triplet"],
  options: {
    mse: struct({
      _target_: target("loss", "mse", "balr.losses.mse_loss.MSELoss"),
      weight: weight(1.0),
    }),
    triplet: struct({
      _target_: target("loss", "triplet", "balr.losses.triplet_margin_loss.TripletMarginLoss"),
      margin,
      type_of_triplets: tripletType,
      weight: weight(1.0),
    }),
    sparsity: struct({
      _target_: target("loss", "sparsity", "balr.losses.sparsity_loss.SparsityLoss"),
      weight: weight(0.0001),
    }),
    arcface: struct({
      _target_: target("loss", "arcface", "balr.losses.arcface_loss.ArcFaceLoss"),
      margin,
      type_of_triplets: tripletType,
      weight: weight(0.001),
    }),
  },
};

const trainer = struct({
  _target_: target(
    "trainer",
    "batrainer",
    "balr.binary_attributes.trainer.BinaryAttributeEncoderTrainer",
  ),
  input_dim: leaf("int", 256, { min: 1, doc: "embedding size" }),
  internal_dim: leaf("int", 512, { min: 1, doc: "number of binary attributes" }),
  learning_rate: leaf("float", 0.001, { above: 0, doc: "Adam learning rate" }),
  epochs: leaf("int", 64, { min: 1, doc: "number of epochs" }),
  seed: leaf("int", 1234, { doc: "random seed" }),
  save_period: leaf("int", 0, { min: 0, doc: "save epoch{E}.pt every N epochs (0: never)" }),
  log_period: leaf("int", 2, { min: 0, doc: "log train metrics every N epochs (0: never)" }),
  val_period: leaf("int", 10, { min: 0, doc: "validate every N epochs (0: last epoch only)" }),
  losses,
});

/** Fields every scorer option starts with (after `_target_`). */
function scorerOption(
  option: string,
  classPath: string,
  fields: Record<string, NodeSpec>,
  check?: StructSpec["check"],
): StructSpec {
  return struct({
    _target_: target("scorer", option, classPath),
    checkpoint_path: leaf("str", null, { doc: "fitted scorer parameters to load" }),
    n_iterations: leaf("int", 100, { min: 0, doc: "iterations of the fitting algorithm" }),
    n_attributes: leaf("int", 512, { min: 1, doc: "number of binary attributes" }),
    ...fields,
  }, check);
}

const dropIn = leaf("float", 0.12, { min: 0, max: 1, doc: "drop-in probability" });
const typicality = leaf("float", 1e-4, { min: 0, doc: "minimum typicality of an attribute" });
const probability = (value: number, doc: string) =>
  leaf("float", value, { above: 0, below: 1, doc });

const scorer: GroupSpec = {
  kind: "group",
  default: "beta",
  options: {
    beta: scorerOption("beta", "balr.scoring.beta.DirichletMultinomialScorer", {
      K: leaf("int", 2, { min: 2, doc: "categories per attribute" }),
      eps: leaf("float", 1e-8, { above: 0, doc: "method-of-moments guard" }),
      ...BETA_SCORER_EXTRAS,
    }),
    dna: scorerOption("dna", "balr.scoring.llr.DNALLRScorer", {
      drop_in: dropIn,
      typicality_threshold: typicality,
    }),
    speech: scorerOption("speech", "balr.scoring.llr.SpeechLLRScorer", {
      drop_in: dropIn,
      typicality_threshold: typicality,
    }),
    maxllr: scorerOption(
      "maxllr",
      "balr.scoring.llr.MaxLLRScorer",
      {
        f: probability(0.5, "initial prior of having the attribute"),
        p: probability(0.9, "initial activation probability with the attribute"),
        q: probability(0.1, "initial activation probability without it"),
      },
      (v) =>
        (v.p as number) > (v.q as number)
          ? undefined
          : `p must be greater than q (p=${v.p}, q=${v.q})`,
    ),
    cosine: scorerOption("cosine", "balr.scoring.cosine.CosineSimilarityScorer", {
      dim: leaf("int", 1, { min: 0, doc: "dimension of the cosine similarity" }),
      eps: leaf("float", 1e-8, { above: 0, doc: "denominator guard" }),
    }),
  },
};

const data = struct({
  batch_size: leaf("int", 64, { min: 1, doc: "items per batch (N x M with an NxM sampler)" }),
  num_workers: leaf("int", 1, { min: 0, doc: "parallel loaders (0: main thread)" }),
  shuffle: leaf("bool", true, { doc: "shuffle during training" }),
  normalize_mean: leaf("bool", true, { doc: "mean-normalise features" }),
  normalize_var: leaf("bool", false, { doc: "variance-normalise features" }),
  sampler: leaf("str", "balr.samplers.nxm_samplers.RandomNxMSampler", {
    nullable: true,
    check: checkSampler,
    doc: "batch sampler (random, exhaustive, upstream class path, or null)",
  }),
  N_classes_per_batch: leaf("int", 8, { min: 1, doc: "N: classes per batch" }),
  M_samples_per_class: leaf("int", 8, { min: 1, doc: "M: samples per class" }),
});

/** The whole schema, in upstream's key order. */
export const BALR_SCHEMA: StructSpec = struct({
  input: leaf("str", null, { doc: "main input path (set from the command line)" }),
  save_output: leaf("bool", true, { doc: "save output vectors" }),
  model_dir: leaf("str", null, { doc: "model directory" }),
  save_dir: leaf("str", null, { doc: "save directory" }),
  exist_ok: leaf("bool", false, { doc: "reuse an existing save dir" }),
  audio_formats: leaf("str_list", [...DEFAULT_AUDIO_FORMATS], {
    check: checkFormats,
    doc: "audio extensions loaded from folders",
  }),
  embeddings: struct({ model: embeddingsModel }),
  encoder: struct({ model: encoderModel }),
  trainer,
  scorer,
  data,
  device: leaf("str", DEFAULT_DEVICE, { check: checkDevice, doc: "WebGPU device" }),
});

/** Where each config group sits, and which registry family its options are. */
export const GROUP_PATHS: readonly string[] = [
  "embeddings.model",
  "encoder.model",
  "trainer.losses",
  "scorer",
];
