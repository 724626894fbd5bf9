/**
 * CPU reference of bae_sum_reduce (float64).
 * @module
 */

/** scale · Σᵢ x[offset + i·stride], i < n (+ the previous value when accumulating). */
export function baeSumReduceRef(
  x: ArrayLike<number>,
  n: number,
  o: { scale?: number; previous?: number; offset?: number; stride?: number } = {},
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[(o.offset ?? 0) + i * (o.stride ?? 1)];
  return (o.previous ?? 0) + (o.scale ?? 1) * s;
}
