/**
 * Binding of kernels/scoring_maxllr_attr_llr.wgsl: per-attribute MaxLLR
 * log-likelihood ratios of a range of trials.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_maxllr_attr_llr.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_maxllr_attr_llr. */
export const SCORING_MAXLLR_ATTR_LLR = defineKernel({
  name: "scoring_maxllr_attr_llr",
  source,
  bindings: {
    sides: readBinding("f32"),
    pairs: readBinding("u32"),
    params: readBinding("f32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_trials: d.u32, n_attr: d.u32, first: d.u32, zero: d.u32 }),
  overrides: { WG: 64 },
});

/** Arguments of scoringMaxllrAttrLlr. */
export interface ScoringMaxllrAttrLlrArgs {
  /** Side counts `[nSides, nAttr, 2]`. */
  sides: GpuTensor;
  /** `[nTrialsTotal, 2]` u32 (enrolment side, test side). */
  pairs: GpuTensor;
  /** `[nAttr, 12]` (scoring_maxllr_em layout; only the logs are read). */
  params: GpuTensor;
  /** `[nTrials, nAttr, 2]` (hi, lo) pairs. */
  out: GpuTensor;
  nTrials: number;
  nAttr: number;
  /** First trial of the range (default 0). */
  first?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the per-attribute LLRs of one range of trials. */
export function scoringMaxllrAttrLlr(run: GpuRun, args: ScoringMaxllrAttrLlrArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  run.dispatch(SCORING_MAXLLR_ATTR_LLR, {
    bindings: { sides: args.sides, pairs: args.pairs, params: args.params, out: args.out },
    uniforms: { n_trials: args.nTrials, n_attr: args.nAttr, first: args.first ?? 0, zero: 0 },
    workgroups: workgroupsFor(args.nTrials * args.nAttr, wg),
    overrides: { WG: wg },
  });
}
