/**
 * Binding of kernels/scoring_table_trials.wgsl: LLRs of single-recording
 * trials from a per-attribute table of four log-LRs.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_table_trials.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { activationWords } from "./scoring_side_info.ts";

/** Kernel spec of scoring_table_trials. */
export const SCORING_TABLE_TRIALS = defineKernel({
  name: "scoring_table_trials",
  source,
  bindings: {
    bits: readBinding("u32"),
    pairs: readBinding("u32"),
    llrs: readBinding("f32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_trials: d.u32,
    n_attr: d.u32,
    n_words: d.u32,
    first: d.u32,
    zero: d.u32,
  }),
  overrides: { WG: 64, MODE: 0 },
});

/** Arguments of scoringTableTrials. */
export interface ScoringTableTrialsArgs {
  /** Activation bits `[nSides, ceil(nAttr / 32)]` (scoring_side_info). */
  bits: GpuTensor;
  /** `[nTrialsTotal, 2]` u32 (enrolment side, test side). */
  pairs: GpuTensor;
  /** `[2, nAttr, 2]` log-LRs, index 0 = active. */
  llrs: GpuTensor;
  /** `[nTrials, 2]` sums, or `[nTrials, nAttr, 2]` per attribute when `perAttribute`, (hi, lo) pairs. */
  out: GpuTensor;
  nTrials: number;
  nAttr: number;
  /** First trial of the range (default 0). */
  first?: number;
  /** Write each attribute's LLR instead of the sum. */
  perAttribute?: boolean;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the table lookups of one range of trials. */
export function scoringTableTrials(run: GpuRun, args: ScoringTableTrialsArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  run.dispatch(SCORING_TABLE_TRIALS, {
    bindings: { bits: args.bits, pairs: args.pairs, llrs: args.llrs, out: args.out },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_words: activationWords(args.nAttr),
      first: args.first ?? 0,
      zero: 0,
    },
    workgroups: workgroupsFor(args.nTrials, wg),
    overrides: { WG: wg, MODE: args.perAttribute ? 1 : 0 },
  });
}
