/**
 * CPU reference of scoring_beta_attr_llr: per-attribute Dirichlet-multinomial
 * LLRs, float64, G(x, e, t) summed term by term.
 * @module
 */

/** Inputs of scoringBetaAttrLlrRef besides the side counts. */
export interface BetaAttrLlrRefArgs {
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: ArrayLike<number>;
  /** `[nAttr, nCat]`. */
  alpha: ArrayLike<number>;
  nAttr: number;
  nCat: number;
}

/** lnG(x+e+t) + lnG(x) - lnG(x+e) - lnG(x+t) for integer e, t. */
export function lnGammaRatioRef(x: number, e: number, t: number): number {
  const small = Math.min(e, t);
  const big = Math.max(e, t);
  let s = 0;
  for (let j = 0; j < small; j++) s += Math.log1p(big / (x + j));
  return s;
}

/** `[nTrials, nAttr]` per-attribute LLRs. */
export function scoringBetaAttrLlrRef(
  sides: ArrayLike<number>,
  args: BetaAttrLlrRefArgs,
): Float64Array {
  const { nAttr, nCat } = args;
  const nTrials = args.pairs.length / 2;
  const out = new Float64Array(nTrials * nAttr);
  for (let t = 0; t < nTrials; t++) {
    const eb = args.pairs[2 * t] * nAttr * nCat;
    const tb = args.pairs[2 * t + 1] * nAttr * nCat;
    for (let a = 0; a < nAttr; a++) {
      let sum = 0;
      let ta = 0;
      let te = 0;
      let tt = 0;
      for (let c = 0; c < nCat; c++) {
        const x = args.alpha[a * nCat + c];
        const e = sides[eb + a * nCat + c];
        const v = sides[tb + a * nCat + c];
        sum += lnGammaRatioRef(x, e, v);
        ta += x;
        te += e;
        tt += v;
      }
      out[t * nAttr + a] = sum - lnGammaRatioRef(ta, te, tt);
    }
  }
  return out;
}
