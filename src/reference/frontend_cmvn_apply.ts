/**
 * CPU reference of frontend_cmvn_apply: WeSpeaker's apply_cmvn
 * (mean subtraction, optional division by sqrt(unbiased var + eps)) in float64.
 * @module
 */
import { frontendCmvnStatsRef } from "./frontend_cmvn_stats.ts";

/** Options of frontendCmvnApplyRef. */
export interface CmvnApplyRefOptions {
  /** Subtract column means. */
  normalizeMean: boolean;
  /** Divide by sqrt(unbiased variance + varEps). */
  normalizeVar: boolean;
  /** Variance floor (WeSpeaker: 1e-8). */
  varEps?: number;
}

/**
 * Normalises a row-major [rows, cols] matrix given per-column stats as
 * laid out by the kernel: vec4 (sum hi, sum lo, sqdev hi, sqdev lo) per column.
 */
export function frontendCmvnApplyRef(
  x: ArrayLike<number>,
  stats: ArrayLike<number>,
  rows: number,
  options: CmvnApplyRefOptions,
): Float64Array {
  const cols = stats.length / 4;
  const eps = options.varEps ?? 1e-8;
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const mean = (stats[4 * c] + stats[4 * c + 1]) / rows;
    const variance = (stats[4 * c + 2] + stats[4 * c + 3]) / (rows - 1);
    const shift = options.normalizeMean ? mean : 0;
    const gain = options.normalizeVar ? 1 / Math.sqrt(variance + eps) : 1;
    for (let r = 0; r < rows; r++) out[r * cols + c] = (x[r * cols + c] - shift) * gain;
  }
  return out;
}

/** The whole of apply_cmvn on a [rows, cols] matrix: float64 stats, then normalisation. */
export function cmvnRef(
  x: ArrayLike<number>,
  rows: number,
  options: CmvnApplyRefOptions & { cols: number },
): Float64Array {
  const { sum, sqdev } = frontendCmvnStatsRef(x, rows, options.cols);
  const stats = new Float64Array(4 * options.cols);
  for (let c = 0; c < options.cols; c++) {
    stats[4 * c] = sum[c];
    stats[4 * c + 2] = sqdev[c];
  }
  return frontendCmvnApplyRef(x, stats, rows, options);
}
