/**
 * Binding of kernels/scoring_beta_init.wgsl: the method-of-moments start
 * of the Dirichlet-multinomial alpha (one workgroup).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_beta_init.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_beta_init. */
export const SCORING_BETA_INIT = defineKernel({
  name: "scoring_beta_init",
  source,
  bindings: {
    stats: readBinding("f32"),
    alpha: readWriteBinding("f32"),
    info: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_entries: d.u32, eps: d.f32, zero: d.u32 }),
  overrides: { WG: 256 },
});

/** Arguments of scoringBetaInit. */
export interface ScoringBetaInitArgs {
  /** `[nEntries, 2]` means and variances (scoring_beta_moments). */
  stats: GpuTensor;
  /** `[nEntries]` start alpha. */
  alpha: GpuTensor;
  /** `[2]`: geometric mean, entries left out of it. */
  info: GpuTensor;
  nEntries: number;
  eps: number;
  /** Workgroup size variant (default 256, a power of two). */
  wg?: number;
}

/** Records the start-alpha computation. */
export function scoringBetaInit(run: GpuRun, args: ScoringBetaInitArgs): void {
  const wg = args.wg ?? 256;
  run.dispatch(SCORING_BETA_INIT, {
    bindings: { stats: args.stats, alpha: args.alpha, info: args.info },
    uniforms: { n_entries: args.nEntries, eps: args.eps, zero: 0 },
    workgroups: 1,
    overrides: { WG: wg },
  });
}
