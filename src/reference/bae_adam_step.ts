/**
 * CPU reference of bae_adam_step (float64): torch.optim.Adam without weight
 * decay or amsgrad.
 * @module
 */

/** One Adam step (1-based `step`) on copies of params, m and v. */
export function baeAdamStepRef(
  params: ArrayLike<number>,
  grads: ArrayLike<number>,
  state: { m: ArrayLike<number>; v: ArrayLike<number> },
  o: { lr: number; step: number; beta1?: number; beta2?: number; eps?: number },
): { params: Float64Array; m: Float64Array; v: Float64Array } {
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const bc1 = 1 - b1 ** o.step;
  const bc2 = 1 - b2 ** o.step;
  const p = Float64Array.from(params);
  const m = Float64Array.from(state.m);
  const v = Float64Array.from(state.v);
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * grads[i];
    v[i] = b2 * v[i] + (1 - b2) * grads[i] * grads[i];
    p[i] -= (o.lr / bc1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
  }
  return { params: p, m, v };
}
