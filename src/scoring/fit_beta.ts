/**
 * Fitting the Dirichlet-multinomial (beta) scorer on the GPU: method-of-
 * moments start, then Minka's fixed point over survival counts of the
 * integer referential, with SPEC §9's guards.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { scoringBetaMoments } from "../kernels/scoring_beta_moments.ts";
import { scoringBetaInit } from "../kernels/scoring_beta_init.ts";
import { scoringBetaSurvival } from "../kernels/scoring_beta_survival.ts";
import { scoringBetaFixedPoint } from "../kernels/scoring_beta_fixed_point.ts";
import { LOOP_BUDGET, threadsPerItem } from "./_launch.ts";
import type { FitReport } from "./fit_report.ts";
import type { ScorerSettings } from "./scorer_config.ts";

/** Counts below this length get exact survival terms; larger ones go through the asymptotic tail. */
export const SURVIVAL_MAX_LEN = 8192;

/** The fitted alpha `[n, K]` and the report. */
export interface BetaFit {
  alpha: Float32Array;
  report: FitReport;
}

/** Fits alpha from a validated referential `[S, n, K]` on the GPU. */
export async function fitBeta(
  gpu: Gpu,
  ref: GpuTensor,
  s: ScorerSettings & { nSpeakers: number; maxTotal: number },
): Promise<BetaFit> {
  const nAttr = s.nAttributes;
  const K = s.nCategories;
  const S = s.nSpeakers;
  const series = nAttr * (K + 1);
  const len = Math.max(
    1,
    Math.min(
      s.maxTotal,
      SURVIVAL_MAX_LEN,
      LOOP_BUDGET,
      Math.floor(gpu.maxBindingElements / series) - 1,
    ),
  );
  const tail = s.maxTotal > len;
  if (tail && len < 64) throw new RangeError("beta scorer: adapter binding limit too small");
  const tpaMoments = threadsPerItem(gpu, (t) => Math.ceil(S / t) * (K + 3) + 2, "beta moments");
  const tpaFixed = threadsPerItem(
    gpu,
    (t) =>
      (K + 2) + (K + 1) * (Math.ceil(len / t) + 2) +
      (tail ? (K + 1) * (Math.ceil(S / t) * (K + 3) + 2) : 0),
    "beta fixed point",
  );
  const run = gpu.run("scoring_beta_fit");
  const stats = run.scratch([nAttr * K, 2], "f32");
  const alpha = run.scratch([nAttr, K], "f32");
  const info = run.scratch([2], "f32");
  const surv = run.scratch([series, len + 1], "u32");
  const state = run.scratch([nAttr, 4], "f32");
  scoringBetaMoments(run, {
    counts: ref,
    stats,
    nAttr,
    nCat: K,
    nSpeakers: S,
    eps: s.eps,
    tpa: tpaMoments,
  });
  scoringBetaInit(run, { stats, alpha, info, nEntries: nAttr * K, eps: s.eps });
  run.clear(state);
  if (s.nIterations > 0) {
    scoringBetaSurvival(run, { counts: ref, hist: surv, nAttr, nCat: K, nSpeakers: S, len });
    scoringBetaFixedPoint(run, {
      counts: ref,
      surv,
      alpha,
      state,
      nAttr,
      nCat: K,
      nSpeakers: S,
      len,
      tail,
      eps: s.eps,
      tol: s.tol,
      steps: s.nIterations,
      tpa: tpaFixed,
    });
  }
  run.read(alpha);
  run.read(state);
  run.read(info);
  const [a, st, inf] = await run.submit();
  let iterations = 0;
  let finalChange = 0;
  let frozen = 0;
  let floored = 0;
  for (let i = 0; i < nAttr; i++) {
    iterations = Math.max(iterations, st[4 * i]);
    finalChange = Math.max(finalChange, st[4 * i + 1]);
    frozen += st[4 * i + 2] ? 1 : 0;
    floored += st[4 * i + 3] ? 1 : 0;
  }
  const guards: string[] = [];
  const excluded = inf[1];
  if (excluded > 0) {
    guards.push(
      `${excluded} of ${nAttr * K} attribute categories have per-speaker proportions all 0 or 1; ` +
        `they were left out of the method-of-moments geometric mean (the reference's log is NaN there)`,
    );
  }
  if (floored > 0) {
    guards.push(
      `${floored} attributes have a category no speaker shows; its alpha is kept at eps=${s.eps} ` +
        `(psi(R + alpha) - psi(alpha) taken as 0 for R = 0; the reference goes to 0 and then NaN)`,
    );
  }
  const report: FitReport = {
    scorer: "beta",
    nSpeakers: S,
    nAttributes: nAttr,
    iterations,
    finalChange: s.nIterations > 0 ? finalChange : null,
    converged: s.tol > 0 && s.nIterations > 0 ? frozen === nAttr : null,
    guards,
    geometricMean: inf[0],
    excludedFromGeometricMean: excluded,
    flooredAttributes: floored,
  };
  return { alpha: a as Float32Array, report };
}
