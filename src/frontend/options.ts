/**
 * Feature options: what `embeddings.model.features` and `data.normalize_*`
 * configure, with their defaults and validation.
 * @module
 */

/** Analysis windows of Kaldi's feature-window code. */
export type WindowType = "hamming" | "hanning" | "povey" | "rectangular" | "blackman";

/** Every window type. */
export const WINDOW_TYPES: readonly WindowType[] = [
  "hamming",
  "hanning",
  "povey",
  "rectangular",
  "blackman",
];

/** Options of the fbank front-end (camelCase mirrors of the config keys). */
export interface FeatureOptions {
  /** Mel bins (`num_mel_bins`, default 80). */
  numMelBins?: number;
  /** Frame length in ms (`frame_length`, default 25). */
  frameLength?: number;
  /** Frame shift in ms (`frame_shift`, default 10). */
  frameShift?: number;
  /** Standard deviation of Gaussian dither in scaled sample units (`dither`, default 0). */
  dither?: number;
  /**
   * Analysis window (default "hamming", as WeSpeaker calls kaldi.fbank;
   * torchaudio's own default is "povey").
   */
  windowType?: WindowType;
  /** Subtract each bin's mean over time (`data.normalize_mean`, default true). */
  normalizeMean?: boolean;
  /** Divide each bin by its standard deviation over time (`data.normalize_var`, default false). */
  normalizeVar?: boolean;
  /** Seed of the dither noise (default 0); the same seed gives the same noise. */
  seed?: number;
  /** Sample rate of the waveform given to the fbank, in Hz (default 16000). */
  sampleRate?: number;
  /**
   * Factor applied to [-1, 1] samples before the fbank (default 32768 =
   * `1 << 15`, as WeSpeaker does; with mean normalisation the scale only
   * moves the log floor).
   */
  scale?: number;
}

/** FeatureOptions with every field present and checked. */
export type ResolvedFeatureOptions = Required<FeatureOptions>;

/** The defaults (WeSpeaker's ResNet34 front-end). */
export const DEFAULT_FEATURE_OPTIONS: ResolvedFeatureOptions = {
  numMelBins: 80,
  frameLength: 25,
  frameShift: 10,
  dither: 0,
  windowType: "hamming",
  normalizeMean: true,
  normalizeVar: false,
  seed: 0,
  sampleRate: 16000,
  scale: 32768,
};

const CONFIG_KEYS: Record<keyof FeatureOptions, string> = {
  numMelBins: "embeddings.model.features.num_mel_bins",
  frameLength: "embeddings.model.features.frame_length",
  frameShift: "embeddings.model.features.frame_shift",
  dither: "embeddings.model.features.dither",
  windowType: "window type",
  normalizeMean: "data.normalize_mean",
  normalizeVar: "data.normalize_var",
  seed: "dither seed",
  sampleRate: "feature sample rate",
  scale: "waveform scale",
};

function fail(key: keyof FeatureOptions, want: string, got: unknown): never {
  throw new RangeError(`${CONFIG_KEYS[key]} (${key}) must be ${want}, got ${JSON.stringify(got)}`);
}

/** Fills in defaults and validates ranges; errors name the config key. */
export function resolveFeatureOptions(options: FeatureOptions = {}): ResolvedFeatureOptions {
  const o = { ...DEFAULT_FEATURE_OPTIONS };
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  }
  const positive = (k: "frameLength" | "frameShift" | "sampleRate" | "scale") => {
    if (typeof o[k] !== "number" || !(o[k] > 0) || !Number.isFinite(o[k])) {
      fail(k, "a positive number", o[k]);
    }
  };
  if (!Number.isInteger(o.numMelBins) || o.numMelBins < 4) {
    fail("numMelBins", "an integer >= 4", o.numMelBins);
  }
  positive("frameLength");
  positive("frameShift");
  positive("sampleRate");
  positive("scale");
  if (typeof o.dither !== "number" || !(o.dither >= 0) || !Number.isFinite(o.dither)) {
    fail("dither", "a finite number >= 0", o.dither);
  }
  if (!WINDOW_TYPES.includes(o.windowType)) {
    fail("windowType", `one of ${WINDOW_TYPES.join(", ")}`, o.windowType);
  }
  if (typeof o.normalizeMean !== "boolean") fail("normalizeMean", "a boolean", o.normalizeMean);
  if (typeof o.normalizeVar !== "boolean") fail("normalizeVar", "a boolean", o.normalizeVar);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    fail("seed", "an integer in [0, 2^32)", o.seed);
  }
  return o;
}

/** The `embeddings.model.features` config group. */
export interface FeaturesConfig {
  frontend?: string;
  num_mel_bins?: number;
  frame_length?: number;
  frame_shift?: number;
  dither?: number;
}

/** The `data` config keys the front-end reads. */
export interface NormalizationConfig {
  normalize_mean?: boolean;
  normalize_var?: boolean;
}

/**
 * FeatureOptions from the config tree's snake_case keys.
 *
 * @example
 * ```ts
 * import { featureOptionsFromConfig } from "./options.ts";
 * const o = featureOptionsFromConfig({ frontend: "fbank", num_mel_bins: 80 }, { normalize_var: false });
 * console.log(o.numMelBins); // 80
 * ```
 */
export function featureOptionsFromConfig(
  features: FeaturesConfig,
  data: NormalizationConfig = {},
): ResolvedFeatureOptions {
  if (features.frontend !== undefined && features.frontend !== "fbank") {
    throw new RangeError(
      `embeddings.model.features.frontend must be "fbank", got ${
        JSON.stringify(features.frontend)
      }`,
    );
  }
  return resolveFeatureOptions({
    numMelBins: features.num_mel_bins,
    frameLength: features.frame_length,
    frameShift: features.frame_shift,
    dither: features.dither,
    normalizeMean: data.normalize_mean,
    normalizeVar: data.normalize_var,
  });
}
