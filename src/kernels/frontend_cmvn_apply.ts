/**
 * Binding of kernels/frontend_cmvn_apply.wgsl: in-place mean/variance
 * normalisation of a [rows, cols] matrix from frontend_cmvn_stats' stats.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/frontend_cmvn_apply.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import {
  ALIGN_ELEMENTS,
  bindingSlice,
  floorTo,
  MAX_LOOP_ITERATIONS,
} from "../frontend/binding_slice.ts";

/** Kernel spec of frontend_cmvn_apply. */
export const FRONTEND_CMVN_APPLY = defineKernel({
  name: "frontend_cmvn_apply",
  source,
  bindings: { x: readWriteBinding("f32"), stats: readBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({
    n_rows: d.u32,
    n_cols: d.u32,
    total_rows: d.u32,
    normalize_mean: d.u32,
    normalize_var: d.u32,
    var_eps: d.f32,
  }),
  overrides: { WG: 64, ROWS: 32 },
});

/** Options of frontendCmvnApply. */
export interface FrontendCmvnApplyOptions {
  /** Rows of x. */
  rows: number;
  /** Columns of x. */
  cols: number;
  /** Subtract column means. */
  normalizeMean: boolean;
  /** Divide by sqrt(unbiased variance + varEps); needs rows >= 2. */
  normalizeVar: boolean;
  /** Variance floor (default 1e-8, WeSpeaker's). */
  varEps?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
  /** Rows each invocation handles (default 32; a division and a stats load per that many elements). */
  rowsPer?: number;
  /** Largest elements per binding (default: the adapter's limit; tests lower it to force chunks). */
  maxBindingElements?: number;
}

/** Records x = (x - mean) / sqrt(var + eps) per column, each part as enabled. */
export function frontendCmvnApply(
  run: GpuRun,
  x: GpuTensor,
  stats: GpuTensor,
  options: FrontendCmvnApplyOptions,
): void {
  const { rows, cols } = options;
  const wg = options.wg ?? 64;
  const rowsPer = options.rowsPer ?? 32;
  if (!Number.isInteger(rowsPer) || rowsPer < 1 || rowsPer > MAX_LOOP_ITERATIONS) {
    throw new RangeError(
      `frontendCmvnApply: rowsPer ${rowsPer} must be in [1, ${MAX_LOOP_ITERATIONS}]`,
    );
  }
  if (x.size < rows * cols || stats.size < 4 * cols) {
    throw new RangeError(`frontendCmvnApply: x or stats too small for [${rows}, ${cols}]`);
  }
  if (options.normalizeVar && rows < 2) {
    throw new RangeError(`frontendCmvnApply: variance normalisation needs >= 2 rows, got ${rows}`);
  }
  const limit = options.maxBindingElements ?? run.gpu.bindingChunkElements(ALIGN_ELEMENTS);
  const perChunk = floorTo(limit / cols, ALIGN_ELEMENTS);
  for (let r0 = 0; r0 < rows; r0 += perChunk) {
    const count = Math.min(perChunk, rows - r0);
    run.dispatch(FRONTEND_CMVN_APPLY, {
      bindings: { x: bindingSlice(x, r0 * cols, count * cols), stats },
      uniforms: {
        n_rows: count,
        n_cols: cols,
        total_rows: rows,
        normalize_mean: options.normalizeMean ? 1 : 0,
        normalize_var: options.normalizeVar ? 1 : 0,
        var_eps: options.varEps ?? 1e-8,
      },
      workgroups: workgroupsFor(Math.ceil(count / rowsPer) * cols, wg),
      overrides: { WG: wg, ROWS: rowsPer },
    });
  }
}
