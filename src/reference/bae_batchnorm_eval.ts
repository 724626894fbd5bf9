/**
 * CPU reference of bae_batchnorm_eval (float64): BatchNorm1d with running stats.
 * @module
 */

/** y = (x − runningMean) / sqrt(runningVar + eps) · γ + β over a rows x cols matrix (stride ld). */
export function baeBatchnormEvalRef(
  x: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number },
  p: {
    gamma: ArrayLike<number>;
    beta: ArrayLike<number>;
    runningMean: ArrayLike<number>;
    runningVar: ArrayLike<number>;
    eps?: number;
  },
): Float64Array {
  const { rows, cols, ld } = shape;
  const eps = p.eps ?? 1e-5;
  const y = new Float64Array(rows * ld);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * ld + j;
      y[k] = ((x[k] - p.runningMean[j]) / Math.sqrt(p.runningVar[j] + eps)) * p.gamma[j] +
        p.beta[j];
    }
  }
  return y;
}
