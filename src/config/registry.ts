/**
 * The fixed registry from upstream's `_target_` class paths (and the short
 * names users type) to our implementations. Identifiers such as
 * `"sampler:random"` are what the engines dispatch on; nothing here imports
 * code, so a config can never make us load arbitrary modules.
 * @module
 */
import { ConfigError } from "./config_error.ts";

/** The families of implementations a config can name. */
export type ImplementationKind =
  | "embeddings"
  | "encoder"
  | "trainer"
  | "loss"
  | "scorer"
  | "sampler";

/** One implementation and every name that refers to it. */
export interface RegistryEntry {
  /** What the engines dispatch on, `<kind>:<option>`. */
  readonly id: string;
  /** Family. */
  readonly kind: ImplementationKind;
  /** The config-group option (or sampler short name) it belongs to. */
  readonly option: string;
  /** Upstream's fully qualified class path (the canonical `_target_`). */
  readonly classPath: string;
}

function entry(kind: ImplementationKind, option: string, classPath: string): RegistryEntry {
  return { id: `${kind}:${option}`, kind, option, classPath };
}

/** Every implementation we provide, under upstream's class paths. */
export const REGISTRY: readonly RegistryEntry[] = [
  entry("embeddings", "wespeaker", "balr.embeddings.wespeaker.WespeakerModel"),
  entry("encoder", "autoencoder", "balr.binary_attributes.autoencoder.BinaryAttributeAutoEncoder"),
  entry("trainer", "batrainer", "balr.binary_attributes.trainer.BinaryAttributeEncoderTrainer"),
  entry("loss", "mse", "balr.losses.mse_loss.MSELoss"),
  entry("loss", "triplet", "balr.losses.triplet_margin_loss.TripletMarginLoss"),
  entry("loss", "sparsity", "balr.losses.sparsity_loss.SparsityLoss"),
  entry("loss", "arcface", "balr.losses.arcface_loss.ArcFaceLoss"),
  entry("scorer", "beta", "balr.scoring.beta.DirichletMultinomialScorer"),
  entry("scorer", "dna", "balr.scoring.llr.DNALLRScorer"),
  entry("scorer", "speech", "balr.scoring.llr.SpeechLLRScorer"),
  entry("scorer", "maxllr", "balr.scoring.llr.MaxLLRScorer"),
  entry("scorer", "cosine", "balr.scoring.cosine.CosineSimilarityScorer"),
  entry("sampler", "random", "balr.samplers.nxm_samplers.RandomNxMSampler"),
  entry("sampler", "exhaustive", "balr.samplers.nxm_samplers.ExhaustiveNxMSampler"),
];

/** The names that refer to an entry: class path, class name, option name. */
export function entryNames(e: RegistryEntry): string[] {
  const className = e.classPath.slice(e.classPath.lastIndexOf(".") + 1);
  return [e.classPath, className, e.option];
}

/** Finds the entry a name refers to, or undefined. */
export function findTarget(name: string, kind?: ImplementationKind): RegistryEntry | undefined {
  const t = name.trim();
  return REGISTRY.find((e) =>
    (kind === undefined || e.kind === kind) &&
    entryNames(e).some((n) => n === t || n.toLowerCase() === t.toLowerCase())
  );
}

/**
 * Resolves a `_target_` string (class path, class name or short name) to our
 * implementation, or throws a ConfigError listing what exists.
 *
 * @example
 * ```ts
 * import { resolveTarget } from "./registry.ts";
 * console.assert(resolveTarget("balr.scoring.llr.MaxLLRScorer").id === "scorer:maxllr");
 * ```
 */
export function resolveTarget(
  name: string,
  kind?: ImplementationKind,
  options: { key?: string } = {},
): RegistryEntry {
  const found = findTarget(name, kind);
  if (found) return found;
  const known = REGISTRY.filter((e) => kind === undefined || e.kind === kind)
    .map((e) => `${e.classPath} (${e.option})`);
  const what = kind ? `${kind} implementation` : "implementation";
  throw new ConfigError(
    `${options.key ? `${options.key}: ` : ""}unknown ${what} '${name}'; known: ${known.join(", ")}`,
    { key: options.key },
  );
}

/** Sampler identifiers the trainer understands. */
export type SamplerId = "sampler:random" | "sampler:exhaustive";

/**
 * Resolves `data.sampler` (upstream class path, class name, or `random` /
 * `exhaustive`) to a sampler identifier; null stays null (plain batches).
 */
export function resolveSampler(value: string | null): SamplerId | null {
  if (value === null) return null;
  return resolveTarget(value, "sampler", { key: "data.sampler" }).id as SamplerId;
}
