/**
 * Binding of kernels/scoring_cosine_bits.wgsl: cosine scores of
 * single-recording trials from packed activation bits (popcounts).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_cosine_bits.wgsl" with { type: "text" };
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

/** Kernel spec of scoring_cosine_bits. */
export const SCORING_COSINE_BITS = defineKernel({
  name: "scoring_cosine_bits",
  source,
  bindings: {
    bits: readBinding("u32"),
    pairs: readBinding("u32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_trials: d.u32,
    n_attr: d.u32,
    n_words: d.u32,
    first: d.u32,
    eps: d.f32,
  }),
  overrides: { WG: 64, DIM: 1 },
});

/** Arguments of scoringCosineBits. */
export interface ScoringCosineBitsArgs {
  /** Activation bits `[nSides, ceil(nAttr / 32)]` of one-hot sides. */
  bits: GpuTensor;
  /** `[nTrialsTotal, 2]` u32 (enrolment side, test side). */
  pairs: GpuTensor;
  /** `[nTrials, 2]` (score, 0) pairs. */
  out: GpuTensor;
  nTrials: number;
  nAttr: number;
  /** 1: over attributes per column; 2: over columns per attribute. */
  dim: 1 | 2;
  eps: number;
  first?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records the cosine scores of one range of single-recording trials. */
export function scoringCosineBits(run: GpuRun, args: ScoringCosineBitsArgs): void {
  const wg = args.wg ?? 64;
  if (args.nTrials === 0) return;
  run.dispatch(SCORING_COSINE_BITS, {
    bindings: { bits: args.bits, pairs: args.pairs, out: args.out },
    uniforms: {
      n_trials: args.nTrials,
      n_attr: args.nAttr,
      n_words: activationWords(args.nAttr),
      first: args.first ?? 0,
      eps: args.eps,
    },
    workgroups: workgroupsFor(args.nTrials, wg),
    overrides: { WG: wg, DIM: args.dim },
  });
}
