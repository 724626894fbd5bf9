/**
 * Fitting the DNA and Speech reference LR scorers on the GPU: typicality,
 * drop-out and the table of four log-LRs per attribute.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { scoringLlrFit } from "../kernels/scoring_llr_fit.ts";
import { threadsPerItem } from "./_launch.ts";
import type { FitReport } from "./fit_report.ts";
import type { ScorerSettings } from "./scorer_config.ts";

/** Largest |log LR| of a table entry; the reference's +-inf become +-100. */
export const LLR_CLAMP = 100;

/** Fitted buffers (upstream names) and the report. */
export interface ReferenceLlrFit {
  typicality: Float32Array;
  dropout: Float32Array;
  /** `[2, n, 2]`, index 0 = active. */
  llrs: Float32Array;
  report: FitReport;
}

/** Counts clamped table entries (|value| = 100). */
export function countClamped(llrs: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < llrs.length; i++) if (Math.abs(llrs[i]) >= LLR_CLAMP) n++;
  return n;
}

/** Fits a DNA or Speech scorer from a validated referential `[S, n, 2]`. */
export async function fitReferenceLlr(
  gpu: Gpu,
  ref: GpuTensor,
  s: ScorerSettings & { nSpeakers: number },
): Promise<ReferenceLlrFit> {
  const nAttr = s.nAttributes;
  const S = s.nSpeakers;
  const model = s.kind === "dna" ? "dna" : "speech";
  const tpa = threadsPerItem(gpu, (t) => Math.ceil(S / t) + 2, `${model} scorer fit`);
  const run = gpu.run("scoring_llr_fit");
  const typicality = run.scratch([nAttr], "f32");
  const dropout = run.scratch([nAttr], "f32");
  const llrs = run.scratch([2, nAttr, 2], "f32");
  scoringLlrFit(run, {
    counts: ref,
    typicality,
    dropout,
    llrs,
    nAttr,
    nSpeakers: S,
    model,
    dropIn: s.dropIn,
    threshold: s.typicalityThreshold,
    tpa,
  });
  run.read(typicality);
  run.read(dropout);
  run.read(llrs);
  const [t, d, l] = (await run.submit()) as Float32Array[];
  let thresholded = 0;
  for (const v of t) if (v < s.typicalityThreshold) thresholded++;
  const clamped = countClamped(l);
  const guards: string[] = [];
  if (clamped > 0) {
    guards.push(
      `${clamped} log-LR table entries were infinite or beyond +-${LLR_CLAMP} and are clamped ` +
        `to +-${LLR_CLAMP} (0/0 gives 0), so trial scores and Cllr stay finite`,
    );
  }
  const report: FitReport = {
    scorer: s.kind,
    nSpeakers: S,
    nAttributes: nAttr,
    iterations: 0,
    finalChange: null,
    converged: null,
    guards,
    thresholdedAttributes: thresholded,
    clampedEntries: clamped,
  };
  return { typicality: t, dropout: d, llrs: l, report };
}
