/**
 * CPU reference of bae_triplet_pairs: per anchor-positive pair, the
 * miner's kept triplets over all negatives, those with a nonzero loss, and
 * their loss sum (float64).
 * @module
 */
import { keepsTripletRef, type TripletTypeRef } from "./bae_triplet_mine.ts";

/** [d(a,p), kept, nonzero, loss sum] for each pair (anchor[c], positive[c]). */
export function baeTripletPairsRef(
  d: ArrayLike<number>,
  labels: ArrayLike<number>,
  pairs: { anchor: ArrayLike<number>; positive: ArrayLike<number>; count: number },
  shape: { n: number; ld: number },
  o: { margin: number; type: TripletTypeRef; lossMargin?: number },
): Float64Array {
  const { n, ld } = shape;
  const lossMargin = o.lossMargin ?? 0.05;
  const out = new Float64Array(pairs.count * 4);
  for (let c = 0; c < pairs.count; c++) {
    const a = pairs.anchor[c];
    const dap = d[a * ld + pairs.positive[c]];
    out[4 * c] = dap;
    for (let q = 0; q < n; q++) {
      if (labels[q] === labels[a]) continue;
      const dan = d[a * ld + q];
      if (!keepsTripletRef(dan - dap, o.margin, o.type)) continue;
      out[4 * c + 1]++;
      const l = dap - dan + lossMargin;
      if (l > 0) {
        out[4 * c + 2]++;
        out[4 * c + 3] += l;
      }
    }
  }
  return out;
}
