/**
 * CPU reference of bae_triplet_mine: pytorch-metric-learning's
 * TripletMarginMiner (margin, type_of_triplets) and TripletMarginLoss
 * (margin 0.05, AvgNonZeroReducer) bookkeeping, triplet by triplet.
 * @module
 */

/** Triplet selection of the miner. */
export type TripletTypeRef = "all" | "hard" | "semihard" | "easy";

/** Whether the miner keeps a triplet with m = d(a,n) − d(a,p). */
export function keepsTripletRef(m: number, margin: number, type: TripletTypeRef): boolean {
  if (type === "easy") return m > margin;
  if (type === "hard") return m <= margin && m <= 0;
  if (type === "semihard") return m <= margin && m > 0;
  return m <= margin;
}

/** Counts per pair as the kernel writes them, and the loss's totals. */
export interface MineRef {
  /** [a, j]: kept triplets (a, j, ·) for a positive j, (a, ·, j) for a negative j. */
  kept: Float64Array;
  /** Same for triplets with a nonzero loss. */
  nonzero: Float64Array;
  /** Sum of the nonzero losses and their number (the loss is their ratio). */
  lossSum: number;
  nonzeroCount: number;
  /** Number of kept triplets. */
  keptCount: number;
}

/** Mining over an n x n distance matrix (stride ld) with integer labels. */
export function baeTripletMineRef(
  d: ArrayLike<number>,
  labels: ArrayLike<number>,
  shape: { n: number; ld: number },
  o: { margin: number; type: TripletTypeRef; lossMargin?: number },
): MineRef {
  const { n, ld } = shape;
  const lossMargin = o.lossMargin ?? 0.05;
  const kept = new Float64Array(n * ld);
  const nonzero = new Float64Array(n * ld);
  let lossSum = 0;
  let nonzeroCount = 0;
  let keptCount = 0;
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let q = 0; q < n; q++) {
        if (labels[q] === labels[a]) continue;
        const dap = d[a * ld + p];
        const dan = d[a * ld + q];
        if (!keepsTripletRef(dan - dap, o.margin, o.type)) continue;
        kept[a * ld + p]++;
        kept[a * ld + q]++;
        keptCount++;
        const l = dap - dan + lossMargin;
        if (l > 0) {
          nonzero[a * ld + p]++;
          nonzero[a * ld + q]++;
          nonzeroCount++;
          lossSum += l;
        }
      }
    }
  }
  return { kept, nonzero, lossSum, nonzeroCount, keptCount };
}
