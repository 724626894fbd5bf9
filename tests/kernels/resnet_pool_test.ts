import { assertClose } from "../_helpers/assert_close.ts";
import { assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { resnetPool } from "../../src/kernels/resnet_pool.ts";
import { tstpRef } from "../../src/reference/resnet_pool.ts";
import { actTexture } from "./_resnet_texels.ts";

Deno.test({
  name: "resnetPool() matches WeSpeaker TSTP in float64 at edge row counts and widths",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Rows batch·channels·height = 1, WG−1, WG, WG+1 (WG = 64); widths across the
    // 64-texel partial-sum block and with partial last texels; an offset mean
    // checks the two-pass variance.
    const cases = [
      { batch: 1, channels: 1, height: 1, width: 2, offset: 0, eps: 1e-7 },
      { batch: 1, channels: 7, height: 9, width: 257, offset: 0, eps: 1e-8 },
      { batch: 2, channels: 8, height: 4, width: 1001, offset: 30, eps: 1e-7 },
      { batch: 1, channels: 5, height: 13, width: 3, offset: -2, eps: 1e-7 },
    ];
    for (const c of cases) {
      const shape = { batch: c.batch, channels: c.channels, height: c.height, width: c.width };
      const x = rng.floats(c.batch * c.channels * c.height * c.width).map((v) => v + c.offset);
      const tex = actTexture(gpu, x, shape);
      const d = 2 * c.channels * c.height;
      const pitch = d + 12;
      const s = gpu.empty([c.batch * pitch], "f32", { poison: true });
      const run = gpu.run("resnet_pool_test");
      resnetPool(run, { x: tex, s }, shape, { statsPitch: pitch, eps: c.eps });
      run.read(s);
      const [out] = await run.submit();
      const got = new Float64Array(c.batch * d);
      for (let n = 0; n < c.batch; n++) got.set(out.subarray(n * pitch, n * pitch + d), n * d);
      assertClose(
        got,
        tstpRef(x, shape, c.eps),
        { atol: 2e-6, rtol: 2e-5 },
        `${JSON.stringify(c)} seed=${seed}`,
      );
      tex.destroy();
      s.release();
    }
  },
});

Deno.test({
  name: "resnetPool() refuses a last stage with one time step",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const shape = { batch: 1, channels: 1, height: 1, width: 1 };
    const tex = actTexture(gpu, [1], shape);
    const s = gpu.empty([4]);
    const run = gpu.run("resnet_pool_refuse");
    assertThrows(
      () => resnetPool(run, { x: tex, s }, shape, { statsPitch: 2 }),
      RangeError,
      "unbiased variance",
    );
    await run.submit();
    tex.destroy();
    s.release();
  },
});
