/**
 * CPU reference of bae_column_sum, accumulated in float64.
 * @module
 */

/** Column sums of a rows x cols matrix stored `ld` values per row. */
export function baeColumnSumRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  ld: number,
): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += x[i * ld + j];
  return out;
}
