/**
 * The typed run configuration: the tree of SPEC §3 with upstream's names and
 * defaults (`balr.config.configs.RunConfig`). Config groups become
 * discriminated unions on `name`, the selected option; the multi-select
 * `trainer.losses` holds the selected losses only. Fields that are ours and
 * not upstream's are listed in `extras.ts`.
 * @module
 */

/** Kaldi filterbank settings (`embeddings.model.features`). */
export interface FeaturesConfig {
  /** Feature extractor; only `fbank` exists. */
  frontend: "fbank";
  /** Number of triangular mel bins. */
  num_mel_bins: number;
  /** Frame length in milliseconds. */
  frame_length: number;
  /** Frame shift in milliseconds. */
  frame_shift: number;
  /** Dither amplitude (0 = none). */
  dither: number;
}

/** `embeddings.model=wespeaker`: WeSpeaker ResNet embeddings. */
export interface WespeakerModelConfig {
  /** The selected option of the `embeddings.model` group. */
  name: "wespeaker";
  /** Upstream class path, resolved through `registry.ts`. */
  _target_: string;
  /** Filterbank settings. */
  features: FeaturesConfig;
  /** Hugging Face repository upstream downloads from (we only name it in messages). */
  model_repo: string;
  /** Checkpoint file name inside the model directory (`avg_model` or `avg_model.pt`). */
  model_name: string;
  /** WeSpeaker training config inside the model directory. */
  config_name: string;
  /** Local model directory (we run offline); null = not given. */
  model_dir: string | null;
}

/** The `embeddings.model` group (one option today). */
export type EmbeddingsModelConfig = WespeakerModelConfig;

/** `embeddings`. */
export interface EmbeddingsConfig {
  /** Selected embeddings model. */
  model: EmbeddingsModelConfig;
}

/** `encoder.model=autoencoder`: the binary attribute autoencoder (BAE). */
export interface AutoencoderModelConfig {
  /** The selected option of the `encoder.model` group. */
  name: "autoencoder";
  /** Upstream class path, resolved through `registry.ts`. */
  _target_: string;
  /** PyTorch state_dict of a trained BAE. */
  checkpoint_path: string;
  /** Embedding size. */
  input_dim: number;
  /** Number of binary attributes. */
  internal_dim: number;
}

/** The `encoder.model` group (one option today). */
export type EncoderModelConfig = AutoencoderModelConfig;

/** `encoder`. */
export interface EncoderConfig {
  /** Selected encoder model. */
  model: EncoderModelConfig;
}

/** `data`: loading and sampling. */
export interface DataConfig {
  /** Items per GPU submit (extract/binarize); N × M with an NxM sampler (train). */
  batch_size: number;
  /** Parallel loaders (Deno workers) decoding audio / reading vectors; 0 = main thread. */
  num_workers: number;
  /** Shuffle batches / classes during training. */
  shuffle: boolean;
  /** Mean normalisation of features over time. */
  normalize_mean: boolean;
  /** Variance normalisation of features over time. */
  normalize_var: boolean;
  /** Sampler class path or short name (see `resolveSampler`); null = plain batches. */
  sampler: string | null;
  /** N: classes per batch for an NxM sampler. */
  N_classes_per_batch: number;
  /** M: samples per class for an NxM sampler. */
  M_samples_per_class: number;
}

/** Triplet mining strategies of pytorch-metric-learning's TripletMarginMiner. */
export type TripletType = "all" | "hard" | "semihard" | "easy";

/** `trainer.losses.mse`. */
export interface MseLossConfig {
  /** Upstream class path. */
  _target_: string;
  /** Weight in the total loss. */
  weight: number;
}

/** `trainer.losses.triplet`. */
export interface TripletLossConfig {
  /** Upstream class path. */
  _target_: string;
  /** Miner margin. */
  margin: number;
  /** Which mined triplets to keep. */
  type_of_triplets: TripletType;
  /** Weight in the total loss. */
  weight: number;
}

/** `trainer.losses.sparsity`. */
export interface SparsityLossConfig {
  /** Upstream class path. */
  _target_: string;
  /** Weight in the total loss. */
  weight: number;
}

/** `trainer.losses.arcface`. */
export interface ArcFaceLossConfig {
  /** Upstream class path. */
  _target_: string;
  /** Miner margin. */
  margin: number;
  /** Which mined triplets to keep. */
  type_of_triplets: TripletType;
  /** Weight in the total loss. */
  weight: number;
}

/** Names of the losses of the `trainer.losses` multi-select group. */
export type LossName = "mse" | "triplet" | "sparsity" | "arcface";

/**
 * `trainer.losses`: the selected losses only, in selection order
 * (object key order).
 */
export interface LossesConfig {
  /** Mean squared reconstruction error. */
  mse?: MseLossConfig;
  /** Triplet margin loss on the binary codes. */
  triplet?: TripletLossConfig;
  /** Sparsity loss on Z. */
  sparsity?: SparsityLossConfig;
  /** ArcFace loss on the binary codes. */
  arcface?: ArcFaceLossConfig;
}

/** `trainer`: BAE training. */
export interface TrainerConfig {
  /** Upstream class path. */
  _target_: string;
  /** Embedding size. */
  input_dim: number;
  /** Number of binary attributes. */
  internal_dim: number;
  /** Adam learning rate. */
  learning_rate: number;
  /** Number of epochs. */
  epochs: number;
  /** Seed for every random choice. */
  seed: number;
  /** Save `epoch{E}.pt` every this many epochs (0 = never). */
  save_period: number;
  /** Log train metrics every this many epochs (0 = never). */
  log_period: number;
  /** Validate every this many epochs (0 = only at the last epoch). */
  val_period: number;
  /** Selected losses. */
  losses: LossesConfig;
}

/** Fields every scorer has. */
export interface ScorerCommonConfig {
  /** Upstream class path. */
  _target_: string;
  /** Fitted scorer parameters to load (score test) ; null = none. */
  checkpoint_path: string | null;
  /** Iterations of the fitting algorithm. */
  n_iterations: number;
  /** Number of binary attributes. */
  n_attributes: number;
}

/** `scorer=beta`: Dirichlet-multinomial scorer. */
export interface BetaScorerConfig extends ScorerCommonConfig {
  /** The selected option of the `scorer` group. */
  name: "beta";
  /** Number of categories per attribute (columns of a BA vector). */
  K: number;
  /** Small constant of the method-of-moments start. */
  eps: number;
  /**
   * Ours (see extras.ts): stop Minka's fixed point once the largest relative
   * change of alpha is below this; null = run all n_iterations (upstream).
   */
  tol: number | null;
}

/** `scorer=dna`: DNA-style LLR scorer. */
export interface DnaScorerConfig extends ScorerCommonConfig {
  /** The selected option of the `scorer` group. */
  name: "dna";
  /** Drop-in probability. */
  drop_in: number;
  /** Attributes rarer than this contribute nothing. */
  typicality_threshold: number;
}

/** `scorer=speech`: speech-style LLR scorer. */
export interface SpeechScorerConfig extends ScorerCommonConfig {
  /** The selected option of the `scorer` group. */
  name: "speech";
  /** Drop-in probability. */
  drop_in: number;
  /** Attributes rarer than this contribute nothing. */
  typicality_threshold: number;
}

/** `scorer=maxllr`: EM-fitted latent-attribute LLR scorer. */
export interface MaxLlrScorerConfig extends ScorerCommonConfig {
  /** The selected option of the `scorer` group. */
  name: "maxllr";
  /** Initial prior of "speaker has the attribute". */
  f: number;
  /** Initial activation probability when the speaker has it (p > q). */
  p: number;
  /** Initial activation probability when the speaker lacks it. */
  q: number;
}

/** `scorer=cosine`: cosine similarity of count matrices. */
export interface CosineScorerConfig extends ScorerCommonConfig {
  /** The selected option of the `scorer` group. */
  name: "cosine";
  /** Dimension the cosine similarity runs over. */
  dim: number;
  /** Denominator guard. */
  eps: number;
}

/** The `scorer` group, discriminated on `name`. */
export type ScorerConfig =
  | BetaScorerConfig
  | DnaScorerConfig
  | SpeechScorerConfig
  | MaxLlrScorerConfig
  | CosineScorerConfig;

/** Names of the options of the `scorer` group. */
export type ScorerName = ScorerConfig["name"];

/** The whole resolved run configuration. */
export interface BalrConfig {
  /** The command's main input (INPUT, TRAIN or TEST); set by the CLI. */
  input: string | null;
  /** Write output vectors (extract/binarize). */
  save_output: boolean;
  /** Upstream's top-level model directory (unused by upstream's tasks). */
  model_dir: string | null;
  /** Save directory; null = beside the inputs or the command's default. */
  save_dir: string | null;
  /** Reuse an existing save dir instead of incrementing it. */
  exist_ok: boolean;
  /** Audio extensions loaded from a folder. */
  audio_formats: string[];
  /** Embedding extraction. */
  embeddings: EmbeddingsConfig;
  /** Binary attribute encoder. */
  encoder: EncoderConfig;
  /** BAE training. */
  trainer: TrainerConfig;
  /** Scoring. */
  scorer: ScorerConfig;
  /** Data loading and sampling. */
  data: DataConfig;
  /** `--device` text: auto, gpu, cpu, cuda, cuda:N (ours defaults to auto). */
  device: string;
}
