import { assertAlmostEquals, assertThrows } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { scoringPairCosine } from "../../src/kernels/scoring_pair_cosine.ts";
import { scoringPairCosineRef } from "../../src/reference/scoring_pair_cosine.ts";

Deno.test("scoringPairCosineRef() gives 1, -1 and 0 on hand-checked vectors", () => {
  const x = [1, 0, 0, 0, 2, 0, 0, 0, -3, 0, 0, 0, 0, 5, 0, 0];
  const out = scoringPairCosineRef(x, [0, 1, 0, 2, 0, 3], { dim: 4 });
  assertAlmostEquals(out[0], 1, 1e-15);
  assertAlmostEquals(out[1], -1, 1e-15);
  assertAlmostEquals(out[2], 0, 1e-15);
});

Deno.test({
  name: "scoringPairCosine() matches its float64 reference at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const dim = 256;
    const rows = 50;
    const x = rng.normals(rows * dim, 3);
    // WG 16: 65535·16 + 1 pairs fold the launch into y.
    for (const [n, wg] of [[1, 64], [63, 64], [64, 64], [65, 64], [65535 * 16 + 1, 16]]) {
      const pairs = new Uint32Array(2 * n);
      for (let i = 0; i < pairs.length; i++) pairs[i] = rng.int(0, rows);
      const tx = gpu.upload(x, [rows, dim]);
      const tp = gpu.upload(pairs, [n, 2], "u32");
      const out = gpu.empty([n], "f32", { poison: true });
      const run = gpu.run("pair_cosine_test");
      scoringPairCosine(run, { x: tx, pairs: tp, out, dim, wg });
      run.read(out);
      const [got] = await run.submit();
      assertClose(
        got,
        scoringPairCosineRef(x, pairs, { dim }),
        { atol: 1e-6, rtol: 1e-5 },
        `n=${n} seed=${seed}`,
      );
      for (const t of [tx, tp, out]) t.release();
    }
  },
});

Deno.test({
  name: "scoringPairCosine() refuses a dimension that is not a multiple of 4",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const x = gpu.upload(new Float32Array(6));
    const p = gpu.upload(new Uint32Array([0, 1]), [1, 2], "u32");
    const o = gpu.empty([1]);
    assertThrows(
      () => scoringPairCosine(gpu.run("bad"), { x, pairs: p, out: o, dim: 3 }),
      RangeError,
      "dim 3",
    );
    for (const t of [x, p, o]) t.release();
  },
});
