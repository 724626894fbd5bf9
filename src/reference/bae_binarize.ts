/**
 * CPU reference of bae_binarize: b = (z > 0), optionally as BA vectors.
 * @module
 */

/** b[i,j] = z[i,j] > 0 (dense rows x cols) or BA vectors [rows, cols, 2]. */
export function baeBinarizeRef(
  z: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number },
  ba = false,
): Float64Array {
  const { rows, cols, ld } = shape;
  const out = new Float64Array(rows * cols * (ba ? 2 : 1));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const b = z[i * ld + j] > 0 ? 1 : 0;
      if (ba) {
        out[(i * cols + j) * 2] = b;
        out[(i * cols + j) * 2 + 1] = 1 - b;
      } else {
        out[i * cols + j] = b;
      }
    }
  }
  return out;
}
