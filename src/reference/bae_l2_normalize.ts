/**
 * CPU reference of bae_l2_normalize (float64): F.normalize of rows or columns.
 * @module
 */

/** Shape of a strided matrix. */
export interface StridedShape {
  rows: number;
  cols: number;
  ld: number;
}

/** x̂ = x / max(‖x_v‖, 1e-12) per row (or column) v, and the norms. */
export function baeL2NormalizeRef(
  x: ArrayLike<number>,
  shape: StridedShape,
  axis: "rows" | "cols" = "rows",
): { xhat: Float64Array; norms: Float64Array } {
  const { rows, cols, ld } = shape;
  const xhat = new Float64Array(rows * ld);
  const count = axis === "rows" ? rows : cols;
  const len = axis === "rows" ? cols : rows;
  const at = (v: number, k: number) => axis === "rows" ? v * ld + k : k * ld + v;
  const norms = new Float64Array(count);
  for (let v = 0; v < count; v++) {
    let s = 0;
    for (let k = 0; k < len; k++) s += x[at(v, k)] ** 2;
    const n = Math.sqrt(s);
    norms[v] = n;
    for (let k = 0; k < len; k++) xhat[at(v, k)] = x[at(v, k)] / Math.max(n, 1e-12);
  }
  return { xhat, norms };
}
