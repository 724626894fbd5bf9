/**
 * The scorer settings our implementation needs, taken from the `scorer`
 * config group (SPEC §3) and checked before any GPU work.
 * @module
 */
import type { ScorerConfig, ScorerName } from "../config/types.ts";

export type { ScorerConfig, ScorerName };

/** Most categories per attribute the beta kernels hold (BA vectors have 2). */
export const MAX_CATEGORIES = 8;

/** Normalised settings of one scorer. */
export interface ScorerSettings {
  /** Which scoring model (the config group's `name`). */
  kind: ScorerName;
  /** Binary attributes per BA vector (scorer.n_attributes, >= 1). */
  nAttributes: number;
  /** Categories per attribute: beta's K, 2 for the others. */
  nCategories: number;
  /** Iterations of the fitting algorithm (scorer.n_iterations, >= 0; beta and MaxLLR use it). */
  nIterations: number;
  /** Convergence tolerance of beta's fixed point and MaxLLR's EM (0: run every iteration). */
  tol: number;
  /** beta: method-of-moments guard; cosine: norm floor. */
  eps: number;
  /** DNA/Speech: drop-in probability in [0, 1] (default 0.12 for the other scorers, unused). */
  dropIn: number;
  /** DNA/Speech: attributes whose typicality is below this contribute LLR 0 (>= 0). */
  typicalityThreshold: number;
  /** MaxLLR: initial prior that a speaker has the attribute, in (0, 1). */
  f: number;
  /** MaxLLR: initial activation probability when the speaker has the attribute, in (0, 1), > q. */
  p: number;
  /** MaxLLR: initial activation probability when the speaker lacks the attribute, in (0, 1). */
  q: number;
  /** Cosine: 1 = over attributes per column, 2 = over columns per attribute. */
  dim: 1 | 2;
  /** Fitted scorer parameters (scorer.pt) to load; null = none. */
  checkpointPath: string | null;
}

/** Options accepted besides the config group's own keys. */
export interface ScorerExtras {
  /** Convergence tolerance for scorers whose config has none (MaxLLR). */
  tol?: number | null;
}

/** Checks a scorer config and fills our normalised settings. */
export function scorerSettings(config: ScorerConfig, extras: ScorerExtras = {}): ScorerSettings {
  const where = `scorer=${config.name}`;
  const intAtLeast = (v: number, min: number, key: string) => {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(`${where}: scorer.${key} must be an integer >= ${min}, got ${v}`);
    }
  };
  intAtLeast(config.n_attributes, 1, "n_attributes");
  intAtLeast(config.n_iterations, 0, "n_iterations");
  const s: ScorerSettings = {
    kind: config.name,
    nAttributes: config.n_attributes,
    nCategories: 2,
    nIterations: config.n_iterations,
    tol: 0,
    eps: 1e-8,
    dropIn: 0.12,
    typicalityThreshold: 1e-4,
    f: 0.5,
    p: 0.9,
    q: 0.1,
    dim: 1,
    checkpointPath: config.checkpoint_path,
  };
  const tol = config.name === "beta" ? config.tol : extras.tol;
  if (tol !== null && tol !== undefined) {
    if (!(tol >= 0)) throw new RangeError(`${where}: tol must be >= 0, got ${tol}`);
    s.tol = tol;
  }
  switch (config.name) {
    case "beta":
      intAtLeast(config.K, 2, "K");
      if (config.K > MAX_CATEGORIES) {
        throw new RangeError(`${where}: scorer.K=${config.K}; at most ${MAX_CATEGORIES} supported`);
      }
      if (!(config.eps > 0)) throw new RangeError(`${where}: scorer.eps must be > 0`);
      s.nCategories = config.K;
      s.eps = config.eps;
      break;
    case "dna":
    case "speech":
      if (!(config.drop_in >= 0 && config.drop_in <= 1)) {
        throw new RangeError(`${where}: scorer.drop_in must be in [0, 1], got ${config.drop_in}`);
      }
      if (!(config.typicality_threshold >= 0)) {
        throw new RangeError(`${where}: scorer.typicality_threshold must be >= 0`);
      }
      s.dropIn = config.drop_in;
      s.typicalityThreshold = config.typicality_threshold;
      break;
    case "maxllr":
      for (const key of ["f", "p", "q"] as const) {
        if (!(config[key] > 0 && config[key] < 1)) {
          throw new RangeError(`${where}: scorer.${key} must be in (0, 1), got ${config[key]}`);
        }
      }
      if (!(config.p > config.q)) {
        throw new RangeError(`${where}: p must be greater than q (p=${config.p}, q=${config.q})`);
      }
      s.f = config.f;
      s.p = config.p;
      s.q = config.q;
      break;
    case "cosine": {
      const dim = config.dim < 0 ? config.dim + 3 : config.dim;
      if (dim !== 1 && dim !== 2) {
        throw new RangeError(
          `${where}: scorer.dim=${config.dim}; the count matrices [trials, attributes, 2] ` +
            `support dim 1 (attributes) or 2 (columns)`,
        );
      }
      if (!(config.eps > 0)) throw new RangeError(`${where}: scorer.eps must be > 0`);
      s.dim = dim;
      s.eps = config.eps;
      break;
    }
  }
  return s;
}
