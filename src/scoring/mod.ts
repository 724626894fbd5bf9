/**
 * Scoring (BA vectors → LLRs): referentials, the five scorers (fit and score
 * on the GPU), checkpoints, metrics and explanations.
 *
 * @example
 * ```ts ignore
 * import { openGpu } from "../gpu/mod.ts";
 * const gpu = await openGpu("auto");
 * const referential = await buildReferential(gpu, baVectors, { speakers, nSpeakers });
 * const scorer = await fitScorer(gpu, referential, config.scorer);
 * const scores = await scoreTrialPairs(gpu, scorer, { sides, pairs });
 * const metrics = computeMetrics(scores, labels);
 * ```
 *
 * Where we differ from the reference (SPEC §9 "where the reference breaks"):
 * - beta: psi(R + alpha) - psi(alpha) is 0 for R = 0 and alpha is kept >= eps,
 *   so a category no speaker shows keeps alpha = eps instead of going 0 then NaN;
 *   method-of-moments entries with g <= 0 (proportions all 0 or 1) are left out
 *   of the geometric mean (all left out: mean 1); `tol` stops attributes whose
 *   relative change falls below it and the report gives the final change.
 * - maxllr: EM runs in the log domain (no p^a underflow) with f, p, q kept in
 *   [1e-6, 1 - 1e-6]; a zero denominator keeps the previous p or q.
 * - dna/speech: log-LR table entries are clamped to +-100 (0/0 gives 0), also
 *   when loading upstream checkpoints; sides must be single recordings (as
 *   upstream) and each must be one-hot per attribute.
 * - scores: float64 from double-f32 pairs (summed sides of thousands of
 *   recordings give attribute LLRs in the thousands); Cllr uses a stable
 *   softplus; EER/threshold are SpeechBrain's, found in O(N log N).
 * - cosine: `dim` is 1 (attributes) or 2 (columns); no per-attribute explanation.
 * @module
 */
export { buildReferential, sumGroups, sumGroupsOnGpu } from "./referential.ts";
export type { BuildReferentialOptions, SumGroupsOptions } from "./referential.ts";
export { createScorer, fitScorer, Scorer, scorerFromState } from "./scorer.ts";
export type { FitScorerOptions, ScorerParams } from "./scorer.ts";
export { MAX_CATEGORIES, scorerSettings } from "./scorer_config.ts";
export type { ScorerExtras, ScorerSettings } from "./scorer_config.ts";
export { formatFitReport } from "./fit_report.ts";
export type { FitReport } from "./fit_report.ts";
export { explainTrial, explainTrialPairs, scoreTrialPairs, scoreTrials } from "./score_trials.ts";
export type { TrialCounts, TrialPairs } from "./score_trials.ts";
export { loadScorer, openScorer, saveScorer } from "./checkpoint.ts";
export {
  actualDcf,
  binaryStats,
  cllr,
  cllrMin,
  computeMetrics,
  detCurve,
  equalErrorRate,
  minDcf,
  softplus,
  splitByLabel,
} from "./metrics.ts";
export type { BinaryStats, DcfOptions, DcfResult, EerResult, Metrics } from "./metrics.ts";
export {
  EXPLANATION_COLUMNS,
  explanationCsvLines,
  topContributions,
  writeExplanationCsv,
} from "./explanations.ts";
export type {
  Contribution,
  ExplainedTrial,
  ExplanationCsvOptions,
  TopContributions,
} from "./explanations.ts";
export { cosineScorePairs } from "./embedding_cosine.ts";
export type { CosineScorePairsOptions } from "./embedding_cosine.ts";
