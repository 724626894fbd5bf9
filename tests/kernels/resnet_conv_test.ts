import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { CONV_COUT_BLOCK, convOutShape, resnetConv } from "../../src/kernels/resnet_conv.ts";
import { actElements, createTexelTexture, writeTexels } from "../../src/kernels/resnet_layout.ts";
import { resnetConvRef } from "../../src/reference/resnet_conv.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import { actTexture, tailValues, unpackAct } from "./_resnet_texels.ts";

/** Conv weights [cout][cin][k][k] as texture rows (ci·k + kh)·k + kw of coutPad/4 texels. */
function convWeights(gpu: Gpu, w: Float32Array, cin: number, cout: number, k: number): GPUTexture {
  const coutPad = Math.ceil(cout / CONV_COUT_BLOCK) * CONV_COUT_BLOCK;
  const data = new Float32Array(cin * k * k * coutPad);
  for (let co = 0; co < cout; co++) {
    for (let i = 0; i < cin * k * k; i++) data[i * coutPad + co] = w[co * cin * k * k + i];
  }
  const tex = createTexelTexture(gpu, [coutPad / 4, cin * k * k, 1], "test_conv_w");
  writeTexels(gpu, tex, data);
  return tex;
}

Deno.test({
  name: "resnetConv() matches its float64 reference for 1x1/3x3, stride 1/2, residual and ReLU",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Output texels per row 1, 2·WG−1, 2·WG, 2·WG+1 (two per invocation, WG = 16),
    // channel counts off the 16-channel block.
    const cases = [
      { k: 3, stride: 1, cin: 1, cout: 8, h: 5, w: 1, res: false, relu: true },
      { k: 3, stride: 1, cin: 3, cout: 20, h: 4, w: 124, res: true, relu: true },
      { k: 3, stride: 2, cin: 5, cout: 16, h: 7, w: 255, res: false, relu: true },
      { k: 3, stride: 2, cin: 2, cout: 17, h: 6, w: 262, res: true, relu: false },
      { k: 1, stride: 2, cin: 6, cout: 32, h: 9, w: 33, res: false, relu: false },
      { k: 1, stride: 1, cin: 4, cout: 12, h: 3, w: 130, res: true, relu: true },
    ] as const;
    // Output windows of a few rows each exercise the binding-window split.
    let windowBytes: number | undefined;
    for (const c of [...cases, { ...cases[2], window: true }]) {
      windowBytes = "window" in c ? 3 * c.cout * 64 * 16 : undefined;
      const batch = 2;
      const inShape = { batch, channels: c.cin, height: c.h, width: c.w };
      const outShape = convOutShape(inShape, c.stride, c.cout);
      const x = rng.floats(batch * c.cin * c.h * c.w);
      const w = rng.floats(c.cout * c.cin * c.k * c.k, -0.5, 0.5);
      const coutPad = Math.ceil(c.cout / CONV_COUT_BLOCK) * CONV_COUT_BLOCK;
      const bias = new Float32Array(coutPad);
      bias.set(rng.floats(c.cout));
      const res = rng.floats(batch * c.cout * outShape.height * outShape.width);
      const xt = actTexture(gpu, x, inShape);
      const rt = actTexture(gpu, res, outShape);
      const wt = convWeights(gpu, w, c.cin, c.cout, c.k);
      const bt = gpu.upload(bias);
      const y = gpu.empty([actElements(outShape)], "f32", { poison: true });
      const run = gpu.run("resnet_conv_test");
      resnetConv(run, { x: xt, w: wt, bias: bt, y, res: c.res ? rt : undefined }, inShape, {
        k: c.k,
        stride: c.stride,
        cout: c.cout,
        relu: c.relu,
        windowBytes,
      });
      run.read(y);
      const [out] = await run.submit();
      const want = resnetConvRef(x, w, bias, inShape, {
        k: c.k,
        stride: c.stride,
        cout: c.cout,
        relu: c.relu,
        res: c.res ? res : undefined,
      });
      const what = `${JSON.stringify(c)} seed=${seed}`;
      assertClose(unpackAct(out, outShape), want, { atol: 1e-5, rtol: 1e-4 }, what);
      assert(tailValues(out, outShape).every((v) => v === 0), `tail not zero: ${what}`);
      for (const t of [xt, rt, wt]) t.destroy();
      bt.release();
      y.release();
    }
  },
});
