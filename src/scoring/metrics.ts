/**
 * Verification metrics of scored trials (SPEC §9): EER and its threshold
 * exactly as SpeechBrain's `EER` computes them, but in O(N log N); Cllr with
 * a stable softplus; BinaryMetricStats at the EER threshold; and our extras:
 * normalised minDCF and actual DCF (p_target 0.01 and 0.05, C_miss = C_fa = 1)
 * and Cllr_min by pool-adjacent-violators calibration.
 *
 * These are sorts and sweeps over host score lists, so they run in
 * TypeScript (float64); only the scores come from the GPU.
 * @module
 */

/** Result of {@link equalErrorRate}. */
export interface EerResult {
  /** (FAR + FRR) / 2 at the chosen threshold. */
  eer: number;
  /** Score threshold the EER was reached at (a candidate threshold: a score or a midpoint). */
  threshold: number;
  /** P(non-target > threshold), as SpeechBrain's float32 rate. */
  far: number;
  /** P(target <= threshold), as SpeechBrain's float32 rate. */
  frr: number;
}

function sortedCopy(values: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new RangeError(`${what} score #${i} is NaN`);
  }
  return out.sort();
}

function needBoth(nTar: number, nNon: number, what: string): void {
  if (nTar === 0 || nNon === 0) {
    throw new RangeError(
      `${what} needs target and non-target trials (got ${nTar} target, ${nNon} non-target)`,
    );
  }
}

/**
 * SpeechBrain's candidate thresholds: the sorted unique scores with the
 * midpoints of consecutive ones in between (float64 midpoints).
 */
export function candidateThresholds(sortedScores: Float64Array): Float64Array {
  const unique: number[] = [];
  for (let i = 0; i < sortedScores.length; i++) {
    if (i === 0 || sortedScores[i] !== sortedScores[i - 1]) unique.push(sortedScores[i]);
  }
  const out = new Float64Array(Math.max(0, 2 * unique.length - 1));
  for (let i = 0; i < unique.length; i++) {
    out[2 * i] = unique[i];
    if (i + 1 < unique.length) out[2 * i + 1] = (unique[i] + unique[i + 1]) / 2;
  }
  // A midpoint of adjacent floats equals one end; sorting keeps SpeechBrain's order.
  return out.sort();
}

/**
 * Sweeps the candidate thresholds in increasing order with two pointers,
 * calling `visit(threshold, misses, falseAlarms)` where misses = #{tar <= t}
 * and falseAlarms = #{non > t}.
 */
function sweep(
  tar: Float64Array,
  non: Float64Array,
  visit: (threshold: number, misses: number, falseAlarms: number, index: number) => void,
): Float64Array {
  const all = new Float64Array(tar.length + non.length);
  all.set(tar);
  all.set(non, tar.length);
  all.sort();
  const thresholds = candidateThresholds(all);
  let it = 0;
  let in_ = 0;
  for (let k = 0; k < thresholds.length; k++) {
    const t = thresholds[k];
    while (it < tar.length && tar[it] <= t) it++;
    while (in_ < non.length && non[in_] <= t) in_++;
    visit(t, it, non.length - in_, k);
  }
  return thresholds;
}

/**
 * EER and threshold with SpeechBrain's semantics (`speechbrain.utils.
 * metric_stats.EER`): FRR = P(target <= t), FAR = P(non-target > t) as
 * float32 rates; the first threshold minimising |FAR - FRR| (its test
 * `|FAR - FRR| < |best FAR - best FRR|` in the same mixed float32/float64
 * arithmetic) wins; EER = (FAR + FRR) / 2. Bit-for-bit the same choice as
 * SpeechBrain's O(N^2) loop, in O(N log N).
 */
export function equalErrorRate(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
): EerResult {
  const tar = sortedCopy(targetScores, "target");
  const non = sortedCopy(nonTargetScores, "non-target");
  needBoth(tar.length, non.length, "EER");
  let best = { threshold: 0, far: 0, frr: 0 };
  sweep(tar, non, (t, misses, falseAlarms, k) => {
    const frr = Math.fround(misses / tar.length);
    const far = Math.fround(falseAlarms / non.length);
    if (k === 0 || Math.abs(Math.fround(far - frr)) < Math.abs(best.far - best.frr)) {
      best = { threshold: t, far, frr };
    }
  });
  return { eer: (best.far + best.frr) / 2, ...best };
}

/** Stable softplus ln(1 + e^x): no overflow past x = 88.7 (the reference's exp does). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Log-likelihood-ratio cost: (mean log2(1 + e^-s_tar) + mean log2(1 + e^s_non)) / 2,
 * with a stable softplus so scores beyond 88.7 stay finite.
 */
export function cllr(targetScores: ArrayLike<number>, nonTargetScores: ArrayLike<number>): number {
  needBoth(targetScores.length, nonTargetScores.length, "Cllr");
  let tar = 0;
  for (let i = 0; i < targetScores.length; i++) tar += softplus(-targetScores[i]);
  let non = 0;
  for (let i = 0; i < nonTargetScores.length; i++) non += softplus(nonTargetScores[i]);
  return (tar / targetScores.length + non / nonTargetScores.length) / (2 * Math.LN2);
}

/** Detection cost settings. */
export interface DcfOptions {
  /** Prior probability of a target trial, strictly inside (0, 1). */
  pTarget: number;
  /** Cost of a miss (default 1). */
  cMiss?: number;
  /** Cost of a false alarm (default 1). */
  cFa?: number;
}

/** A normalised detection cost and the threshold it was reached at. */
export interface DcfResult {
  /**
   * Detection cost divided by min(C_miss p, C_fa (1 - p)), the cost of always
   * deciding the cheaper way: 1 = no better than that.
   */
  dcf: number;
  /** Score threshold of the cost (accept when score > threshold). */
  threshold: number;
}

function dcfTerms(options: DcfOptions): { p: number; cMiss: number; cFa: number; norm: number } {
  const p = options.pTarget;
  if (!(p > 0 && p < 1)) throw new RangeError(`pTarget must be in (0, 1), got ${p}`);
  const cMiss = options.cMiss ?? 1;
  const cFa = options.cFa ?? 1;
  return { p, cMiss, cFa, norm: Math.min(cMiss * p, cFa * (1 - p)) };
}

/**
 * Minimum normalised DCF over SpeechBrain's candidate thresholds (as its
 * `minDCF`, then divided by min(C_miss p, C_fa (1 - p))).
 */
export function minDcf(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
  options: DcfOptions,
): DcfResult {
  const { p, cMiss, cFa, norm } = dcfTerms(options);
  const tar = sortedCopy(targetScores, "target");
  const non = sortedCopy(nonTargetScores, "non-target");
  needBoth(tar.length, non.length, "minDCF");
  let best = { dcf: Infinity, threshold: 0 };
  sweep(tar, non, (t, misses, falseAlarms) => {
    const c = cMiss * p * (misses / tar.length) + cFa * (1 - p) * (falseAlarms / non.length);
    if (c < best.dcf) best = { dcf: c, threshold: t };
  });
  return { dcf: best.dcf / norm, threshold: best.threshold };
}

/**
 * Actual normalised DCF of calibrated LLRs at the Bayes threshold
 * ln((1 - p) C_fa / (p C_miss)) (accept when score > threshold).
 */
export function actualDcf(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
  options: DcfOptions,
): DcfResult {
  const { p, cMiss, cFa, norm } = dcfTerms(options);
  needBoth(targetScores.length, nonTargetScores.length, "actual DCF");
  const threshold = Math.log(((1 - p) * cFa) / (p * cMiss));
  let misses = 0;
  for (let i = 0; i < targetScores.length; i++) if (!(targetScores[i] > threshold)) misses++;
  let fas = 0;
  for (let i = 0; i < nonTargetScores.length; i++) if (nonTargetScores[i] > threshold) fas++;
  const c = cMiss * p * (misses / targetScores.length) +
    cFa * (1 - p) * (fas / nonTargetScores.length);
  return { dcf: c / norm, threshold };
}

/**
 * Cllr after the best monotonic calibration: pool-adjacent-violators on the
 * score-sorted labels (tied scores pooled first, so equal scores get one
 * calibrated LLR), posteriors turned into LLRs against the empirical prior.
 */
export function cllrMin(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
): number {
  const nt = targetScores.length;
  const nn = nonTargetScores.length;
  needBoth(nt, nn, "Cllr_min");
  const items = new Float64Array(nt + nn);
  items.set(Float64Array.from(targetScores));
  items.set(Float64Array.from(nonTargetScores), nt);
  const order = Uint32Array.from({ length: nt + nn }, (_, i) => i).sort((a, b) =>
    items[a] - items[b]
  );
  // Blocks of (targets, total), merged while their target rates decrease.
  const tars: number[] = [];
  const tots: number[] = [];
  for (let k = 0; k < order.length;) {
    let t = 0;
    let n = 0;
    const s = items[order[k]];
    for (; k < order.length && items[order[k]] === s; k++) {
      if (order[k] < nt) t++;
      n++;
    }
    tars.push(t);
    tots.push(n);
    while (tars.length > 1) {
      const j = tars.length - 1;
      if (tars[j - 1] * tots[j] < tars[j] * tots[j - 1]) break;
      tars[j - 1] += tars[j];
      tots[j - 1] += tots[j];
      tars.pop();
      tots.pop();
    }
  }
  const priorLogOdds = Math.log(nt / nn);
  let tarCost = 0;
  let nonCost = 0;
  for (let j = 0; j < tars.length; j++) {
    const t = tars[j];
    const n = tots[j] - t;
    // LLR = ln(t / n) - ln(nt / nn); blocks without targets or non-targets give +-inf.
    const llr = t === 0 ? -Infinity : n === 0 ? Infinity : Math.log(t / n) - priorLogOdds;
    if (t > 0) tarCost += t * softplus(-llr);
    if (n > 0) nonCost += n * softplus(llr);
  }
  return (tarCost / nt + nonCost / nn) / (2 * Math.LN2);
}

/** BinaryMetricStats fields at a threshold (SpeechBrain's summarize, eps 1e-8). */
export interface BinaryStats {
  /** True positives: target trials with score > threshold (a count). */
  TP: number;
  /** True negatives: non-target trials with score <= threshold (a count). */
  TN: number;
  /** False positives: non-target trials with score > threshold (a count). */
  FP: number;
  /** False negatives: target trials with score <= threshold (a count). */
  FN: number;
  /** False acceptance rate FP / (FP + TN + 1e-8), in [0, 1]. */
  FAR: number;
  /** False rejection rate FN / (TP + FN + 1e-8), in [0, 1]. */
  FRR: number;
  /**
   * Detection error ratio (FP + FN) / (TP + TN + 1e-8), as SpeechBrain defines it (can exceed 1).
   */
  DER: number;
  /** The decision threshold these counts were taken at. */
  threshold: number;
  /** TP / (TP + FP + 1e-8). */
  precision: number;
  /** TP / (TP + FN + 1e-8). */
  recall: number;
  /** F-beta score (1 + β²) TP / ((1 + β²) TP + β² FN + FP); β = 1 in metrics.json. */
  "F-score": number;
  /**
   * Matthews correlation coefficient, in [-1, 1]:
   * (TP TN - FP FN) / sqrt((TP + FP)(TP + FN)(TN + FP)(TN + FN) + 1e-8).
   */
  MCC: number;
}

/** Counts and rates of `score > threshold` decisions (each denominator + 1e-8). */
export function binaryStats(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  threshold: number,
  beta = 1,
): BinaryStats {
  const eps = 1e-8;
  let TP = 0, TN = 0, FP = 0, FN = 0;
  for (let i = 0; i < scores.length; i++) {
    const pred = scores[i] > threshold;
    const tar = Boolean(labels[i]);
    if (pred && tar) TP++;
    else if (pred) FP++;
    else if (tar) FN++;
    else TN++;
  }
  const b2 = beta * beta;
  const fDen = (1 + b2) * TP + b2 * FN + FP;
  return {
    TP,
    TN,
    FP,
    FN,
    FAR: FP / (FP + TN + eps),
    FRR: FN / (TP + FN + eps),
    DER: (FP + FN) / (TP + TN + eps),
    threshold,
    precision: TP / (TP + FP + eps),
    recall: TP / (TP + FN + eps),
    "F-score": ((1 + b2) * TP) / (fDen === 0 ? eps : fDen),
    MCC: (TP * TN - FP * FN) / Math.sqrt((TP + FP) * (TP + FN) * (TN + FP) * (TN + FN) + eps),
  };
}

/** metrics.json: SPEC §4's keys in order, then ours. */
export interface Metrics extends BinaryStats {
  /** Equal error rate as a fraction in [0, 1] (not a percentage); see {@link equalErrorRate}. */
  EER: number;
  /** Score threshold of the EER; the {@link BinaryStats} fields are taken at it. */
  EER_thres: number;
  /** Log-likelihood-ratio cost in bits (see {@link cllr}); 0 = perfect, 1 = an always-zero LLR. */
  CLLR: number;
  /** Normalised minimum DCF at p_target 0.01, C_miss = C_fa = 1 (see {@link minDcf}). */
  "minDCF_0.01": number;
  /** Normalised minimum DCF at p_target 0.05, C_miss = C_fa = 1 (see {@link minDcf}). */
  "minDCF_0.05": number;
  /** Normalised actual DCF at p_target 0.01 with scores read as LLRs (see {@link actualDcf}). */
  "actDCF_0.01": number;
  /** Normalised actual DCF at p_target 0.05 with scores read as LLRs (see {@link actualDcf}). */
  "actDCF_0.05": number;
  /** Cllr after the best monotonic calibration, in bits (see {@link cllrMin}). */
  CLLR_min: number;
  /** Number of target (same-speaker) trials. */
  n_target: number;
  /** Number of non-target (different-speaker) trials. */
  n_nontarget: number;
}

/** Splits scores by label (truthy = target, same speaker). */
export function splitByLabel(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
): { targets: Float64Array; nonTargets: Float64Array } {
  if (scores.length !== labels.length) {
    throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  }
  const t: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < scores.length; i++) (labels[i] ? t : n).push(scores[i]);
  return { targets: Float64Array.from(t), nonTargets: Float64Array.from(n) };
}

/**
 * Every metric of a scored trial list, keys in metrics.json order:
 * EER, EER_thres, CLLR, TP … MCC (at the EER threshold), then our extras.
 */
export function computeMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
): Metrics {
  const { targets, nonTargets } = splitByLabel(scores, labels);
  const e = equalErrorRate(targets, nonTargets);
  const stats = binaryStats(scores, labels, e.threshold);
  return {
    EER: e.eer,
    EER_thres: e.threshold,
    CLLR: cllr(targets, nonTargets),
    ...stats,
    "minDCF_0.01": minDcf(targets, nonTargets, { pTarget: 0.01 }).dcf,
    "minDCF_0.05": minDcf(targets, nonTargets, { pTarget: 0.05 }).dcf,
    "actDCF_0.01": actualDcf(targets, nonTargets, { pTarget: 0.01 }).dcf,
    "actDCF_0.05": actualDcf(targets, nonTargets, { pTarget: 0.05 }).dcf,
    CLLR_min: cllrMin(targets, nonTargets),
    n_target: targets.length,
    n_nontarget: nonTargets.length,
  };
}

/** Points of a DET curve: P_fa and P_miss at every candidate threshold. */
export function detCurve(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
): { pFa: Float64Array; pMiss: Float64Array; thresholds: Float64Array } {
  const tar = sortedCopy(targetScores, "target");
  const non = sortedCopy(nonTargetScores, "non-target");
  needBoth(tar.length, non.length, "DET curve");
  const pFa: number[] = [];
  const pMiss: number[] = [];
  const thresholds = sweep(tar, non, (_t, misses, falseAlarms) => {
    pMiss.push(misses / tar.length);
    pFa.push(falseAlarms / non.length);
  });
  return { pFa: Float64Array.from(pFa), pMiss: Float64Array.from(pMiss), thresholds };
}
