/**
 * CPU reference of resnet_wino_input: the Winograd F(4x4,3x3) input transform
 * V = Bᵀ d B of every zero-padded 6x6 patch, in float64, in the logical
 * layout v[xi = 6a + b][r = n·tilesH + th][ci][t] (t = tile column).
 * @module
 */
import type { Nchw } from "./resnet_conv.ts";

/** Bᵀ of F(4x4,3x3) (Lavin & Gray, interpolation points 0, ±1, ±2, ∞). */
export const WINO_BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];

/** Tile rows and columns of an image: ceil(height/4), ceil(width/4). */
export function winoTiles(shape: Nchw): { tilesH: number; tilesW: number } {
  return { tilesH: Math.ceil(shape.height / 4), tilesW: Math.ceil(shape.width / 4) };
}

/** v [36][batch·tilesH][channels][tilesW] of x [B,C,H,W]. */
export function winoInputRef(x: ArrayLike<number>, shape: Nchw): Float64Array {
  const { batch, channels: c, height: hi, width: wi } = shape;
  const { tilesH, tilesW } = winoTiles(shape);
  const rows = batch * tilesH;
  const v = new Float64Array(36 * rows * c * tilesW);
  const d = new Float64Array(36);
  const tmp = new Float64Array(36);
  for (let n = 0; n < batch; n++) {
    for (let th = 0; th < tilesH; th++) {
      for (let ci = 0; ci < c; ci++) {
        for (let tw = 0; tw < tilesW; tw++) {
          for (let i = 0; i < 6; i++) {
            for (let j = 0; j < 6; j++) {
              const y = 4 * th - 1 + i;
              const t = 4 * tw - 1 + j;
              d[i * 6 + j] = y >= 0 && y < hi && t >= 0 && t < wi
                ? x[((n * c + ci) * hi + y) * wi + t]
                : 0;
            }
          }
          // tmp = Bᵀ d, then V = tmp B.
          for (let a = 0; a < 6; a++) {
            for (let j = 0; j < 6; j++) {
              let s = 0;
              for (let k = 0; k < 6; k++) s += WINO_BT[a][k] * d[k * 6 + j];
              tmp[a * 6 + j] = s;
            }
          }
          const r = n * tilesH + th;
          for (let a = 0; a < 6; a++) {
            for (let b = 0; b < 6; b++) {
              let s = 0;
              for (let k = 0; k < 6; k++) s += tmp[a * 6 + k] * WINO_BT[b][k];
              v[(((a * 6 + b) * rows + r) * c + ci) * tilesW + tw] = s;
            }
          }
        }
      }
    }
  }
  return v;
}
