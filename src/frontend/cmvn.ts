/**
 * Mean and variance normalisation over time (WeSpeaker's apply_cmvn:
 * `x - mean(x, 0)`, then `/ sqrt(var(x, 0) + 1e-8)` with the unbiased
 * variance), recorded as GPU passes.
 * @module
 */
import type { GpuRun, GpuTensor } from "../gpu/mod.ts";
import { frontendCmvnApply } from "../kernels/frontend_cmvn_apply.ts";
import { frontendCmvnStats } from "../kernels/frontend_cmvn_stats.ts";

/** Options of normalizeFeatures. */
export interface NormalizeOptions {
  /** Frames (rows). */
  rows: number;
  /** Bins (columns). */
  cols: number;
  /** Subtract each column's mean. */
  normalizeMean: boolean;
  /** Divide each column by its standard deviation (needs rows >= 2). */
  normalizeVar: boolean;
}

/** Records in-place normalisation of `feats` [rows, cols]; nothing when both flags are off. */
export function normalizeFeatures(run: GpuRun, feats: GpuTensor, options: NormalizeOptions): void {
  const { rows, cols, normalizeMean, normalizeVar } = options;
  if (!normalizeMean && !normalizeVar) return;
  if (normalizeVar && rows < 2) {
    throw new RangeError(
      `data.normalize_var needs at least 2 frames (the unbiased variance of 1 frame is undefined), got ${rows}`,
    );
  }
  const stats = run.scratch([cols, 4], "f32", "frontend_cmvn_stats");
  run.clear(stats);
  frontendCmvnStats(run, feats, stats, { rows, cols, phase: 0 });
  if (normalizeVar) frontendCmvnStats(run, feats, stats, { rows, cols, phase: 1 });
  frontendCmvnApply(run, feats, stats, { rows, cols, normalizeMean, normalizeVar });
}
