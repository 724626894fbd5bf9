/**
 * CPU reference of util_copy: the first n values of src, the rest of dst kept.
 * @module
 */

/** dst with its first `n` elements replaced by src's. */
export function utilCopyRef(
  src: ArrayLike<number>,
  dst: ArrayLike<number>,
  n: number,
): Float64Array {
  const out = Float64Array.from(dst);
  for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}
