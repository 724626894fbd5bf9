import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import { frontendResample } from "../../src/kernels/frontend_resample.ts";
import { resampleQuadsOn } from "../../src/frontend/tables.ts";
import { frontendResampleRef } from "../../src/reference/frontend_resample.ts";
import {
  planResample,
  resampledLength,
  type ResamplePlan,
} from "../../src/frontend/resample_plan.ts";
import { resampleFilterTable } from "../../src/frontend/constant_tables.ts";

async function runResample(
  gpu: Gpu,
  x: Float32Array,
  plan: ResamplePlan,
  options: { wg?: number; maxBindingElements?: number } = {},
): Promise<Float32Array> {
  const n = resampledLength(x.length, plan);
  const xt = gpu.upload(x);
  const y = gpu.empty([n], "f32", { poison: true });
  const run = gpu.run("frontend_resample_test");
  frontendResample(run, xt, y, { ...resampleQuadsOn(gpu, plan), plan, ...options });
  run.read(y);
  const [out] = await run.submit();
  xt.release();
  y.release();
  return out as Float32Array;
}

/** Input length whose output (for this plan) has exactly `outputs` samples. */
function inputFor(outputs: number, plan: ResamplePlan): number {
  let n = Math.max(1, Math.floor(outputs * plan.rateIn / plan.rateOut));
  while (resampledLength(n, plan) > outputs) n--;
  while (resampledLength(n, plan) < outputs) n++;
  return n;
}

Deno.test({
  name: "frontendResample() matches its reference at edge output sizes and rate pairs",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const wg = 64;
    for (const [from, to] of [[24000, 16000], [44100, 16000], [8000, 16000], [22050, 16000]]) {
      const plan = planResample(from, to);
      const bank = resampleFilterTable(plan);
      let checked = 0;
      for (const outputs of [1, 2, wg - 2, wg - 1, wg, wg + 1, wg + 2, 5 * wg + 3]) {
        const n = inputFor(outputs, plan);
        // Upsampling by 2 only yields even lengths; those sizes are skipped, the rest must run.
        if (resampledLength(n, plan) !== outputs) continue;
        checked++;
        const x = rng.floats(n);
        const got = await runResample(gpu, x, plan, { wg });
        assertClose(
          got,
          frontendResampleRef(x, bank, plan),
          { atol: 5e-6 },
          `${from}->${to} outputs=${outputs} seed=${seed}`,
        );
      }
      assert(checked >= 4, `${from}->${to}: only ${checked} sizes reachable`);
    }
  },
});

Deno.test({
  name: "frontendResample() matches its reference one past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const plan = planResample(24000, 16000);
    const wg = 64;
    const n = inputFor(65535 * wg + 1, plan);
    const x = rng.floats(n);
    const got = await runResample(gpu, x, plan, { wg });
    assert(got.length > 65535 * wg);
    assertClose(
      got,
      frontendResampleRef(x, resampleFilterTable(plan), plan),
      { atol: 5e-6 },
      `seed=${seed}`,
    );
  },
});

Deno.test({
  name: "frontendResample() split over a small binding limit equals one pass",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    for (const [from, to] of [[24000, 16000], [44100, 16000], [8000, 16000]]) {
      const plan = planResample(from, to);
      const x = rng.floats(20_011);
      const whole = await runResample(gpu, x, plan);
      const chunked = await runResample(gpu, x, plan, { maxBindingElements: 2048 });
      assertClose(chunked, whole, {}, `${from}->${to} seed=${seed}`);
    }
  },
});
