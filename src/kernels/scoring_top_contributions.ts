/**
 * Binding of kernels/scoring_top_contributions.wgsl: per trial, the k
 * strongest positive and negative per-attribute LLR contributions, ranked
 * from per-attribute rows or straight from the lookup tables.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_top_contributions.wgsl" with { type: "text" };
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

/** Kernel spec of scoring_top_contributions. */
export const SCORING_TOP_CONTRIBUTIONS = defineKernel({
  name: "scoring_top_contributions",
  source,
  bindings: {
    values: readBinding("f32"),
    bits: readBinding("u32"),
    pairs: readBinding("u32"),
    top_attr: readWriteBinding("u32"),
    top_llr: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_trials: d.u32, n_attr: d.u32, n_words: d.u32, k: d.u32 }),
  overrides: { WG: 64, SOURCE: 0 },
});

/** Largest k the kernel keeps per direction (its private lists). */
export const TOP_CONTRIBUTIONS_MAX_K = 32;

/** Attribute index of an empty rank in `top_attr`. */
export const NO_ATTRIBUTE = 0xffffffff;

/** Whether the kernel can rank `nAttr` attributes k at a time (list size and loop budget). */
export function topContributionsFits(nAttr: number, k: number): boolean {
  return Number.isInteger(k) && k >= 1 && k <= TOP_CONTRIBUTIONS_MAX_K &&
    activationWords(nAttr) + nAttr * (k + 1) + 2 * k <= LOOP_BUDGET;
}

/** Where the contributions come from. */
export type TopContributionsSource =
  /** Per-attribute rows `[nTrials, nAttr, 2]` (hi, lo). */
  | { rows: GpuTensor }
  /** The single-recording table `[2, nAttr, 2]` (f32, index 0 = active), trials as side pairs. */
  | { table: GpuTensor; bits: GpuTensor; pairs: GpuTensor }
  /** Side tables `[nTables, 2, nAttr, 2]` (hi, lo), trials as (table, recording side). */
  | { sideTables: GpuTensor; bits: GpuTensor; pairs: GpuTensor };

/** Arguments of scoringTopContributions. */
export interface ScoringTopContributionsArgs {
  source: TopContributionsSource;
  /** `[nTrials, 2, k]` u32: attributes for, then against, strongest first; NO_ATTRIBUTE when empty. */
  topAttr: GpuTensor;
  /** `[nTrials, 2, k, 2]` their (hi, lo) contributions ((0, 0) when empty). */
  topLlr: GpuTensor;
  nTrials: number;
  nAttr: number;
  k: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the top-k selection of `nTrials` trials. */
export function scoringTopContributions(run: GpuRun, args: ScoringTopContributionsArgs): void {
  const wg = args.wg ?? 64;
  if (!topContributionsFits(args.nAttr, args.k)) {
    throw new RangeError(
      `scoring_top_contributions: k=${args.k} over ${args.nAttr} attributes needs ` +
        `1 <= k <= ${TOP_CONTRIBUTIONS_MAX_K} and words + nAttr * (k + 1) + 2k <= ${LOOP_BUDGET}`,
    );
  }
  if (args.nTrials === 0) return;
  const src = args.source;
  const [values, bits, pairs, kind] = "rows" in src
    ? [src.rows, src.rows, src.rows, 0]
    : "table" in src
    ? [src.table, src.bits, src.pairs, 1]
    : [src.sideTables, src.bits, src.pairs, 2];
  run.dispatch(SCORING_TOP_CONTRIBUTIONS, {
    bindings: { values, bits, pairs, top_attr: args.topAttr, top_llr: args.topLlr },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_words: activationWords(args.nAttr),
      k: args.k,
    },
    workgroups: workgroupsFor(args.nTrials, wg),
    overrides: { WG: wg, SOURCE: kind },
  });
}
