/**
 * CPU reference of scoring_beta_init: the method-of-moments start alpha,
 * with entries whose g <= 0 left out of the geometric mean.
 * @module
 */

/** The start alpha and what the guard did. */
export interface BetaInitRef {
  alpha: Float64Array;
  gmean: number;
  /** Entries left out of the geometric mean (g <= 0 or not finite). */
  excluded: number;
}

/** alpha[j] = E_j * gmean + eps from `[nEntries, 2]` means and variances. */
export function scoringBetaInitRef(stats: ArrayLike<number>, eps: number): BetaInitRef {
  const n = stats.length / 2;
  let logSum = 0;
  let kept = 0;
  for (let j = 0; j < n; j++) {
    const e = stats[2 * j];
    const g = (e * (1 - e) + 2 * eps) / (stats[2 * j + 1] + eps) - 1;
    if (Number.isFinite(g) && g > 0) {
      logSum += Math.log(g);
      kept++;
    }
  }
  const gmean = kept > 0 ? Math.exp(logSum / kept) : 1;
  const alpha = new Float64Array(n);
  for (let j = 0; j < n; j++) alpha[j] = stats[2 * j] * gmean + eps;
  return { alpha, gmean, excluded: n - kept };
}
