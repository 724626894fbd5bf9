/**
 * A small float64 CPU Dirichlet-multinomial (beta, K = 2) scorer and EER for
 * end-to-end checks of trained BAEs (SPEC §9: method-of-moments α, the
 * closed-form LLR). Test-only: the project's scorer runs on the GPU.
 * @module
 */

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Per-attribute Dirichlet parameters [n, 2] by the method of moments over speakers' counts. */
export function fitAlpha(counts: Float64Array[], n: number, eps = 1e-8): Float64Array {
  const s = counts.length;
  const p = counts.map((c) => {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const tot = c[2 * i] + c[2 * i + 1];
      out[2 * i] = c[2 * i] / (tot + eps);
      out[2 * i + 1] = c[2 * i + 1] / (tot + eps);
    }
    return out;
  });
  const mean = new Float64Array(2 * n);
  const variance = new Float64Array(2 * n);
  for (const q of p) for (let k = 0; k < 2 * n; k++) mean[k] += q[k] / s;
  for (const q of p) for (let k = 0; k < 2 * n; k++) variance[k] += (q[k] - mean[k]) ** 2 / (s - 1);
  let logSum = 0;
  let count = 0;
  for (let k = 0; k < 2 * n; k++) {
    const g = (mean[k] * (1 - mean[k]) + 2 * eps) / (variance[k] + eps) - 1;
    if (g > 0) {
      logSum += Math.log(g);
      count++;
    }
  }
  const g = Math.exp(logSum / Math.max(count, 1));
  return mean.map((e) => e * g + eps);
}

/** The Dirichlet-multinomial LLR of enrolment counts e and test counts t. */
export function betaScore(alpha: Float64Array, e: Float64Array, t: Float64Array): number {
  let s = 0;
  for (let i = 0; i < alpha.length / 2; i++) {
    const a0 = alpha[2 * i], a1 = alpha[2 * i + 1];
    const e0 = e[2 * i], e1 = e[2 * i + 1];
    const t0 = t[2 * i], t1 = t[2 * i + 1];
    s += lnGamma(t0 + t1 + a0 + a1) + lnGamma(e0 + e1 + a0 + a1) -
      lnGamma(t0 + t1 + e0 + e1 + a0 + a1) -
      lnGamma(a0 + a1) + lnGamma(t0 + e0 + a0) + lnGamma(t1 + e1 + a1) + lnGamma(a0) + lnGamma(a1) -
      lnGamma(e0 + a0) - lnGamma(e1 + a1) - lnGamma(t0 + a0) - lnGamma(t1 + a1);
  }
  return s;
}

/** Equal error rate: the threshold that balances false accepts and false rejects. */
export function equalErrorRate(target: number[], nonTarget: number[]): number {
  const all = [...target.map((s) => [s, 1]), ...nonTarget.map((s) => [s, 0])].sort((a, b) =>
    a[0] - b[0]
  );
  let best = Infinity;
  let eer = 0.5;
  let fr = 0;
  let fa = nonTarget.length;
  for (let i = 0; i < all.length; i++) {
    if (all[i][1] === 1) fr++;
    else fa--;
    if (i + 1 < all.length && all[i + 1][0] === all[i][0]) continue;
    const frr = fr / target.length;
    const far = fa / nonTarget.length;
    if (Math.abs(frr - far) < best) {
      best = Math.abs(frr - far);
      eer = (frr + far) / 2;
    }
  }
  return eer;
}
