/**
 * CPU reference of bae_batchnorm_train (float64): BatchNorm1d forward with
 * batch statistics and the running-stat update.
 * @module
 */

/** Result of one training-mode BatchNorm1d forward. */
export interface BatchNormTrainRef {
  y: Float64Array;
  mean: Float64Array;
  invstd: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** BN over a rows x cols matrix (stride ld); running stats updated with `momentum`. */
export function baeBatchnormTrainRef(
  x: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number },
  p: {
    gamma: ArrayLike<number>;
    beta: ArrayLike<number>;
    runningMean: ArrayLike<number>;
    runningVar: ArrayLike<number>;
    eps?: number;
    momentum?: number;
  },
): BatchNormTrainRef {
  const { rows, cols, ld } = shape;
  const eps = p.eps ?? 1e-5;
  const mom = p.momentum ?? 0.1;
  const y = new Float64Array(rows * ld);
  const mean = new Float64Array(cols);
  const invstd = new Float64Array(cols);
  const runningMean = Float64Array.from(p.runningMean);
  const runningVar = Float64Array.from(p.runningVar);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += x[i * ld + j];
    const mu = s / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (x[i * ld + j] - mu) ** 2;
    const is = 1 / Math.sqrt(ss / rows + eps);
    for (let i = 0; i < rows; i++) {
      y[i * ld + j] = (x[i * ld + j] - mu) * is * p.gamma[j] + p.beta[j];
    }
    mean[j] = mu;
    invstd[j] = is;
    runningMean[j] = mom * mu + (1 - mom) * runningMean[j];
    runningVar[j] = mom * (ss / (rows - 1)) + (1 - mom) * runningVar[j];
  }
  return { y, mean, invstd, runningMean, runningVar };
}
