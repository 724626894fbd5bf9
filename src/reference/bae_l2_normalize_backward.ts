/**
 * CPU reference of bae_l2_normalize_backward (float64): the gradient through
 * F.normalize for an incoming gradient c ⊙ x̂ + s·p.
 * @module
 */
import type { StridedShape } from "./bae_l2_normalize.ts";

/** Options: coefficient per vector, factor of p, output scale, axis. */
export interface NormalizeBackwardRefOptions {
  coef?: ArrayLike<number>;
  s?: number;
  scale?: number;
  axis?: "rows" | "cols";
}

/** scale · J(x)ᵀ (c x̂ + s p), from x̂ and the norms of x. */
export function baeL2NormalizeBackwardRef(
  xhat: ArrayLike<number>,
  norms: ArrayLike<number>,
  p: ArrayLike<number>,
  shape: StridedShape,
  o: NormalizeBackwardRefOptions = {},
): Float64Array {
  const { rows, cols, ld } = shape;
  const axis = o.axis ?? "rows";
  const s = o.s ?? 1;
  const scale = o.scale ?? 1;
  const count = axis === "rows" ? rows : cols;
  const len = axis === "rows" ? cols : rows;
  const at = (v: number, k: number) => axis === "rows" ? v * ld + k : k * ld + v;
  const out = new Float64Array(rows * ld);
  for (let v = 0; v < count; v++) {
    const c = o.coef ? o.coef[v] : 0;
    let dt = 0;
    for (let k = 0; k < len; k++) dt += xhat[at(v, k)] * (c * xhat[at(v, k)] + s * p[at(v, k)]);
    const n = norms[v];
    for (let k = 0; k < len; k++) {
      const gh = c * xhat[at(v, k)] + s * p[at(v, k)];
      out[at(v, k)] = scale * (n > 1e-12 ? (gh - xhat[at(v, k)] * dt) / n : gh / 1e-12);
    }
  }
  return out;
}
