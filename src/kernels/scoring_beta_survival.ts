/**
 * Binding of kernels/scoring_beta_survival.wgsl: survival counts of the
 * referential's integer counts per (attribute, column), built in speaker
 * chunks that respect llvmpipe's loop budget.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_beta_survival.wgsl" with { type: "text" };
import {
  chunkRanges,
  defineKernel,
  type GpuRun,
  type GpuTensor,
  LOOP_BUDGET,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_beta_survival. */
export const SCORING_BETA_SURVIVAL = defineKernel({
  name: "scoring_beta_survival",
  source,
  bindings: { counts: readBinding("f32"), hist: readWriteBinding("u32"), u: uniformBinding() },
  uniforms: d.struct({
    n_attr: d.u32,
    n_cat: d.u32,
    first: d.u32,
    end: d.u32,
    len: d.u32,
    finalize: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Loop steps one invocation may spend (see SOFTWARE_LOOP_LIMIT in src/gpu). */
export { LOOP_BUDGET };

/** Arguments of scoringBetaSurvival. */
export interface ScoringBetaSurvivalArgs {
  /** Referential `[S, nAttr, nCat]`. */
  counts: GpuTensor;
  /** `[nAttr * (nCat + 1), len + 1]` u32, cleared here. */
  hist: GpuTensor;
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  /** L: survival counts are kept for j < L (counts above L go to the tail). */
  len: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the histogram (in speaker chunks) and its suffix sums. */
export function scoringBetaSurvival(run: GpuRun, args: ScoringBetaSurvivalArgs): void {
  const wg = args.wg ?? 64;
  if (args.len > LOOP_BUDGET) throw new RangeError(`survival length ${args.len} > ${LOOP_BUDGET}`);
  const series = args.nAttr * (args.nCat + 1);
  run.clear(args.hist, 0, series * (args.len + 1) * 4);
  const base = {
    n_attr: args.nAttr,
    n_cat: args.nCat,
    len: args.len,
  };
  // Each speaker costs one outer step plus an inner loop of nCat steps and its exit check.
  const chunk = Math.max(1, Math.floor(LOOP_BUDGET / (args.nCat + 2)));
  for (const [first, end] of chunkRanges(args.nSpeakers, chunk)) {
    run.dispatch(SCORING_BETA_SURVIVAL, {
      bindings: { counts: args.counts, hist: args.hist },
      uniforms: { ...base, first, end, finalize: 0 },
      workgroups: workgroupsFor(series, wg),
      overrides: { WG: wg },
    });
  }
  run.dispatch(SCORING_BETA_SURVIVAL, {
    bindings: { counts: args.counts, hist: args.hist },
    uniforms: { ...base, first: 0, end: 0, finalize: 1 },
    workgroups: workgroupsFor(series, wg),
    overrides: { WG: wg },
  });
}
