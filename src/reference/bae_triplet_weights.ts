/**
 * CPU reference of bae_triplet_weights (float64): the triplet loss and the
 * pair weights of its gradient.
 * @module
 */

/** loss = S/T, w[i,j] = scale·(±nonzero[i,j] ± nonzero[j,i])/(T d[i,j]), rs = row sums of w. */
export function baeTripletWeightsRef(
  d: ArrayLike<number>,
  nonzero: ArrayLike<number>,
  labels: ArrayLike<number>,
  shape: { n: number; ld: number },
  o: { lossSum: number; nonzeroCount: number; scale: number },
): { loss: number; w: Float64Array; rs: Float64Array } {
  const { n, ld } = shape;
  const t = o.nonzeroCount;
  const coef = t > 0 ? o.scale / t : 0;
  const w = new Float64Array(n * ld);
  const rs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dij = d[i * ld + j];
      const sgn = labels[i] === labels[j] ? 1 : -1;
      const v = dij > 1e-6 ? (coef * sgn * (nonzero[i * ld + j] + nonzero[j * ld + i])) / dij : 0;
      w[i * ld + j] = v;
      rs[i] += v;
    }
  }
  return { loss: t > 0 ? o.lossSum / t : 0, w, rs };
}
