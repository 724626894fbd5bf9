/**
 * Binding of kernels/scoring_row_sum.wgsl: row sums of (hi, lo) pairs in
 * double-f32 arithmetic.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_row_sum.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_row_sum. */
export const SCORING_ROW_SUM = defineKernel({
  name: "scoring_row_sum",
  source,
  bindings: { x: readBinding("f32"), out: readWriteBinding("f32"), u: uniformBinding() },
  uniforms: d.struct({ n_rows: d.u32, n_cols: d.u32, first: d.u32, zero: d.u32 }),
  overrides: { WG: 64 },
});

/** Arguments of scoringRowSum. */
export interface ScoringRowSumArgs {
  /** `[nRows, nCols, 2]` pairs. */
  x: GpuTensor;
  /** Receives the pair sums at rows `first ..< first + nRows` of `[*, 2]`. */
  out: GpuTensor;
  nRows: number;
  nCols: number;
  /** Offset into `out` (default 0). */
  first?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Records `out[first + r] = sum_k x[r, k]`. */
export function scoringRowSum(run: GpuRun, args: ScoringRowSumArgs): void {
  const wg = args.wg ?? 64;
  if (args.nRows === 0) return;
  run.dispatch(SCORING_ROW_SUM, {
    bindings: { x: args.x, out: args.out },
    uniforms: { n_rows: args.nRows, n_cols: args.nCols, first: args.first ?? 0, zero: 0 },
    workgroups: workgroupsFor(args.nRows, wg),
    overrides: { WG: wg },
  });
}
