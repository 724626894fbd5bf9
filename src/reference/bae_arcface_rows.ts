/**
 * CPU reference of bae_arcface_rows (float64): pytorch-metric-learning's
 * ArcFaceLoss per sample (margin in radians, scale), and its gradient.
 * @module
 */

/** Per-row weighted cross-entropies and gscale · ∂(Σ rowLoss)/∂cos. */
export function baeArcfaceRowsRef(
  cos: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  shape: { rows: number; classes: number; ld: number },
  o: { margin: number; scale: number; gscale?: number },
): { rowLoss: Float64Array; g: Float64Array } {
  const { rows, classes, ld } = shape;
  const m = o.margin;
  const gscale = o.gscale ?? 1;
  const rowLoss = new Float64Array(rows);
  const g = new Float64Array(rows * ld);
  for (let i = 0; i < rows; i++) {
    const y = labels[i];
    const cy = cos[i * ld + y];
    const theta = Math.acos(Math.min(1, Math.max(-1, cy)));
    let t = cy - m * Math.sin(m);
    let dt = 1;
    if (theta <= Math.PI - m) {
      t = Math.cos(theta + m);
      dt = Math.cos(m) + (Math.sin(m) * cy) / Math.max(Math.sqrt(Math.max(1 - cy * cy, 0)), 1e-7);
    }
    const logits = new Float64Array(classes);
    for (let c = 0; c < classes; c++) logits[c] = o.scale * (c === y ? t : cos[i * ld + c]);
    const mx = Math.max(...logits);
    let se = 0;
    for (let c = 0; c < classes; c++) se += Math.exp(logits[c] - mx);
    const lse = mx + Math.log(se);
    rowLoss[i] = weights[i] * (lse - logits[y]);
    for (let c = 0; c < classes; c++) {
      const sm = Math.exp(logits[c] - lse);
      g[i * ld + c] = gscale * weights[i] * o.scale * (sm - (c === y ? 1 : 0)) * (c === y ? dt : 1);
    }
  }
  return { rowLoss, g };
}
