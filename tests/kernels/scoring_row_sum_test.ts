import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringRowSum } from "../../src/kernels/scoring_row_sum.ts";
import { pairValues, scoringRowSumRef } from "../../src/reference/scoring_row_sum.ts";

Deno.test({
  name: "scoringRowSum() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<[number, number, number]> = [[1, 1, 64], [63, 512, 64], [64, 7, 64], [
      65,
      300,
      64,
    ], [65536, 2, 1]];
    for (const [nRows, nCols, wg] of cases) {
      // Pairs with a large hi and a small lo, values of mixed magnitude.
      const x = new Float32Array(2 * nRows * nCols);
      for (let i = 0; i < nRows * nCols; i++) {
        x[2 * i] = rng.uniform(-1, 1) * 10 ** rng.int(-2, 4);
        x[2 * i + 1] = Math.fround(x[2 * i] * 2 ** -26 * rng.uniform(-1, 1));
      }
      const xt = gpu.upload(x);
      const out = gpu.empty([nRows + 3, 2], "f32", { poison: true });
      const run = gpu.run("scoring_row_sum_test");
      scoringRowSum(run, { x: xt, out, nRows, nCols, first: 3, wg });
      run.read(out, 2 * nRows, 6);
      const [o] = await run.submit();
      const ref = scoringRowSumRef(x, nCols);
      // Pair arithmetic: ~2^-44 of the largest partial sum (~1e3 * nCols).
      assertClose(
        pairValues(o),
        ref,
        { atol: 1e-9 * nCols, rtol: 1e-12 },
        `rows=${nRows} cols=${nCols} seed=${seed}`,
      );
      xt.release();
      out.release();
    }
  },
});

Deno.test({
  name: "scoringRowSum() keeps the small values a naive f32 sum drops",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    // 1e4 followed by 511 values of 1e-4: f32 (ulp 1e-3 at 1e4) would lose all of them.
    const nCols = 512;
    const x = new Float32Array(2 * nCols);
    x[0] = 1e4;
    for (let k = 1; k < nCols; k++) x[2 * k] = 1e-4;
    const xt = gpu.upload(x);
    const out = gpu.empty([1, 2], "f32");
    const run = gpu.run("scoring_row_sum_naive");
    scoringRowSum(run, { x: xt, out, nRows: 1, nCols });
    run.read(out);
    const [o] = await run.submit();
    const expected = scoringRowSumRef(x, nCols)[0];
    let naive = 0;
    for (let k = 0; k < nCols; k++) naive = Math.fround(naive + x[2 * k]);
    assert(Math.abs(naive - expected) > 0.04, "the input must defeat a naive f32 sum");
    assertClose(pairValues(o), [expected], { atol: 1e-7 });
    xt.release();
    out.release();
  },
});
