/**
 * CPU reference of bae_mse (float64): reconstruction error and its gradient.
 * @module
 */

/** Row sums of squared errors, the mean, and scale · ∂mean/∂recon. */
export function baeMseRef(
  recon: ArrayLike<number>,
  x: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number },
  scale = 1,
): { rowLoss: Float64Array; loss: number; g: Float64Array } {
  const { rows, cols, ld } = shape;
  const rowLoss = new Float64Array(rows);
  const g = new Float64Array(rows * ld);
  const n = rows * cols;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = recon[i * ld + j] - x[i * ld + j];
      rowLoss[i] += d * d;
      g[i * ld + j] = (2 * scale * d) / n;
    }
  }
  return { rowLoss, loss: rowLoss.reduce((a, b) => a + b, 0) / n, g };
}
