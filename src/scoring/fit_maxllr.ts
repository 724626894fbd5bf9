/**
 * Fitting the MaxLLR scorer on the GPU: EM in the log domain with f, p, q
 * kept inside (0, 1), plus loading given f, p, q (checkpoints).
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { MAXLLR_PARAMS, scoringMaxllrEm, scoringMaxllrLoad } from "../kernels/scoring_maxllr_em.ts";
import { threadsPerItem } from "./_launch.ts";
import type { FitReport } from "./fit_report.ts";
import type { ScorerSettings } from "./scorer_config.ts";

/** f, p and q are kept in [MAXLLR_BOUND, 1 - MAXLLR_BOUND]. */
export const MAXLLR_BOUND = 1e-6;

/** Params `[n, 12]` (scoring_maxllr_em layout) and the report. */
export interface MaxllrFit {
  params: Float32Array;
  report: FitReport;
}

function countBounded(params: Float32Array, nAttr: number): number {
  let n = 0;
  for (let a = 0; a < nAttr; a++) {
    for (let k = 0; k < 6; k++) {
      if (params[MAXLLR_PARAMS * a + k] <= Math.log(MAXLLR_BOUND) * (1 - 1e-6)) {
        n++;
        break;
      }
    }
  }
  return n;
}

/**
 * Logs of given f, p, q (float64 values, `[n]` each) computed on the GPU;
 * each value travels as an f32 part and its float64 rest.
 */
export async function maxllrParamsFrom(
  gpu: Gpu,
  values: { f: ArrayLike<number>; p: ArrayLike<number>; q: ArrayLike<number> },
  nAttr: number,
): Promise<Float32Array> {
  const input = new Float32Array(MAXLLR_PARAMS * nAttr);
  const cols = [values.f, values.p, values.q];
  for (let a = 0; a < nAttr; a++) {
    for (let k = 0; k < 3; k++) {
      const v = cols[k][a];
      const hi = Math.fround(v);
      input[MAXLLR_PARAMS * a + 6 + k] = hi;
      input[MAXLLR_PARAMS * a + 9 + k] = v - hi;
    }
  }
  const run = gpu.run("scoring_maxllr_load");
  const params = run.scratch([nAttr, MAXLLR_PARAMS], "f32");
  gpu.write(params, input);
  const state = run.scratch([nAttr, 4], "f32");
  const counts = run.scratch([1], "f32");
  scoringMaxllrLoad(run, { counts, params, state, nAttr });
  run.read(params);
  const [out] = await run.submit();
  return out as Float32Array;
}

/** Fits f, p, q from a validated referential `[S, n, 2]`. */
export async function fitMaxllr(
  gpu: Gpu,
  ref: GpuTensor,
  s: ScorerSettings & { nSpeakers: number },
): Promise<MaxllrFit> {
  const nAttr = s.nAttributes;
  const S = s.nSpeakers;
  let params: Float32Array;
  let iterations = 0;
  let finalChange = 0;
  let frozen = 0;
  if (s.nIterations === 0) {
    const fill = (v: number) => new Float64Array(nAttr).fill(v);
    params = await maxllrParamsFrom(gpu, { f: fill(s.f), p: fill(s.p), q: fill(s.q) }, nAttr);
  } else {
    const tpa = threadsPerItem(gpu, (t) => Math.ceil(S / t) + 2, "maxllr EM");
    const run = gpu.run("scoring_maxllr_fit");
    const p = run.scratch([nAttr, MAXLLR_PARAMS], "f32");
    const state = run.scratch([nAttr, 4], "f32");
    scoringMaxllrEm(run, {
      counts: ref,
      params: p,
      state,
      nAttr,
      nSpeakers: S,
      f0: s.f,
      p0: s.p,
      q0: s.q,
      tol: s.tol,
      steps: s.nIterations,
      tpa,
    });
    run.read(p);
    run.read(state);
    const [pp, st] = (await run.submit()) as Float32Array[];
    params = pp;
    for (let a = 0; a < nAttr; a++) {
      iterations = Math.max(iterations, st[4 * a]);
      finalChange = Math.max(finalChange, st[4 * a + 1]);
      frozen += st[4 * a + 2] ? 1 : 0;
    }
  }
  const bounded = countBounded(params, nAttr);
  const guards: string[] = [];
  if (bounded > 0) {
    guards.push(
      `${bounded} attributes have f, p or q on the [${MAXLLR_BOUND}, 1 - ${MAXLLR_BOUND}] bounds ` +
        `(the reference reaches 0 or 1 there, then 0/0 or log 0)`,
    );
  }
  const report: FitReport = {
    scorer: "maxllr",
    nSpeakers: S,
    nAttributes: nAttr,
    iterations,
    finalChange: s.nIterations > 0 ? finalChange : null,
    converged: s.tol > 0 && s.nIterations > 0 ? frozen === nAttr : null,
    guards,
    boundedAttributes: bounded,
  };
  return { params, report };
}
