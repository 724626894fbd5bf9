import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, paritySizes, testGpu } from "../_helpers/gpu.ts";
import { baeAdamStep } from "../../src/kernels/bae_adam_step.ts";
import { baeAdamStepRef } from "../../src/reference/bae_adam_step.ts";

Deno.test({
  name: "baeAdamStep() matches torch.optim.Adam's update over several steps",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 256 vec4s = 1024 values; WG 1 with 65537 vec4s folds past 65535 workgroups.
    const cases: Array<[number, number]> = [
      ...paritySizes(1024).slice(0, 4).map((n) => [n, 256] as [number, number]),
      [4 * 65537 - 1, 1],
    ];
    for (const [n, wg] of cases) {
      let p = rng.floats(n);
      const m0 = new Float32Array(n);
      const v0 = new Float32Array(n);
      const tp = gpu.upload(p);
      const tm = gpu.upload(m0);
      const tv = gpu.upload(v0);
      let ref: { params: Float64Array; m: Float64Array; v: Float64Array } = {
        params: Float64Array.from(p),
        m: Float64Array.from(m0),
        v: Float64Array.from(v0),
      };
      for (let step = 1; step <= 3; step++) {
        const g = rng.floats(n, -1, 1);
        const tg = gpu.upload(g);
        const run = gpu.run("bae_adam_test");
        baeAdamStep(run, { params: tp, grads: tg, m: tm, v: tv }, { n, step, lr: 1e-3, wg });
        run.read(tp);
        const [got] = await run.submit();
        ref = baeAdamStepRef(ref.params, g, ref, { lr: 1e-3, step });
        assertClose(
          got,
          ref.params,
          { atol: 1e-7, rtol: 1e-6 },
          `n=${n} step=${step} seed=${seed}`,
        );
        p = got as Float32Array;
        tg.release();
      }
      for (const t of [tp, tm, tv]) t.release();
    }
  },
});
