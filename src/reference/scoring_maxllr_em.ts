/**
 * CPU reference of scoring_maxllr_em: EM for the MaxLLR model in float64,
 * log domain, f, p, q kept in [1e-6, 1 - 1e-6].
 * @module
 */

/** Bounds that keep f, p, q inside (0, 1). */
export const MAXLLR_DELTA = 1e-6;

/** Inputs of scoringMaxllrEmRef besides the referential. */
export interface MaxllrEmRefArgs {
  nAttr: number;
  nSpeakers: number;
  f0: number;
  p0: number;
  q0: number;
  tol: number;
  steps: number;
}

/**
 * `params [nAttr, 12]` (ln f, ln(1-f), ln p, ln(1-p), ln q, ln(1-q), f, p, q, 0, 0, 0: the
 * kernel's layout, whose last three slots hold low parts), `state [nAttr, 4]`.
 */
export interface MaxllrEmRef {
  params: Float64Array;
  state: Float64Array;
}

function keepInside(l: number, l1: number): [number, number] {
  const lo = Math.log(MAXLLR_DELTA);
  if (!(l >= lo)) return [lo, Math.log1p(-MAXLLR_DELTA)];
  if (!(l1 >= lo)) return [Math.log1p(-MAXLLR_DELTA), lo];
  return [l, l1];
}

/** (ln x, ln(1 - x)) for x = num / (num + comp), kept inside [DELTA, 1 - DELTA]. */
function lnSplit(num: number, comp: number): [number, number] {
  const den = num + comp;
  return keepInside(Math.log(num / den), Math.log(comp / den));
}

function lnPair(x: number): [number, number] {
  const c = Math.min(1 - MAXLLR_DELTA, Math.max(MAXLLR_DELTA, x));
  return [Math.log(c), Math.log1p(-c)];
}

/** Runs `steps` EM steps from (f0, p0, q0). */
export function scoringMaxllrEmRef(counts: ArrayLike<number>, args: MaxllrEmRefArgs): MaxllrEmRef {
  const { nAttr, nSpeakers: S } = args;
  const params = new Float64Array(12 * nAttr);
  const state = new Float64Array(4 * nAttr);
  for (let a = 0; a < nAttr; a++) {
    let [lf, l1f] = lnPair(args.f0);
    let [lp, l1p] = lnPair(args.p0);
    let [lq, l1q] = lnPair(args.q0);
    let old = [Math.exp(lf), Math.exp(lp), Math.exp(lq)];
    for (let step = 0; step < args.steps; step++) {
      const sums = new Float64Array(6);
      for (let l = 0; l < S; l++) {
        const act = counts[(l * nAttr + a) * 2];
        const non = counts[(l * nAttr + a) * 2 + 1];
        const u = lf + act * lp + non * l1p;
        const v = l1f + act * lq + non * l1q;
        const post = 1 / (1 + Math.exp(v - u));
        const neg = 1 / (1 + Math.exp(u - v));
        sums[0] += post;
        sums[1] += neg;
        sums[2] += act * post;
        sums[3] += non * post;
        sums[4] += act * neg;
        sums[5] += non * neg;
      }
      [lf, l1f] = lnSplit(sums[0], sums[1]);
      if (sums[2] + sums[3] > 0) [lp, l1p] = lnSplit(sums[2], sums[3]);
      if (sums[4] + sums[5] > 0) [lq, l1q] = lnSplit(sums[4], sums[5]);
      const next = [Math.exp(lf), Math.exp(lp), Math.exp(lq)];
      const change = Math.max(...next.map((v, i) => Math.abs(v - old[i]) / old[i]));
      old = next;
      state[4 * a] = step + 1;
      state[4 * a + 1] = change;
      if (args.tol > 0 && step > 0 && change < args.tol) {
        state[4 * a + 2] = 1;
        break;
      }
    }
    params.set([lf, l1f, lp, l1p, lq, l1q, ...old, 0, 0, 0], 12 * a);
  }
  return { params, state };
}
