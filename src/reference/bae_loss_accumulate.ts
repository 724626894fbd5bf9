/**
 * CPU reference of bae_loss_accumulate (float64).
 * @module
 */

/** The batch total Σ w_k·batch[k] and the updated running sums [total, parts...]. */
export function baeLossAccumulateRef(
  batch: ArrayLike<number>,
  sums: ArrayLike<number>,
  weights: readonly number[],
): { total: number; sums: Float64Array } {
  const out = Float64Array.from(sums);
  let total = 0;
  weights.forEach((w, k) => {
    total += w * batch[k];
    out[k + 1] += batch[k];
  });
  out[0] += total;
  return { total, sums: out };
}
