/**
 * CPU reference of scoring_beta_fixed_point: Minka's fixed point for the
 * Dirichlet-multinomial alpha with the kernel's guards, in float64, with
 * psi(R + x) - psi(x) summed exactly as sum_{j<R} 1/(x + j).
 * @module
 */

/** Inputs of scoringBetaFixedPointRef besides the referential. */
export interface BetaFixedPointRefArgs {
  /** Start alpha `[nAttr, nCat]`. */
  alpha: ArrayLike<number>;
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  eps: number;
  /** Freeze an attribute once its relative change is below tol (0: never). */
  tol: number;
  steps: number;
  /** Start state `[nAttr, 4]` (default zeros). */
  state?: ArrayLike<number>;
}

/** Result: alpha and state (steps, last change, frozen, floored) per attribute. */
export interface BetaFixedPointRef {
  alpha: Float64Array;
  state: Float64Array;
}

function psiDiff(x: number, r: number): number {
  let s = 0;
  for (let j = 0; j < r; j++) s += 1 / (x + j);
  return s;
}

/** Runs `steps` guarded fixed-point steps. */
export function scoringBetaFixedPointRef(
  counts: ArrayLike<number>,
  args: BetaFixedPointRefArgs,
): BetaFixedPointRef {
  const { nAttr, nCat, nSpeakers, eps, tol } = args;
  const alpha = Float64Array.from(args.alpha);
  const state = args.state ? Float64Array.from(args.state) : new Float64Array(4 * nAttr);
  for (let a = 0; a < nAttr; a++) {
    for (let step = 0; step < args.steps; step++) {
      if (state[4 * a + 2] !== 0) break;
      let total = 0;
      for (let c = 0; c < nCat; c++) total += alpha[a * nCat + c];
      const num = new Float64Array(nCat);
      let den = 0;
      for (let l = 0; l < nSpeakers; l++) {
        const row = (l * nAttr + a) * nCat;
        let r = 0;
        for (let c = 0; c < nCat; c++) {
          num[c] += psiDiff(alpha[a * nCat + c], counts[row + c]);
          r += counts[row + c];
        }
        den += psiDiff(total, r);
      }
      let change = 0;
      if (den > 0) {
        for (let c = 0; c < nCat; c++) {
          const old = alpha[a * nCat + c];
          let next = old * num[c] / den;
          if (!(next >= eps)) {
            next = eps;
            state[4 * a + 3] = 1;
          }
          change = Math.max(change, Math.abs(next - old) / old);
          alpha[a * nCat + c] = next;
        }
      }
      state[4 * a] += 1;
      state[4 * a + 1] = change;
      state[4 * a + 2] = tol > 0 && change < tol ? 1 : 0;
    }
  }
  return { alpha, state };
}
