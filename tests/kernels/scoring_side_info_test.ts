import { assertEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import {
  activationWords,
  scoringSideInfo,
  SIDE_FLAGS,
} from "../../src/kernels/scoring_side_info.ts";
import { scoringSideInfoRef } from "../../src/reference/scoring_side_info.ts";

function randomSides(rng: Rng, nSides: number, nAttr: number, nCat: number): Float32Array {
  const out = new Float32Array(nSides * nAttr * nCat);
  for (let s = 0; s < nSides; s++) {
    const kind = rng.int(0, 6);
    for (let a = 0; a < nAttr; a++) {
      const hot = rng.int(0, nCat);
      for (let c = 0; c < nCat; c++) {
        const i = (s * nAttr + a) * nCat + c;
        out[i] = kind <= 1 ? (c === hot ? 1 : 0) : rng.int(0, 9);
      }
    }
    // Sprinkle bad values into some sides.
    const i = (s * nAttr + rng.int(0, nAttr)) * nCat + rng.int(0, nCat);
    if (kind === 3) out[i] = -1;
    if (kind === 4) out[i] = 0.5;
    if (kind === 5) out[i] = rng.next() < 0.5 ? NaN : Infinity;
  }
  return out;
}

Deno.test({
  name: "scoringSideInfo() flags, maxima and bits match its reference at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [sides, attributes, categories, wg]; the last crosses 65535 workgroups of one thread.
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 2, 64],
      [63, 37, 2, 64],
      [64, 64, 2, 64],
      [65, 512, 2, 64],
      [17, 5, 3, 64],
      [65536, 1, 1, 1],
    ];
    for (const [nSides, nAttr, nCat, wg] of cases) {
      const counts = randomSides(rng, nSides, nAttr, nCat);
      const words = activationWords(nAttr);
      const c = gpu.upload(counts);
      const bits = gpu.empty([nSides, words], "u32", { poison: true });
      const info = gpu.empty([nSides, 4], "u32", { poison: true });
      const run = gpu.run("scoring_side_info_test");
      scoringSideInfo(run, { counts: c, bits, info, nSides, nAttr, nCat, wg });
      run.read(bits);
      run.read(info);
      const [b, i] = await run.submit();
      const ref = scoringSideInfoRef(counts, { nSides, nAttr, nCat });
      const what = `sides=${nSides} attr=${nAttr} cat=${nCat} seed=${seed}`;
      assertEquals(Array.from(i), Array.from(ref.info), `info ${what}`);
      assertEquals(Array.from(b), Array.from(ref.bits), `bits ${what}`);
      c.release();
      bits.release();
      info.release();
    }
  },
});

Deno.test({
  name: "scoringSideInfo() marks BA vectors as one-hot and bad counts as not",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const counts = new Float32Array([
      1,
      0,
      0,
      1,
      /* side 1 */ 2,
      0,
      0,
      1,
      /* side 2 */ 1,
      -0.5,
      0,
      1.5,
    ]);
    const c = gpu.upload(counts);
    const bits = gpu.empty([3, 1], "u32");
    const info = gpu.empty([3, 4], "u32");
    const run = gpu.run("scoring_side_info_flags");
    scoringSideInfo(run, { counts: c, bits, info, nSides: 3, nAttr: 2, nCat: 2 });
    run.read(info);
    run.read(bits);
    const [i, b] = await run.submit();
    assertEquals(i[0], SIDE_FLAGS.ONE_HOT);
    assertEquals(i[4], 0);
    assertEquals([i[5], i[6]], [2, 2]);
    assertEquals(i[8], SIDE_FLAGS.NEGATIVE | SIDE_FLAGS.FRACTION);
    assertEquals(Array.from(b), [1, 1, 1]);
    c.release();
    bits.release();
    info.release();
  },
});
