/**
 * CPU reference of scoring_top_contributions: per trial, the k largest
 * positive and k most negative contributions (ties: lower attribute first),
 * by full sort of the float64 values hi + lo.
 * @module
 */

/** Top-k of every trial: attributes and values, `[nTrials, 2, k]` (for, then against). */
export interface TopContributionsRef {
  /** Attribute per rank, -1 when the trial has fewer such attributes. */
  attributes: Int32Array;
  /** Contribution per rank (0 when empty). */
  llrs: Float64Array;
}

/** Ranks the `[nTrials, nAttr, 2]` (hi, lo) contributions of each trial. */
export function scoringTopContributionsRef(
  contrib: ArrayLike<number>,
  args: { nAttr: number; k: number },
): TopContributionsRef {
  const { nAttr, k } = args;
  const nTrials = contrib.length / (2 * nAttr);
  const attributes = new Int32Array(nTrials * 2 * k).fill(-1);
  const llrs = new Float64Array(nTrials * 2 * k);
  for (let t = 0; t < nTrials; t++) {
    const value = (a: number) => contrib[2 * (t * nAttr + a)] + contrib[2 * (t * nAttr + a) + 1];
    const all = Array.from({ length: nAttr }, (_, a) => a);
    const pos = all.filter((a) => value(a) > 0).sort((x, y) => value(y) - value(x) || x - y);
    const neg = all.filter((a) => value(a) < 0).sort((x, y) => value(x) - value(y) || x - y);
    [pos, neg].forEach((list, side) => {
      list.slice(0, k).forEach((a, r) => {
        attributes[(t * 2 + side) * k + r] = a;
        llrs[(t * 2 + side) * k + r] = value(a);
      });
    });
  }
  return { attributes, llrs };
}
