/**
 * CPU reference of resnet_wino_output: Y = Aᵀ M A of every tile plus bias,
 * residual and ReLU, cropped to the image, in float64.
 * @module
 */
import type { Nchw } from "./resnet_conv.ts";

/** Aᵀ of F(4x4,3x3). */
export const WINO_AT: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];

/** Options of winoOutputRef. */
export interface WinoOutputRefOptions {
  relu: boolean;
  /** Residual shaped like the output. */
  res?: ArrayLike<number>;
}

/** y [B,cout,H,W] from m [36][B·tilesH][cout][tilesW] (shape = output shape). */
export function winoOutputRef(
  m: ArrayLike<number>,
  bias: ArrayLike<number>,
  shape: Nchw,
  options: WinoOutputRefOptions,
): Float64Array {
  const { batch, channels: cout, height: ho, width: wo } = shape;
  const tilesH = Math.ceil(ho / 4);
  const tilesW = Math.ceil(wo / 4);
  const rows = batch * tilesH;
  const y = new Float64Array(batch * cout * ho * wo);
  const tmp = new Float64Array(24);
  for (let n = 0; n < batch; n++) {
    for (let th = 0; th < tilesH; th++) {
      const r = n * tilesH + th;
      for (let co = 0; co < cout; co++) {
        for (let tw = 0; tw < tilesW; tw++) {
          const at = (a: number, b: number) =>
            m[(((a * 6 + b) * rows + r) * cout + co) * tilesW + tw];
          // tmp = Aᵀ M (4x6), then Y = tmp A (4x4).
          for (let i = 0; i < 4; i++) {
            for (let b = 0; b < 6; b++) {
              let s = 0;
              for (let a = 0; a < 6; a++) s += WINO_AT[i][a] * at(a, b);
              tmp[i * 6 + b] = s;
            }
          }
          for (let i = 0; i < 4; i++) {
            const h = 4 * th + i;
            if (h >= ho) continue;
            for (let j = 0; j < 4; j++) {
              const t = 4 * tw + j;
              if (t >= wo) continue;
              let s = bias[co];
              for (let b = 0; b < 6; b++) s += tmp[i * 6 + b] * WINO_AT[j][b];
              const o = ((n * cout + co) * ho + h) * wo + t;
              if (options.res) s += options.res[o];
              y[o] = options.relu ? Math.max(0, s) : s;
            }
          }
        }
      }
    }
  }
  return y;
}
