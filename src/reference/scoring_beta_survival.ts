/**
 * CPU reference of scoring_beta_survival: survival counts per (attribute,
 * column), column nCat being the row total.
 * @module
 */

/** Shape of the referential and the survival length L. */
export interface BetaSurvivalRefArgs {
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  len: number;
}

/** `[nAttr * (nCat + 1), len + 1]`: #{x > j} for j < len, then #{x >= len}. */
export function scoringBetaSurvivalRef(
  counts: ArrayLike<number>,
  args: BetaSurvivalRefArgs,
): Uint32Array {
  const { nAttr, nCat, nSpeakers, len } = args;
  const cols = nCat + 1;
  const out = new Uint32Array(nAttr * cols * (len + 1));
  for (let a = 0; a < nAttr; a++) {
    for (let c = 0; c < cols; c++) {
      const base = (a * cols + c) * (len + 1);
      for (let l = 0; l < nSpeakers; l++) {
        const row = (l * nAttr + a) * nCat;
        let x = 0;
        if (c < nCat) x = counts[row + c];
        else for (let k = 0; k < nCat; k++) x += counts[row + k];
        for (let j = 0; j < Math.min(x, len); j++) out[base + j]++;
        if (x >= len) out[base + len]++;
      }
    }
  }
  return out;
}
