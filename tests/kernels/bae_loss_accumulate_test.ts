import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeLossAccumulate } from "../../src/kernels/bae_loss_accumulate.ts";
import { baeLossAccumulateRef } from "../../src/reference/bae_loss_accumulate.ts";

Deno.test({
  name: "baeLossAccumulate() matches its reference for 1 to 4 losses",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    for (let count = 1; count <= 4; count++) {
      const batch = rng.floats(count + 1, 0, 2);
      batch[count] = NaN;
      const sums = rng.floats(count + 1, 0, 5);
      const weights = Array.from(rng.floats(count, 0, 1));
      const tb = gpu.upload(batch);
      const ts = gpu.upload(sums);
      const run = gpu.run("bae_loss_acc_test");
      baeLossAccumulate(run, { batch: tb, sums: ts }, weights);
      run.read(tb);
      run.read(ts);
      const [gb, gs] = await run.submit();
      const ref = baeLossAccumulateRef(batch, sums, weights);
      assertClose(
        gb,
        [...batch.subarray(0, count), ref.total],
        { atol: 1e-6, rtol: 1e-6 },
        `count=${count} seed=${seed}`,
      );
      assertClose(gs, ref.sums, { atol: 1e-6, rtol: 1e-6 }, `sums count=${count} seed=${seed}`);
      tb.release();
      ts.release();
    }
  },
});
