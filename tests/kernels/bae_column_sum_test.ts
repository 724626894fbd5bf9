import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeColumnSum } from "../../src/kernels/bae_column_sum.ts";
import { baeColumnSumRef } from "../../src/reference/bae_column_sum.ts";
import { randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeColumnSum() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 invocations of 4 columns: 252, 256, 260 columns give WG−1, WG, WG+1 invocations;
    // WG 1 with 65537 vec4s folds into y.
    const cases: Array<[number, number, number]> = [
      [1, 1, 64],
      [3, 7, 64],
      [17, 252, 64],
      [5, 256, 64],
      [64, 260, 64],
      [2, 4 * 65537, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const x = randomMatrix(rng, rows, cols);
      const gx = uploadMatrix(gpu, x);
      const n4 = Math.ceil(cols / 4) * 4;
      const out = gpu.empty([n4], "f32", { poison: true });
      const run = gpu.run("bae_column_sum_test");
      baeColumnSum(run, gx, out, { wg });
      run.read(out);
      const [got] = await run.submit();
      const want = new Float64Array(n4);
      want.set(baeColumnSumRef(x.data, rows, cols, x.ld));
      assertClose(got, want, { atol: 1e-5, rtol: 1e-5 }, `rows=${rows} cols=${cols} seed=${seed}`);
      releaseAll(gx, out);
    }
  },
});
