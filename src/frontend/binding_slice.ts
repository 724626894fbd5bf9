/**
 * Sub-ranges of a tensor bound at an offset, for kernels that split long
 * inputs over the adapter's binding-size limit.
 * @module
 */
import type { GpuTensor } from "../gpu/mod.ts";

/** Elements per 256-byte storage offset alignment (WebGPU's default minimum). */
export const ALIGN_ELEMENTS = 64;

/** Most loop iterations one invocation may run (see SOFTWARE_LOOP_LIMIT). */
export { SOFTWARE_LOOP_LIMIT as MAX_LOOP_ITERATIONS } from "../gpu/mod.ts";

/** A binding of `count` 4-byte elements of `t` from element `start` (start must be aligned). */
export function bindingSlice(
  t: GpuTensor,
  start: number,
  count: number,
): { buffer: GPUBuffer; offset: number; size: number } {
  const offset = start * 4;
  const size = Math.min(Math.max(4, count * 4), t.buffer.size - offset);
  return { buffer: t.buffer, offset, size };
}

/** `n` rounded down to a multiple of `m` (at least m). */
export function floorTo(n: number, m: number): number {
  return Math.max(m, Math.floor(n / m) * m);
}
