/**
 * Binding of kernels/scoring_beta_fixed_point.wgsl: steps of Minka's fixed
 * point for the Dirichlet-multinomial alpha, one dispatch per step.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_beta_fixed_point.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_beta_fixed_point. */
export const SCORING_BETA_FIXED_POINT = defineKernel({
  name: "scoring_beta_fixed_point",
  source,
  bindings: {
    counts: readBinding("f32"),
    surv: readBinding("u32"),
    alpha: readWriteBinding("f32"),
    state: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_attr: d.u32,
    n_cat: d.u32,
    n_speakers: d.u32,
    len: d.u32,
    tail: d.u32,
    eps: d.f32,
    tol: d.f32,
    zero: d.u32,
  }),
  overrides: { WG: 64, TPA: 1 },
});

/** Largest number of categories the kernel's workgroup arrays hold. */
export const FIXED_POINT_MAX_CATEGORIES = 8;

/** Arguments of scoringBetaFixedPoint. */
export interface ScoringBetaFixedPointArgs {
  /** Referential `[S, nAttr, nCat]`. */
  counts: GpuTensor;
  /** Survival counts `[nAttr * (nCat + 1), len + 1]` (scoring_beta_survival). */
  surv: GpuTensor;
  /** `[nAttr, nCat]`, updated in place. */
  alpha: GpuTensor;
  /** `[nAttr, 4]`: steps, last change, frozen, floored (clear before the first step). */
  state: GpuTensor;
  nAttr: number;
  nCat: number;
  nSpeakers: number;
  len: number;
  /** Whether some count exceeds `len` (adds the per-speaker tail). */
  tail: boolean;
  eps: number;
  /** Freeze an attribute once its relative change is below tol (0: never). */
  tol: number;
  /** Number of steps to record. */
  steps: number;
  /** Threads per attribute (power of two dividing the workgroup, default 1). */
  tpa?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records `steps` fixed-point steps. */
export function scoringBetaFixedPoint(run: GpuRun, args: ScoringBetaFixedPointArgs): void {
  const wg = args.wg ?? 64;
  const tpa = args.tpa ?? 1;
  if (args.nCat > FIXED_POINT_MAX_CATEGORIES) {
    throw new RangeError(
      `beta scorer: K=${args.nCat} categories, at most ${FIXED_POINT_MAX_CATEGORIES} supported`,
    );
  }
  for (let s = 0; s < args.steps; s++) {
    run.dispatch(SCORING_BETA_FIXED_POINT, {
      bindings: { counts: args.counts, surv: args.surv, alpha: args.alpha, state: args.state },
      uniforms: {
        n_attr: args.nAttr,
        n_cat: args.nCat,
        n_speakers: args.nSpeakers,
        len: args.len,
        tail: args.tail ? 1 : 0,
        eps: args.eps,
        tol: args.tol,
        zero: 0,
      },
      workgroups: workgroupsFor(args.nAttr * tpa, wg),
      overrides: { WG: wg, TPA: tpa },
    });
  }
}
