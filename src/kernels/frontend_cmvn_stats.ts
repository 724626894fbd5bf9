/**
 * Binding of kernels/frontend_cmvn_stats.wgsl: per-column sums (phase 0)
 * or sums of squared deviations (phase 1) of a [rows, cols] matrix,
 * accumulated over row chunks into a vec4 per column.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/frontend_cmvn_stats.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import {
  ALIGN_ELEMENTS,
  bindingSlice,
  floorTo,
  MAX_LOOP_ITERATIONS,
} from "../frontend/binding_slice.ts";

/** Kernel spec of frontend_cmvn_stats. */
export const FRONTEND_CMVN_STATS = defineKernel({
  name: "frontend_cmvn_stats",
  source,
  bindings: { x: readBinding("f32"), stats: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({
    n_rows: d.u32,
    n_cols: d.u32,
    total_rows: d.u32,
    phase: d.u32,
    zero: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Options of frontendCmvnStats. */
export interface FrontendCmvnStatsOptions {
  /** Rows of x. */
  rows: number;
  /** Columns of x (stats holds 4 floats per column). */
  cols: number;
  /** 0: add column sums to stats.xy; 1: add squared deviations from the phase-0 mean to stats.zw. */
  phase: 0 | 1;
  /** Workgroup size variant, a power of two <= 256 (default 64). */
  wg?: number;
  /** Largest elements per binding (default: the adapter's limit; tests lower it to force chunks). */
  maxBindingElements?: number;
}

/** Records one phase of the column statistics; stats must start zeroed before phase 0. */
export function frontendCmvnStats(
  run: GpuRun,
  x: GpuTensor,
  stats: GpuTensor,
  options: FrontendCmvnStatsOptions,
): void {
  const { rows, cols, phase } = options;
  const wg = options.wg ?? 64;
  if (!Number.isInteger(Math.log2(wg)) || wg > 256) {
    throw new RangeError(`frontendCmvnStats: wg ${wg} must be a power of two <= 256`);
  }
  if (x.size < rows * cols || stats.size < 4 * cols) {
    throw new RangeError(`frontendCmvnStats: x or stats too small for [${rows}, ${cols}]`);
  }
  const limit = options.maxBindingElements ?? run.gpu.bindingChunkElements(ALIGN_ELEMENTS);
  // llvmpipe silently ends any shader loop after 65535 iterations: cap the rows each invocation walks.
  const perChunk = floorTo(Math.min(limit / cols, MAX_LOOP_ITERATIONS * wg), ALIGN_ELEMENTS);
  for (let r0 = 0; r0 < rows; r0 += perChunk) {
    const count = Math.min(perChunk, rows - r0);
    run.dispatch(FRONTEND_CMVN_STATS, {
      bindings: { x: bindingSlice(x, r0 * cols, count * cols), stats },
      uniforms: { n_rows: count, n_cols: cols, total_rows: rows, phase, zero: 0 },
      workgroups: cols,
      overrides: { WG: wg },
    });
  }
}
