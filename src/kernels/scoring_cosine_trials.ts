/**
 * Binding of kernels/scoring_cosine_trials.wgsl: the cosine scorer's trial
 * scores.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_cosine_trials.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_cosine_trials. */
export const SCORING_COSINE_TRIALS = defineKernel({
  name: "scoring_cosine_trials",
  source,
  bindings: {
    sides: readBinding("f32"),
    pairs: readBinding("u32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_trials: d.u32,
    n_attr: d.u32,
    n_cat: d.u32,
    first: d.u32,
    eps: d.f32,
    zero: d.u32,
  }),
  overrides: { WG: 64, DIM: 1 },
});

/** Arguments of scoringCosineTrials. */
export interface ScoringCosineTrialsArgs {
  /** Side counts `[nSides, nAttr, nCat]`. */
  sides: GpuTensor;
  /** `[nTrialsTotal, 2]` u32 (enrolment side, test side). */
  pairs: GpuTensor;
  /** Receives `(score, 0)` pairs at rows `first ..< first + nTrials` of `[*, 2]`. */
  out: BindingResource;
  nTrials: number;
  nAttr: number;
  nCat: number;
  /** 1: cosine over attributes per category column; 2: over categories per attribute. */
  dim: 1 | 2;
  eps: number;
  first?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the cosine scores of one range of trials. */
export function scoringCosineTrials(run: GpuRun, args: ScoringCosineTrialsArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  run.dispatch(SCORING_COSINE_TRIALS, {
    bindings: { sides: args.sides, pairs: args.pairs, out: args.out },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_cat: args.nCat,
      first: args.first ?? 0,
      eps: args.eps,
      zero: 0,
    },
    workgroups: workgroupsFor(args.nTrials, wg),
    overrides: { WG: wg, DIM: args.dim },
  });
}
