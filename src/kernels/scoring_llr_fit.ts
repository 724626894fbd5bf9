/**
 * Binding of kernels/scoring_llr_fit.wgsl: typicality, drop-out and the
 * log-LR table of the DNA and Speech reference LR models.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_llr_fit.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_llr_fit. */
export const SCORING_LLR_FIT = defineKernel({
  name: "scoring_llr_fit",
  source,
  bindings: {
    counts: readBinding("f32"),
    typicality: readWriteBinding("f32"),
    dropout: readWriteBinding("f32"),
    llrs: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_attr: d.u32,
    n_speakers: d.u32,
    drop_in: d.f32,
    threshold: d.f32,
    zero: d.u32,
  }),
  overrides: { WG: 64, TPA: 1, MODEL: 0 },
});

/** The two reference LR models. */
export type LlrModel = "dna" | "speech";

/** Arguments of scoringLlrFit. */
export interface ScoringLlrFitArgs {
  /** Referential `[S, nAttr, 2]`. */
  counts: GpuTensor;
  typicality: GpuTensor;
  dropout: GpuTensor;
  /** `[2, nAttr, 2]` log-LRs, index 0 = active (upstream layout). */
  llrs: GpuTensor;
  nAttr: number;
  nSpeakers: number;
  model: LlrModel;
  dropIn: number;
  threshold: number;
  /** Threads per attribute (power of two dividing the workgroup, default 1). */
  tpa?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the fit of one reference LR model. */
export function scoringLlrFit(run: GpuRun, args: ScoringLlrFitArgs): void {
  const wg = args.wg ?? 64;
  const tpa = args.tpa ?? 1;
  run.dispatch(SCORING_LLR_FIT, {
    bindings: {
      counts: args.counts,
      typicality: args.typicality,
      dropout: args.dropout,
      llrs: args.llrs,
    },
    uniforms: {
      n_attr: args.nAttr,
      n_speakers: args.nSpeakers,
      drop_in: args.dropIn,
      threshold: args.threshold,
      zero: 0,
    },
    workgroups: workgroupsFor(args.nAttr * tpa, wg),
    overrides: { WG: wg, TPA: tpa, MODEL: args.model === "dna" ? 0 : 1 },
  });
}
