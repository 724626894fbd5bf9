/**
 * CPU reference of bae_batchnorm_backward (float64): gradients of
 * training-mode BatchNorm1d, from the textbook formula.
 * @module
 */

/** Gradients of BN(x) for output gradient g (batch statistics recomputed in float64). */
export function baeBatchnormBackwardRef(
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number },
  p: { gamma: ArrayLike<number>; eps?: number },
): { gx: Float64Array; gGamma: Float64Array; gBeta: Float64Array } {
  const { rows, cols, ld } = shape;
  const eps = p.eps ?? 1e-5;
  const gx = new Float64Array(rows * ld);
  const gGamma = new Float64Array(cols);
  const gBeta = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += x[i * ld + j];
    const mu = s / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (x[i * ld + j] - mu) ** 2;
    const is = 1 / Math.sqrt(ss / rows + eps);
    let sg = 0;
    let sgx = 0;
    for (let i = 0; i < rows; i++) {
      const xh = (x[i * ld + j] - mu) * is;
      sg += g[i * ld + j];
      sgx += g[i * ld + j] * xh;
    }
    gBeta[j] = sg;
    gGamma[j] = sgx;
    for (let i = 0; i < rows; i++) {
      const xh = (x[i * ld + j] - mu) * is;
      gx[i * ld + j] = (p.gamma[j] * is / rows) * (rows * g[i * ld + j] - sg - xh * sgx);
    }
  }
  return { gx, gGamma, gBeta };
}
