/**
 * Binding of kernels/scoring_beta_moments.wgsl: per (attribute, category)
 * mean and unbiased variance of the speakers' proportions.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_beta_moments.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_beta_moments. */
export const SCORING_BETA_MOMENTS = defineKernel({
  name: "scoring_beta_moments",
  source,
  bindings: { counts: readBinding("f32"), stats: readWriteBinding("f32"), u: uniformBinding() },
  uniforms: d.struct({
    n_entries: d.u32,
    n_cat: d.u32,
    n_speakers: d.u32,
    phase: d.u32,
    eps: d.f32,
    zero: d.u32,
  }),
  overrides: { WG: 64, TPA: 1 },
});

/** Arguments of scoringBetaMoments. */
export interface ScoringBetaMomentsArgs {
  /** Referential `[S, nAttr, nCat]`. */
  counts: GpuTensor;
  /** `[nAttr * nCat, 2]`: mean, then variance. */
  stats: GpuTensor;
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  eps: number;
  /** Threads per entry, a power of two dividing the workgroup (default 1). */
  tpa?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records both passes (means, then variances around them). */
export function scoringBetaMoments(run: GpuRun, args: ScoringBetaMomentsArgs): void {
  const wg = args.wg ?? 64;
  const tpa = args.tpa ?? 1;
  const nEntries = args.nAttr * args.nCat;
  for (const phase of [0, 1]) {
    run.dispatch(SCORING_BETA_MOMENTS, {
      bindings: { counts: args.counts, stats: args.stats },
      uniforms: {
        n_entries: nEntries,
        n_cat: args.nCat,
        n_speakers: args.nSpeakers,
        phase,
        eps: args.eps,
        zero: 0,
      },
      workgroups: workgroupsFor(nEntries * tpa, wg),
      overrides: { WG: wg, TPA: tpa },
    });
  }
}
