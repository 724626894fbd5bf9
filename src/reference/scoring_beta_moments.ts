/**
 * CPU reference of scoring_beta_moments: per (attribute, category) mean and
 * unbiased variance over speakers of p = R / (row total + eps), float64.
 * @module
 */

/** Shape and eps of the referential. */
export interface BetaMomentsRefArgs {
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  eps: number;
}

/** `[nAttr * nCat, 2]`: mean, unbiased variance. */
export function scoringBetaMomentsRef(
  counts: ArrayLike<number>,
  args: BetaMomentsRefArgs,
): Float64Array {
  const { nAttr, nCat, nSpeakers, eps } = args;
  const n = nAttr * nCat;
  const p = new Float64Array(nSpeakers * n);
  for (let l = 0; l < nSpeakers; l++) {
    for (let a = 0; a < nAttr; a++) {
      let total = 0;
      for (let c = 0; c < nCat; c++) total += counts[l * n + a * nCat + c];
      for (let c = 0; c < nCat; c++) {
        p[l * n + a * nCat + c] = counts[l * n + a * nCat + c] / (total + eps);
      }
    }
  }
  const out = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let l = 0; l < nSpeakers; l++) sum += p[l * n + j];
    const mean = sum / nSpeakers;
    let sq = 0;
    for (let l = 0; l < nSpeakers; l++) sq += (p[l * n + j] - mean) ** 2;
    out[2 * j] = mean;
    out[2 * j + 1] = sq / (nSpeakers - 1);
  }
  return out;
}
