/**
 * CPU reference of resnet_pool: WeSpeaker's TSTP statistics pooling in
 * float64 — per (channel, frequency) row the mean over time and
 * sqrt(unbiased variance + eps), flattened channel·height + h, means first.
 * @module
 */
import type { Nchw } from "./resnet_conv.ts";

/** The variance floor WeSpeaker's TSTP adds before the square root. */
export const TSTP_EPS = 1e-7;

/** Statistics [B, 2·C·H] of x [B,C,H,W] (W ≥ 2). */
export function tstpRef(x: ArrayLike<number>, shape: Nchw, eps = TSTP_EPS): Float64Array {
  const { batch, channels: c, height: h, width: w } = shape;
  if (w < 2) throw new RangeError(`tstpRef: width ${w}; the unbiased variance needs 2`);
  const d = c * h;
  const out = new Float64Array(batch * 2 * d);
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < d; k++) {
      const base = (n * d + k) * w;
      let sum = 0;
      for (let t = 0; t < w; t++) sum += x[base + t];
      const mean = sum / w;
      let sq = 0;
      for (let t = 0; t < w; t++) sq += (x[base + t] - mean) ** 2;
      out[n * 2 * d + k] = mean;
      out[n * 2 * d + d + k] = Math.sqrt(sq / (w - 1) + eps);
    }
  }
  return out;
}
