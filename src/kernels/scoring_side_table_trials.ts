/**
 * Binding of kernels/scoring_side_table_trials.wgsl: LLRs of trials that
 * pit one recording against a side with a precomputed per-attribute table.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_side_table_trials.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  LOOP_BUDGET,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { activationWords } from "./scoring_side_info.ts";

/** Kernel spec of scoring_side_table_trials. */
export const SCORING_SIDE_TABLE_TRIALS = defineKernel({
  name: "scoring_side_table_trials",
  source,
  bindings: {
    bits: readBinding("u32"),
    pairs: readBinding("u32"),
    tables: readBinding("f32"),
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

/** Arguments of scoringSideTableTrials. */
export interface ScoringSideTableTrialsArgs {
  /** Activation bits `[nSides, ceil(nAttr / 32)]` (scoring_side_info). */
  bits: GpuTensor;
  /** `[nTrials, 2]` u32 (table index, side index of the single recording). */
  pairs: GpuTensor;
  /** `[nTables, 2, nAttr, 2]` (hi, lo) LLRs; state 0 = the recording's attribute active. */
  tables: GpuTensor;
  /** Sums `[first + nTrials, 2]`, or `[first + nTrials, nAttr, 2]` when `perAttribute`. */
  out: GpuTensor;
  nTrials: number;
  nAttr: number;
  /** First output row (default 0). */
  first?: number;
  /** Write each attribute's LLR instead of the sum. */
  perAttribute?: boolean;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the table lookups of `nTrials` trials. */
export function scoringSideTableTrials(run: GpuRun, args: ScoringSideTableTrialsArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  const words = activationWords(args.nAttr);
  if (words + args.nAttr > LOOP_BUDGET) {
    throw new RangeError(
      `scoring_side_table_trials: ${args.nAttr} attributes exceed the per-thread loop budget`,
    );
  }
  run.dispatch(SCORING_SIDE_TABLE_TRIALS, {
    bindings: { bits: args.bits, pairs: args.pairs, tables: args.tables, out: args.out },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_words: words,
      first: args.first ?? 0,
      zero: 0,
    },
    workgroups: workgroupsFor(args.nTrials, wg),
    overrides: { WG: wg, MODE: args.perAttribute ? 1 : 0 },
  });
}
