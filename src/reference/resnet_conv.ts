/**
 * CPU reference of resnet_conv: a bias-carrying 2-D cross-correlation with
 * kernel 1 or 3, stride 1 or 2, zero padding (k-1)/2, then residual and ReLU.
 * Accumulates in float64.
 * @module
 */

/** Shape of an NCHW tensor. */
export interface Nchw {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/** Options of resnetConvRef. */
export interface ConvRefOptions {
  k: 1 | 3;
  stride: 1 | 2;
  cout: number;
  relu: boolean;
  /** Residual added before the ReLU, shaped like the output. */
  res?: ArrayLike<number>;
}

/** y = act(conv(x, w) + bias + res); x [B,Cin,H,W], w [Cout,Cin,k,k] → [B,Cout,ceil(H/s),ceil(W/s)]. */
export function resnetConvRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  shape: Nchw,
  options: ConvRefOptions,
): Float64Array {
  const { k, stride: s, cout, relu, res } = options;
  const { batch, channels: cin, height: hi, width: wi } = shape;
  const ho = Math.ceil(hi / s);
  const wo = Math.ceil(wi / s);
  const pad = (k - 1) / 2;
  const out = new Float64Array(batch * cout * ho * wo);
  for (let n = 0; n < batch; n++) {
    for (let co = 0; co < cout; co++) {
      for (let h = 0; h < ho; h++) {
        for (let t = 0; t < wo; t++) {
          let acc = bias[co];
          for (let ci = 0; ci < cin; ci++) {
            for (let kh = 0; kh < k; kh++) {
              const y = s * h + kh - pad;
              if (y < 0 || y >= hi) continue;
              for (let kw = 0; kw < k; kw++) {
                const xx = s * t + kw - pad;
                if (xx < 0 || xx >= wi) continue;
                acc += w[((co * cin + ci) * k + kh) * k + kw] *
                  x[((n * cin + ci) * hi + y) * wi + xx];
              }
            }
          }
          const o = ((n * cout + co) * ho + h) * wo + t;
          if (res) acc += res[o];
          out[o] = relu ? Math.max(0, acc) : acc;
        }
      }
    }
  }
  return out;
}
