import { contiguousStrides, fortranStrides, gatherStrided } from "../../src/io/strided.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";

/** Reference: element at multi-index i is src[offset + Σ i_d·stride_d], visited in row-major order. */
function gatherRef(
  src: Float64Array,
  shape: number[],
  strides: number[],
  offset: number,
): number[] {
  const out: number[] = [];
  const n = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    let at = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += (rem % shape[d]) * strides[d];
      rem = Math.floor(rem / shape[d]);
    }
    out.push(src[at]);
  }
  return out;
}

Deno.test("gatherStrided() matches the index-formula reference on random views", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let trial = 0; trial < 300; trial++) {
    const rank = rng.int(0, 5);
    const shape = Array.from({ length: rank }, () => rng.int(0, 5));
    // A permuted (transposed) base layout, sometimes with gaps, plus an offset.
    const base = trial % 3 === 0 ? fortranStrides(shape) : contiguousStrides(shape);
    const strides = base.map((s) => s * (trial % 5 === 0 ? 2 : 1));
    const offset = rng.int(0, 4);
    const reach = shape.reduce((r, s, d) => r + Math.max(0, s - 1) * strides[d], 0);
    const src = Float64Array.from(
      { length: offset + reach + 1 + rng.int(0, 3) },
      (_, i) => i + 0.5,
    );
    const got = gatherStrided(src, { shape, strides, offset });
    assertEquals(
      [...got],
      gatherRef(src, shape, strides, offset),
      `shape [${shape}] strides [${strides}] (seed ${seed})`,
    );
  }
});

Deno.test("gatherStrided() keeps the array type and rejects views outside the storage", () => {
  const src = BigInt64Array.of(1n, 2n, 3n, 4n, 5n, 6n);
  const t = gatherStrided(src, { shape: [3, 2], strides: [1, 3], offset: 0 });
  assertEquals(t, BigInt64Array.of(1n, 4n, 2n, 5n, 3n, 6n));
  assertThrows(
    () => gatherStrided(src, { shape: [4], strides: [2], offset: 0 }),
    RangeError,
    "outside",
  );
  assertThrows(
    () => gatherStrided(src, { shape: [2], strides: [1], offset: 5 }),
    RangeError,
    "outside",
  );
});
