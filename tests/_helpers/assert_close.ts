/**
 * Elementwise closeness with a report that helps debugging: number of
 * mismatches, the first bad index and the worst errors.
 * @module
 */
import { AssertionError } from "node:assert";

/** Tolerances: |a - e| <= atol + rtol * |e|. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** Asserts that two arrays agree within tolerance; NaN anywhere fails. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance = {},
  what = "values",
): void {
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  if (actual.length !== expected.length) {
    throw new AssertionError({
      message: `${what}: length ${actual.length} != expected ${expected.length}`,
    });
  }
  let bad = 0;
  let first = -1;
  const worst: Array<{ i: number; err: number }> = [];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    const ok = a === e || (Number.isFinite(err) && err <= atol + rtol * Math.abs(e));
    if (!ok) {
      bad++;
      if (first < 0) first = i;
      worst.push({ i, err: Number.isNaN(err) ? Infinity : err });
      if (worst.length > 64) {
        worst.sort((x, y) => y.err - x.err);
        worst.length = 5;
      }
    }
  }
  if (bad === 0) return;
  worst.sort((x, y) => y.err - x.err);
  const lines = worst.slice(0, 5).map(({ i }) =>
    `  [${i}] actual ${actual[i]} expected ${expected[i]} (|diff| ${
      Math.abs(actual[i] - expected[i])
    })`
  );
  throw new AssertionError({
    message: `${what}: ${bad} of ${actual.length} outside atol ${atol} rtol ${rtol}; ` +
      `first bad index ${first}; worst:\n${lines.join("\n")}`,
  });
}

/** Largest absolute difference (NaN counts as Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return m;
}

/** ‖a − b‖₂ / ‖b‖₂ in float64. */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}
