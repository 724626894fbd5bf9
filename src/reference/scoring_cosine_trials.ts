/**
 * CPU reference of scoring_cosine_trials: torch.nn.CosineSimilarity(dim,
 * eps) of the two count matrices, then the product over dim 1, float64.
 * @module
 */

/** Inputs of scoringCosineTrialsRef besides the side counts. */
export interface CosineTrialsRefArgs {
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: ArrayLike<number>;
  nAttr: number;
  nCat: number;
  /** 1: cosine over attributes per column; 2: over columns per attribute. */
  dim: 1 | 2;
  eps: number;
}

/** Per-trial cosine scores. */
export function scoringCosineTrialsRef(
  sides: ArrayLike<number>,
  args: CosineTrialsRefArgs,
): Float64Array {
  const { nAttr, nCat, eps } = args;
  const nTrials = args.pairs.length / 2;
  const out = new Float64Array(nTrials);
  const outer = args.dim === 1 ? nCat : nAttr;
  const inner = args.dim === 1 ? nAttr : nCat;
  for (let t = 0; t < nTrials; t++) {
    const eb = args.pairs[2 * t] * nAttr * nCat;
    const xb = args.pairs[2 * t + 1] * nAttr * nCat;
    let score = 1;
    for (let o = 0; o < outer; o++) {
      let dot = 0, ee = 0, xx = 0;
      for (let i = 0; i < inner; i++) {
        const k = args.dim === 1 ? i * nCat + o : o * nCat + i;
        dot += sides[eb + k] * sides[xb + k];
        ee += sides[eb + k] ** 2;
        xx += sides[xb + k] ** 2;
      }
      score *= dot / (Math.max(Math.sqrt(ee), eps) * Math.max(Math.sqrt(xx), eps));
    }
    out[t] = score;
  }
  return out;
}
