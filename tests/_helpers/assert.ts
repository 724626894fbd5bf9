/**
 * Assertions in the shape of @std/assert (JSR is unreachable here), built on
 * node:assert.
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, message?: string): asserts cond {
  nodeAssert.ok(cond, message);
}

/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Deep strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Expects `fn` to throw an error of `cls` whose message contains `includes`. */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error = Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    checkError(e, cls, includes);
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: `expected ${cls.name} to be thrown` });
}

/** Expects `fn` to reject with an error of `cls` whose message contains `includes`. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error = Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    checkError(e, cls, includes);
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: `expected ${cls.name} to be rejected` });
}

// deno-lint-ignore no-explicit-any
function checkError(e: unknown, cls: new (...args: any[]) => Error, includes?: string): void {
  if (!(e instanceof cls)) {
    throw new nodeAssert.AssertionError({
      message: `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${
        (e as Error)?.message
      }`,
    });
  }
  if (includes !== undefined && !e.message.includes(includes)) {
    throw new nodeAssert.AssertionError({
      message: `error message "${e.message}" does not contain "${includes}"`,
    });
  }
}

/** Numbers equal within `tol` absolute. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tol = 1e-7,
  msg?: string,
): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new nodeAssert.AssertionError({
      message: `${msg ?? "values"}: ${actual} != ${expected} within ${tol}`,
    });
  }
}
