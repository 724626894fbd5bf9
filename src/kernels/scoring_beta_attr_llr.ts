/**
 * Binding of kernels/scoring_beta_attr_llr.wgsl: per-attribute
 * Dirichlet-multinomial LLRs of a range of trials.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_beta_attr_llr.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_beta_attr_llr. */
export const SCORING_BETA_ATTR_LLR = defineKernel({
  name: "scoring_beta_attr_llr",
  source,
  bindings: {
    sides: readBinding("f32"),
    pairs: readBinding("u32"),
    alpha: readBinding("f32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_trials: d.u32,
    n_attr: d.u32,
    n_cat: d.u32,
    first: d.u32,
    zero: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Arguments of scoringBetaAttrLlr. */
export interface ScoringBetaAttrLlrArgs {
  /** Side counts `[nSides, nAttr, nCat]`. */
  sides: GpuTensor;
  /** `[nTrialsTotal, 2]` u32 (enrolment side, test side). */
  pairs: GpuTensor;
  /** `[nAttr, nCat]`. */
  alpha: GpuTensor;
  /** `[nTrials, nAttr, 2]` per-attribute LLRs of trials `first ..< first + nTrials`, (hi, lo) pairs. */
  out: GpuTensor;
  nTrials: number;
  nAttr: number;
  nCat: number;
  /** First trial of the range (default 0). */
  first?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the per-attribute LLRs of one range of trials. */
export function scoringBetaAttrLlr(run: GpuRun, args: ScoringBetaAttrLlrArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  run.dispatch(SCORING_BETA_ATTR_LLR, {
    bindings: { sides: args.sides, pairs: args.pairs, alpha: args.alpha, out: args.out },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_cat: args.nCat,
      first: args.first ?? 0,
      zero: 0,
    },
    workgroups: workgroupsFor(args.nTrials * args.nAttr, wg),
    overrides: { WG: wg },
  });
}
