import { assertAlmostEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeSumReduce } from "../../src/kernels/bae_sum_reduce.ts";
import { baeSumReduceRef } from "../../src/reference/bae_sum_reduce.ts";

Deno.test({
  name: "baeSumReduce() matches its reference, writing and accumulating",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // One workgroup of 256: 255, 256, 257 values cover the stride edges.
    for (const n of [1, 255, 256, 257, 100_003]) {
      const x = rng.floats(n, 0, 1);
      const tx = gpu.upload(x);
      const out = gpu.upload(new Float32Array([NaN, 2.5, NaN, NaN]));
      const run = gpu.run("bae_sum_reduce_test");
      baeSumReduce(run, { x: tx, out }, { n, slot: 0, scale: 0.5 });
      baeSumReduce(run, { x: tx, out }, { n, slot: 1, scale: 2, accumulate: true });
      baeSumReduce(run, { x: tx, out }, {
        n: Math.floor((n - 1) / 3),
        slot: 2,
        offset: 1,
        stride: 3,
      });
      run.read(out);
      const [got] = await run.submit();
      const a = baeSumReduceRef(x, n, { scale: 0.5 });
      const b = baeSumReduceRef(x, n, { scale: 2, previous: 2.5 });
      const c = baeSumReduceRef(x, Math.floor((n - 1) / 3), { offset: 1, stride: 3 });
      assertAlmostEquals(got[0], a, 1e-5 * a, `n=${n} seed=${seed}`);
      assertAlmostEquals(got[1], b, 1e-5 * b, `n=${n} accumulate seed=${seed}`);
      assertAlmostEquals(got[2], c, 1e-5 * c + 1e-30, `n=${n} strided seed=${seed}`);
      tx.release();
      out.release();
    }
  },
});
