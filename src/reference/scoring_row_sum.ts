/**
 * CPU reference of scoring_row_sum: row sums of (hi, lo) pairs in float64.
 * @module
 */

/** `[nRows]` sums of a row-major `[nRows, nCols, 2]` matrix of pairs (value hi + lo). */
export function scoringRowSumRef(x: ArrayLike<number>, nCols: number): Float64Array {
  const nRows = x.length / (2 * nCols);
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let s = 0;
    for (let k = 0; k < nCols; k++) s += x[2 * (r * nCols + k)] + x[2 * (r * nCols + k) + 1];
    out[r] = s;
  }
  return out;
}

/** Values of `[n, 2]` (hi, lo) pairs as float64. */
export function pairValues(pairs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pairs.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pairs[2 * i] + pairs[2 * i + 1];
  return out;
}
