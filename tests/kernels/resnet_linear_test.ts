import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { LINEAR_ROWS_PER_LAYER, resnetLinear } from "../../src/kernels/resnet_linear.ts";
import { createTexelTexture, pitchOf, writeTexels } from "../../src/kernels/resnet_layout.ts";
import { linearRef } from "../../src/reference/resnet_linear.ts";

Deno.test({
  name: "resnetLinear() matches its float64 reference, with and without input ReLU",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Invocations batch·outDim/4 = 1, WG−1, WG, WG+1 (WG = 64); inDim past one 4096-row layer.
    const cases = [
      { batch: 1, inDim: 4, outDim: 4, relu: false },
      { batch: 3, inDim: 40, outDim: 84, relu: true },
      { batch: 1, inDim: 5120, outDim: 256, relu: false },
      { batch: 5, inDim: 64, outDim: 52, relu: false },
    ];
    for (const c of cases) {
      const x = rng.floats(c.batch * c.inDim);
      const w = rng.floats(c.outDim * c.inDim, -0.1, 0.1);
      const bias = rng.floats(c.outDim);
      const xp = pitchOf(c.inDim / 4);
      const xData = new Float32Array(c.batch * xp * 4);
      for (let n = 0; n < c.batch; n++) {
        xData.set(x.subarray(n * c.inDim, (n + 1) * c.inDim), n * xp * 4);
      }
      const xt = createTexelTexture(gpu, [xp, c.batch, 1], "test_linear_x");
      writeTexels(gpu, xt, xData);
      const layers = Math.ceil(c.inDim / LINEAR_ROWS_PER_LAYER);
      const rowsPer = Math.min(c.inDim, LINEAR_ROWS_PER_LAYER);
      const wData = new Float32Array(layers * rowsPer * c.outDim);
      for (let o = 0; o < c.outDim; o++) {
        for (let i = 0; i < c.inDim; i++) wData[i * c.outDim + o] = w[o * c.inDim + i];
      }
      const wt = createTexelTexture(gpu, [c.outDim / 4, rowsPer, layers], "test_linear_w");
      writeTexels(gpu, wt, wData);
      const bt = gpu.upload(bias);
      const y = gpu.empty([c.batch * c.outDim], "f32", { poison: true });
      const run = gpu.run("resnet_linear_test");
      resnetLinear(run, { x: xt, w: wt, bias: bt, y }, { ...c, reluIn: c.relu });
      run.read(y);
      const [out] = await run.submit();
      assertClose(
        out,
        linearRef(x, w, bias, { ...c, reluIn: c.relu }),
        { atol: 1e-5, rtol: 1e-4 },
        `${JSON.stringify(c)} seed=${seed}`,
      );
      xt.destroy();
      wt.destroy();
      bt.release();
      y.release();
    }
  },
});
