/**
 * CPU reference of bae_miner_weights: pytorch-metric-learning's
 * convert_to_weights on the mined triplets, enumerated one by one.
 * @module
 */
import { keepsTripletRef, type TripletTypeRef } from "./bae_triplet_mine.ts";

/** weight[i] = appearances of i in kept triplets / the most appearances (all 1 if none kept). */
export function baeMinerWeightsRef(
  d: ArrayLike<number>,
  labels: ArrayLike<number>,
  shape: { n: number; ld: number },
  o: { margin: number; type: TripletTypeRef },
): Float64Array {
  const { n, ld } = shape;
  const count = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let q = 0; q < n; q++) {
        if (labels[q] === labels[a]) continue;
        if (!keepsTripletRef(d[a * ld + q] - d[a * ld + p], o.margin, o.type)) continue;
        count[a]++;
        count[p]++;
        count[q]++;
      }
    }
  }
  const top = Math.max(0, ...count);
  return count.map((c) => (top > 0 ? c / top : 1));
}
