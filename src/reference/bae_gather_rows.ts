/**
 * CPU reference of bae_gather_rows.
 * @module
 */

/** out[r] = src[idx[r] − base] for indices inside the chunk; other rows keep `out`'s values. */
export function baeGatherRowsRef(
  src: ArrayLike<number>,
  idx: ArrayLike<number>,
  out: ArrayLike<number>,
  shape: { cols: number; ld: number; base: number; count: number },
): Float64Array {
  const { cols, ld, base, count } = shape;
  const res = Float64Array.from(out);
  for (let r = 0; r < idx.length; r++) {
    const k = idx[r] - base;
    if (k < 0 || k >= count) continue;
    for (let j = 0; j < cols; j++) res[r * ld + j] = src[k * ld + j];
  }
  return res;
}
