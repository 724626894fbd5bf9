/**
 * CPU reference of bae_pair_distance (float64).
 * @module
 */

/** d[i,j] = sqrt(max(G[i,i] + G[j,j] − 2G[i,j], 0)) for an n x n Gram matrix (stride ld). */
export function baePairDistanceRef(gram: ArrayLike<number>, n: number, ld: number): Float64Array {
  const d = new Float64Array(n * ld);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d2 = gram[i * ld + i] + gram[j * ld + j] - 2 * gram[i * ld + j];
      d[i * ld + j] = Math.sqrt(Math.max(d2, 0));
    }
  }
  return d;
}

/** Euclidean distances between the rows of x (rows x cols, stride ld), computed directly. */
export function rowDistancesRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  ld: number,
): Float64Array {
  const d = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += (x[i * ld + k] - x[j * ld + k]) ** 2;
      d[i * rows + j] = Math.sqrt(s);
    }
  }
  return d;
}
