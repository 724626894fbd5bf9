/**
 * CPU reference of scoring_maxllr_attr_llr: per-attribute MaxLLR LLRs in
 * float64, each ln L(a, n) computed directly as a log-sum-exp.
 * @module
 */

/** Inputs of scoringMaxllrAttrLlrRef besides the side counts. */
export interface MaxllrAttrLlrRefArgs {
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: ArrayLike<number>;
  /** `[nAttr, 12]`: ln f, ln(1-f), ln p, ln(1-p), ln q, ln(1-q), then f, p, q (unused). */
  params: ArrayLike<number>;
  nAttr: number;
}

/** ln(f p^a (1-p)^n + (1-f) q^a (1-q)^n) from the params of one attribute. */
export function maxllrLogLikelihoodRef(
  params: ArrayLike<number>,
  attr: number,
  a: number,
  n: number,
): number {
  const p = 12 * attr;
  const u = params[p] + a * params[p + 2] + n * params[p + 3];
  const v = params[p + 1] + a * params[p + 4] + n * params[p + 5];
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** `[nTrials, nAttr]` per-attribute LLRs. */
export function scoringMaxllrAttrLlrRef(
  sides: ArrayLike<number>,
  args: MaxllrAttrLlrRefArgs,
): Float64Array {
  const { nAttr, params } = args;
  const nTrials = args.pairs.length / 2;
  const out = new Float64Array(nTrials * nAttr);
  for (let t = 0; t < nTrials; t++) {
    const eb = args.pairs[2 * t] * nAttr * 2;
    const tb = args.pairs[2 * t + 1] * nAttr * 2;
    for (let a = 0; a < nAttr; a++) {
      const ae = sides[eb + 2 * a], ne = sides[eb + 2 * a + 1];
      const at = sides[tb + 2 * a], nt = sides[tb + 2 * a + 1];
      out[t * nAttr + a] = maxllrLogLikelihoodRef(params, a, ae + at, ne + nt) -
        maxllrLogLikelihoodRef(params, a, ae, ne) - maxllrLogLikelihoodRef(params, a, at, nt);
    }
  }
  return out;
}
