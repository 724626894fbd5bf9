/**
 * CPU reference of resnet_linear: y[n] = bias + W·act(x[n]) in float64.
 * @module
 */

/** y [B, out] from x [B, in], w [out, in] (PyTorch Linear layout). */
export function linearRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  dims: { batch: number; inDim: number; outDim: number; reluIn?: boolean },
): Float64Array {
  const { batch, inDim, outDim } = dims;
  const y = new Float64Array(batch * outDim);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outDim; o++) {
      let s = bias[o];
      for (let i = 0; i < inDim; i++) {
        const v = x[n * inDim + i];
        s += w[o * inDim + i] * (dims.reluIn ? Math.max(0, v) : v);
      }
      y[n * outDim + o] = s;
    }
  }
  return y;
}
