/**
 * CPU reference of scoring_side_info: per-side validation flags, maxima and
 * packed activation bits.
 * @module
 */

/** Flag bits, as in the kernel. */
export const SIDE_FLAGS_REF = { NEGATIVE: 1, FRACTION: 2, NONFINITE: 4, ONE_HOT: 8 } as const;

/** Shape of the counts. */
export interface SideInfoRefArgs {
  nSides: number;
  nAttr: number;
  nCat: number;
}

/** Bits `[nSides, ceil(nAttr/32)]` and info `[nSides, 4]` (flags, max count, max total, 0). */
export function scoringSideInfoRef(
  counts: ArrayLike<number>,
  args: SideInfoRefArgs,
): { bits: Uint32Array; info: Uint32Array } {
  const { nSides, nAttr, nCat } = args;
  const words = Math.ceil(nAttr / 32);
  const bits = new Uint32Array(nSides * words);
  const info = new Uint32Array(nSides * 4);
  const F = SIDE_FLAGS_REF;
  for (let s = 0; s < nSides; s++) {
    let flags = F.ONE_HOT;
    let maxCount = 0;
    let maxTotal = 0;
    for (let a = 0; a < nAttr; a++) {
      let total = 0;
      let largest = 0;
      for (let c = 0; c < nCat; c++) {
        const x = counts[(s * nAttr + a) * nCat + c];
        if (!Number.isFinite(x)) {
          flags |= F.NONFINITE;
          continue;
        }
        if (x < 0) {
          flags |= F.NEGATIVE;
          continue;
        }
        if (x !== Math.floor(x)) flags |= F.FRACTION;
        const k = Math.trunc(x);
        total += k;
        maxCount = Math.max(maxCount, k);
        largest = Math.max(largest, x);
      }
      maxTotal = Math.max(maxTotal, total);
      if (total !== 1 || largest !== 1) flags &= ~F.ONE_HOT;
      if (counts[(s * nAttr + a) * nCat] > 0) bits[s * words + (a >> 5)] |= 1 << (a & 31);
    }
    if (flags & (F.NEGATIVE | F.FRACTION | F.NONFINITE)) flags &= ~F.ONE_HOT;
    info.set([flags, maxCount, maxTotal, 0], 4 * s);
  }
  return { bits, info };
}
