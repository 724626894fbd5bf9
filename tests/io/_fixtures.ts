/**
 * Fixture access for the io tests: paths under tests/testdata/io/ and exact
 * comparison of a HostTensor against the JSON description that
 * tools/make_io_fixtures.py wrote next to each fixture.
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import type { HostTensor } from "../../src/io/host_tensor.ts";

/** Absolute path of a file under tests/testdata/io/. */
export function fixturePath(relative: string): string {
  return fromFileUrl(new URL(`../testdata/io/${relative}`, import.meta.url));
}

/** Parses a JSON fixture. */
export async function readJsonFixture<T = Record<string, unknown>>(relative: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(fixturePath(relative))) as T;
}

/** How the fixture script describes an array. */
export interface ExpectedArray {
  dtype: string;
  shape: number[];
  values: Array<number | string | boolean>;
}

/** The expected value at i as a number, bigint or boolean. */
function expectedValue(e: ExpectedArray, i: number): number | bigint {
  const v = e.values[i];
  if (e.dtype === "int64") return BigInt(v as string);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    if (e.dtype.startsWith("float")) return v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;
    return Number(v);
  }
  return v;
}

/**
 * Throws unless `t` has exactly the expected dtype, shape and values
 * (bit-exact: NaN equals NaN, -0 differs from 0).
 */
export function assertMatchesExpected(t: HostTensor, e: ExpectedArray, what: string): void {
  if (t.dtype !== e.dtype) throw new Error(`${what}: dtype ${t.dtype}, expected ${e.dtype}`);
  if (JSON.stringify(t.shape) !== JSON.stringify(e.shape)) {
    throw new Error(`${what}: shape [${t.shape}], expected [${e.shape}]`);
  }
  if (t.data.length !== e.values.length) {
    throw new Error(`${what}: ${t.data.length} values, expected ${e.values.length}`);
  }
  for (let i = 0; i < t.data.length; i++) {
    const want = expectedValue(e, i);
    const got = t.data[i];
    if (!Object.is(got, want)) {
      throw new Error(`${what}: value ${i} is ${got}, expected ${want}`);
    }
  }
}
