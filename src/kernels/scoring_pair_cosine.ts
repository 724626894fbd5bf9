/**
 * Binding of kernels/scoring_pair_cosine.wgsl: cosine similarity of row
 * pairs of an embedding matrix (the raw-embedding baseline BA-LR is
 * compared with).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_pair_cosine.wgsl" with { type: "text" };
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

/** Kernel spec of scoring_pair_cosine. */
export const SCORING_PAIR_COSINE = defineKernel({
  name: "scoring_pair_cosine",
  source,
  bindings: {
    x: readBinding("vec4f"),
    pairs: readBinding("u32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_pairs: d.u32, dim4: d.u32, eps: d.f32 }),
  overrides: { WG: 64 },
});

/** Largest embedding size one invocation may loop over (llvmpipe's loop budget). */
export const PAIR_COSINE_MAX_DIM = 4 * LOOP_BUDGET;

/** Arguments of scoringPairCosine. */
export interface ScoringPairCosineArgs {
  /** Embeddings `[rows, dim]`, dim a multiple of 4. */
  x: GpuTensor;
  /** `[nPairs, 2]` row indices (u32). */
  pairs: GpuTensor;
  /** Receives `[nPairs]` cosines. */
  out: GpuTensor;
  dim: number;
  /** Denominator floor (default 1e-8, as torch). */
  eps?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records `out[t] = cos(x[pairs[t,0]], x[pairs[t,1]])`. */
export function scoringPairCosine(run: GpuRun, args: ScoringPairCosineArgs): void {
  const wg = args.wg ?? 64;
  const nPairs = args.pairs.size / 2;
  if (args.dim % 4 !== 0 || args.dim < 4 || args.dim > PAIR_COSINE_MAX_DIM) {
    throw new RangeError(
      `scoringPairCosine: dim ${args.dim} must be a positive multiple of 4 up to ${PAIR_COSINE_MAX_DIM}`,
    );
  }
  if (nPairs === 0) return;
  run.dispatch(SCORING_PAIR_COSINE, {
    bindings: { x: args.x, pairs: args.pairs, out: args.out },
    uniforms: { n_pairs: nPairs, dim4: args.dim / 4, eps: args.eps ?? 1e-8 },
    workgroups: workgroupsFor(nPairs, wg),
    overrides: { WG: wg },
  });
}
