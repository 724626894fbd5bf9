/**
 * Load-time weight preprocessing for the Winograd F(4x4,3x3) convolution
 * path: U = G g Gᵀ per (output, input) channel pair, in float64, packed as
 * the texture the resnet_wino_gemm kernels read.
 * @module
 */

/** G of F(4x4,3x3) (interpolation points 0, ±1, ±2, ∞). */
export const WINO_G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/**
 * Texture data [36][cin][coutPad] (x = co/4) of 3x3 weights w [cout][cin][3][3];
 * channels past cout are zero.
 */
export function winogradWeights(
  w: ArrayLike<number>,
  dims: { cin: number; cout: number; coutPad: number },
): Float32Array {
  const { cin, cout, coutPad } = dims;
  const out = new Float32Array(36 * cin * coutPad);
  const t = new Float64Array(18);
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      const g = ((co * cin) + ci) * 9;
      // t = G g (6x3), then U = t Gᵀ (6x6).
      for (let a = 0; a < 6; a++) {
        for (let j = 0; j < 3; j++) {
          t[a * 3 + j] = WINO_G[a][0] * w[g + j] + WINO_G[a][1] * w[g + 3 + j] +
            WINO_G[a][2] * w[g + 6 + j];
        }
      }
      for (let a = 0; a < 6; a++) {
        for (let b = 0; b < 6; b++) {
          const u = t[a * 3] * WINO_G[b][0] + t[a * 3 + 1] * WINO_G[b][1] +
            t[a * 3 + 2] * WINO_G[b][2];
          out[((a * 6 + b) * cin + ci) * coutPad + co] = u;
        }
      }
    }
  }
  return out;
}
