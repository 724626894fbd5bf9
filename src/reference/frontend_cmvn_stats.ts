/**
 * CPU reference of frontend_cmvn_stats: per-column sum and sum of squared
 * deviations from the column mean, in float64.
 * @module
 */

/** Column sums [cols] and sums of squared deviations [cols] of a row-major [rows, cols] matrix. */
export function frontendCmvnStatsRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
): { sum: Float64Array; sqdev: Float64Array } {
  const sum = new Float64Array(cols);
  const sqdev = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sum[c] += x[r * cols + c];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) sqdev[c] += (x[r * cols + c] - sum[c] / rows) ** 2;
  }
  return { sum, sqdev };
}
