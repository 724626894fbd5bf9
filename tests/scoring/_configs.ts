/** Scorer configs with upstream's defaults (SPEC §3), for tests. */
import type { ScorerConfig, ScorerName } from "../../src/config/types.ts";

const TARGETS: Record<ScorerName, string> = {
  beta: "balr.scoring.beta.DirichletMultinomialScorer",
  dna: "balr.scoring.llr.DNALLRScorer",
  speech: "balr.scoring.llr.SpeechLLRScorer",
  maxllr: "balr.scoring.llr.MaxLLRScorer",
  cosine: "balr.scoring.cosine.CosineSimilarityScorer",
};

/** The default config of a scorer, with some keys replaced. */
export function scorerConfig(
  name: ScorerName,
  changes: Record<string, unknown> = {},
): ScorerConfig {
  const common = {
    _target_: TARGETS[name],
    checkpoint_path: null,
    n_iterations: 100,
    n_attributes: 512,
  };
  const own: Record<ScorerName, Record<string, unknown>> = {
    beta: { K: 2, eps: 1e-8, tol: null },
    dna: { drop_in: 0.12, typicality_threshold: 1e-4 },
    speech: { drop_in: 0.12, typicality_threshold: 1e-4 },
    maxllr: { f: 0.5, p: 0.9, q: 0.1 },
    cosine: { dim: 1, eps: 1e-8 },
  };
  return { name, ...common, ...own[name], ...changes } as unknown as ScorerConfig;
}
