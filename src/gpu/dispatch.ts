/**
 * Workgroup-count arithmetic shared by every kernel binding.
 *
 * A 1-D launch of `n` workgroups is folded into x·y when `n` exceeds the
 * per-dimension limit; kernels rebuild the linear index as
 * `wid.x + wid.y * nwg.x` and return when it is out of range.
 * @module
 */

/**
 * Mesa's llvmpipe/lavapipe silently stops every loop of a shader invocation
 * once that invocation has taken this many loop steps in total (its
 * infinite-loop guard, LP_MAX_TGSI_LOOP_ITERATIONS): the shader then finishes
 * with wrong results and reports nothing. Kernels bound their per-invocation
 * work so that no adapter can cut it short.
 */
export const SOFTWARE_LOOP_LIMIT = 65535;

/** Loop steps a kernel plans per invocation: SOFTWARE_LOOP_LIMIT less a margin for loop exits. */
export const LOOP_BUDGET = 60000;

/** WebGPU's guaranteed per-dimension workgroup count. */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/** Workgroup counts `[x, y, z]` for one dispatch. */
export type Workgroups = [number, number, number];

/** Folds `count` workgroups into `[x, y, 1]` within the per-dimension limit. */
export function foldWorkgroups(count: number, maxPerDim = MAX_WORKGROUPS_PER_DIM): Workgroups {
  const n = Math.max(1, Math.ceil(count));
  if (n <= maxPerDim) return [n, 1, 1];
  const y = Math.ceil(n / maxPerDim);
  if (y > maxPerDim) throw new RangeError(`dispatch of ${n} workgroups is too large`);
  return [Math.ceil(n / y), y, 1];
}

/** Workgroups for `items` elements handled `perGroup` at a time, folded. */
export function workgroupsFor(items: number, perGroup: number): Workgroups {
  return foldWorkgroups(Math.ceil(items / perGroup));
}

/** Splits `[0, total)` into ranges of at most `maxPerChunk`. */
export function chunkRanges(total: number, maxPerChunk: number): Array<[number, number]> {
  if (maxPerChunk <= 0) throw new RangeError("chunk size must be positive");
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += maxPerChunk) {
    out.push([start, Math.min(total, start + maxPerChunk)]);
  }
  return out;
}
