/**
 * CPU reference of resnet_wino_gemm (and its tiled variant): the 36 batched
 * products m[xi][r][co][t] = Σ_ci w[xi][ci][co] · v[xi][r][ci][t], in float64.
 * @module
 */

/** Sizes of the products. */
export interface WinoGemmRefDims {
  cin: number;
  cout: number;
  rows: number;
  /** Tile columns per row. */
  cols: number;
}

/** m [36][rows][cout][cols] from v [36][rows][cin][cols] and w [36][cin][cout]. */
export function winoGemmRef(
  v: ArrayLike<number>,
  w: ArrayLike<number>,
  dims: WinoGemmRefDims,
): Float64Array {
  const { cin, cout, rows, cols } = dims;
  const m = new Float64Array(36 * rows * cout * cols);
  const acc = new Float64Array(cols);
  for (let xi = 0; xi < 36; xi++) {
    for (let r = 0; r < rows; r++) {
      for (let co = 0; co < cout; co++) {
        acc.fill(0);
        for (let ci = 0; ci < cin; ci++) {
          const wv = w[(xi * cin + ci) * cout + co];
          const vb = ((xi * rows + r) * cin + ci) * cols;
          for (let t = 0; t < cols; t++) acc[t] += wv * v[vb + t];
        }
        m.set(acc, ((xi * rows + r) * cout + co) * cols);
      }
    }
  }
  return m;
}
