/**
 * CPU reference of bae_sparsity (float64): the sparsity loss over speaker
 * groups of M samples and its (differentiable) gradient w.r.t. Z.
 * @module
 */

/** loss = Σ_g Σ_j clamp(Σ_{i∈g} Z[i,j] − V[j], 0, 1)² / groups, and scale · ∂loss/∂Z. */
export function baeSparsityRef(
  z: ArrayLike<number>,
  members: ArrayLike<number>,
  quota: ArrayLike<number>,
  shape: { rows: number; cols: number; ld: number; groups: number; m: number },
  scale = 1,
): { loss: number; terms: Float64Array; gz: Float64Array } {
  const { rows, cols, ld, groups, m } = shape;
  const terms = new Float64Array(groups * cols / 4);
  const gz = new Float64Array(rows * ld);
  let loss = 0;
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let q = 0; q < m; q++) s += z[members[g * m + q] * ld + j];
      const over = s - quota[j];
      const e = Math.min(1, Math.max(0, over));
      terms[g * (cols / 4) + Math.floor(j / 4)] += e * e;
      loss += e * e;
      const grad = over >= 0 && over <= 1 ? (2 * scale * e) / groups : 0;
      for (let q = 0; q < m; q++) gz[members[g * m + q] * ld + j] += grad;
    }
  }
  return { loss: loss / groups, terms, gz };
}
