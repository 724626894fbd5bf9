/**
 * CPU reference of bae_activation_backward: gradients through ReLU, Tanh and
 * the straight-through binarisation.
 * @module
 */

/** gx = g ⊙ f'(·) for relu/tanh (y = output) or hardtanh(g) for ste, elementwise. */
export function baeActivationBackwardRef(
  y: ArrayLike<number>,
  g: ArrayLike<number>,
  kind: "relu" | "tanh" | "ste",
): Float64Array {
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) {
    if (kind === "ste") out[i] = Math.min(1, Math.max(-1, g[i]));
    else if (kind === "relu") out[i] = y[i] > 0 ? g[i] : 0;
    else out[i] = g[i] * (1 - y[i] * y[i]);
  }
  return out;
}
