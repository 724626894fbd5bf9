/**
 * CPU reference of scoring_pair_cosine, in float64.
 * @module
 */

/** cos(x[a], x[b]) = a·b / max(‖a‖‖b‖, eps) for each pair. */
export function scoringPairCosineRef(
  x: ArrayLike<number>,
  pairs: ArrayLike<number>,
  options: { dim: number; eps?: number },
): Float64Array {
  const { dim } = options;
  const eps = options.eps ?? 1e-8;
  const out = new Float64Array(pairs.length / 2);
  for (let t = 0; t < out.length; t++) {
    const a = pairs[2 * t] * dim;
    const b = pairs[2 * t + 1] * dim;
    let ab = 0, aa = 0, bb = 0;
    for (let k = 0; k < dim; k++) {
      ab += x[a + k] * x[b + k];
      aa += x[a + k] * x[a + k];
      bb += x[b + k] * x[b + k];
    }
    out[t] = ab / Math.max(Math.sqrt(aa) * Math.sqrt(bb), eps);
  }
  return out;
}
