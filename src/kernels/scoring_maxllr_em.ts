/**
 * Binding of kernels/scoring_maxllr_em.wgsl: EM steps of the MaxLLR model
 * in the log domain, one dispatch per step.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_maxllr_em.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_maxllr_em. */
export const SCORING_MAXLLR_EM = defineKernel({
  name: "scoring_maxllr_em",
  source,
  bindings: {
    counts: readBinding("f32"),
    params: readWriteBinding("f32"),
    state: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_attr: d.u32,
    n_speakers: d.u32,
    mode: d.u32,
    f0: d.f32,
    p0: d.f32,
    q0: d.f32,
    tol: d.f32,
    zero: d.u32,
  }),
  overrides: { WG: 64, TPA: 1 },
});

/** Values per attribute in the params buffer. */
export const MAXLLR_PARAMS = 12;

/** Arguments of scoringMaxllrEm. */
export interface ScoringMaxllrEmArgs {
  /** Referential `[S, nAttr, 2]`. */
  counts: GpuTensor;
  /**
   * `[nAttr, 12]`: ln f, ln(1-f), ln p, ln(1-p), ln q, ln(1-q), then f, p, q as exact
   * pairs: high parts in slots 6-8, low parts in 9-11.
   */
  params: GpuTensor;
  /** `[nAttr, 4]`: steps, last change, frozen, 0. */
  state: GpuTensor;
  nAttr: number;
  nSpeakers: number;
  /** Start values (the first step starts from them). */
  f0: number;
  p0: number;
  q0: number;
  tol: number;
  /** Number of EM steps (at least 1). */
  steps: number;
  /** Threads per attribute (power of two dividing the workgroup, default 1). */
  tpa?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/**
 * Records the logs of given f, p, q: `params[a, 6 + k]` holds the f32 value
 * and `params[a, 9 + k]` the rest of its float64 value (k = 0, 1, 2 for f, p, q).
 */
export function scoringMaxllrLoad(
  run: GpuRun,
  args: Pick<ScoringMaxllrEmArgs, "params" | "state" | "counts" | "nAttr" | "wg">,
): void {
  const wg = args.wg ?? 64;
  run.dispatch(SCORING_MAXLLR_EM, {
    bindings: { counts: args.counts, params: args.params, state: args.state },
    uniforms: { n_attr: args.nAttr, n_speakers: 0, mode: 2, f0: 0, p0: 0, q0: 0, tol: 0, zero: 0 },
    workgroups: workgroupsFor(args.nAttr, wg),
    overrides: { WG: wg, TPA: 1 },
  });
}

/** Records `steps` EM steps, the first one starting from (f0, p0, q0). */
export function scoringMaxllrEm(run: GpuRun, args: ScoringMaxllrEmArgs): void {
  const wg = args.wg ?? 64;
  const tpa = args.tpa ?? 1;
  for (let s = 0; s < args.steps; s++) {
    run.dispatch(SCORING_MAXLLR_EM, {
      bindings: { counts: args.counts, params: args.params, state: args.state },
      uniforms: {
        n_attr: args.nAttr,
        n_speakers: args.nSpeakers,
        mode: s === 0 ? 1 : 0,
        f0: args.f0,
        p0: args.p0,
        q0: args.q0,
        tol: args.tol,
        zero: 0,
      },
      workgroups: workgroupsFor(args.nAttr * tpa, wg),
      overrides: { WG: wg, TPA: tpa },
    });
  }
}
