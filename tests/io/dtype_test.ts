import {
  decodeElements,
  encodeElements,
  float32ToHalf,
  halfToFloat32,
  swapBytes,
} from "../../src/io/dtype.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";

const ALL_HALVES = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** Nearest half by search over all finite halves, ties to the even bit pattern. */
function float32ToHalfRef(x: number, finite: Array<[number, number]>): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // past the largest half + half an ulp
  let lo = 0;
  let hi = finite.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (finite[mid][0] <= a) lo = mid;
    else hi = mid;
  }
  const [vl, bl] = finite[lo];
  const [vh, bh] = finite[hi];
  const dl = a - vl;
  const dh = vh - a;
  const bits = dl < dh ? bl : dh < dl ? bh : (bl & 1 ? bh : bl);
  return sign | bits;
}

Deno.test("halfToFloat32() and float32ToHalf() are exact inverses on every half value", () => {
  const wide = halfToFloat32(ALL_HALVES);
  const back = float32ToHalf(wide);
  for (let h = 0; h < 65536; h++) {
    if (Number.isNaN(wide[h])) assert(Number.isNaN(halfToFloat32(Uint16Array.of(back[h]))[0]));
    else assertEquals(back[h], h, `half 0x${h.toString(16)}`);
  }
  assertEquals([...halfToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00))], [
    1,
    -2,
    65504,
    2 ** -24,
    Infinity,
  ]);
});

Deno.test("float32ToHalf() rounds to nearest even like the reference search", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const wide = halfToFloat32(ALL_HALVES.subarray(0, 0x7c00));
  const finite: Array<[number, number]> = [...wide].map((v, i) => [v, i]);
  const xs = new Float32Array(20000);
  for (let i = 0; i < xs.length; i++) {
    const kind = i % 3;
    if (kind === 0) {
      xs[i] = rng.normal() * 2 ** rng.int(-26, 17);
    } else if (kind === 1) {
      // Exact midpoints between neighbouring halves: the ties.
      const k = rng.int(0, finite.length - 1);
      xs[i] = (rng.next() < 0.5 ? -1 : 1) * (finite[k][0] + finite[k + 1][0]) / 2;
    } else {
      xs[i] = rng.uniform(-70000, 70000);
    }
  }
  const got = float32ToHalf(xs);
  for (let i = 0; i < xs.length; i++) {
    assertEquals(got[i], float32ToHalfRef(xs[i], finite), `x=${xs[i]} (seed ${seed})`);
  }
});

Deno.test("decodeElements() swaps byte order and encodeElements() inverts it", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const v = Float64Array.from({ length: 9 }, () => rng.normal());
  const big = encodeElements(v, "float64", { bigEndian: true });
  const manual = new Uint8Array(v.buffer.slice(0));
  swapBytes(manual, 8);
  assertEquals(big, manual);
  assertEquals(decodeElements(big, "float64", { bigEndian: true }), v, `seed ${seed}`);
  const i32 = Int32Array.of(1, -2, 0x12345678);
  assertEquals(decodeElements(encodeElements(i32, "int32"), "int32"), i32);
  // Unaligned input is copied, never viewed in place.
  const bytes = new Uint8Array(13);
  bytes.set(new Uint8Array(Float32Array.of(1.5, -2).buffer), 1);
  assertEquals(decodeElements(bytes.subarray(1, 9), "float32"), Float32Array.of(1.5, -2));
  assertThrows(() => decodeElements(new Uint8Array(3), "float32"), RangeError);
  assertThrows(() => encodeElements(new Float32Array(2), "int32"), TypeError);
});
