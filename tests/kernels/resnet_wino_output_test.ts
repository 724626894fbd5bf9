import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { resnetWinoOutput } from "../../src/kernels/resnet_wino_output.ts";
import { actElements, pitchOf, texelsOf } from "../../src/kernels/resnet_layout.ts";
import { winoOutputRef } from "../../src/reference/resnet_wino_output.ts";
import { actTexture, planesTexture, tailValues, unpackAct } from "./_resnet_texels.ts";

Deno.test({
  name: "resnetWinoOutput() matches its float64 reference with bias, residual and ReLU",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // m texels per row: 1, WG−1, WG, WG+1 (WG = 64); partial tiles in height and width.
    const cases = [
      { batch: 1, channels: 3, height: 2, width: 3, res: false, relu: false, chunk: 0 },
      { batch: 2, channels: 2, height: 6, width: 1005, res: true, relu: true, chunk: 1 },
      { batch: 1, channels: 4, height: 4, width: 1024, res: true, relu: false, chunk: 0 },
      { batch: 2, channels: 1, height: 10, width: 1030, res: false, relu: true, chunk: 2 },
    ];
    for (const c of cases) {
      const shape = { batch: c.batch, channels: c.channels, height: c.height, width: c.width };
      const tilesH = Math.ceil(c.height / 4);
      const tilesW = Math.ceil(c.width / 4);
      const texels = Math.ceil(tilesW / 4);
      const total = c.batch * tilesH;
      const coutPad = 64;
      const m = rng.floats(36 * total * c.channels * tilesW);
      const bias = rng.floats(c.channels);
      const res = rng.floats(c.batch * c.channels * c.height * c.width);
      const resTex = actTexture(gpu, res, shape);
      const biasT = gpu.upload(bias);
      const y = gpu.empty([actElements(shape)], "f32", { poison: true });
      const step = c.chunk || total;
      const run = gpu.run("resnet_wino_output_test");
      const textures: GPUTexture[] = [];
      for (let r0 = 0; r0 < total; r0 += step) {
        const rows = Math.min(step, total - r0);
        const part = new Float32Array(36 * rows * c.channels * tilesW);
        for (let p = 0; p < 36; p++) {
          const from = (p * total + r0) * c.channels * tilesW;
          part.set(
            m.subarray(from, from + rows * c.channels * tilesW),
            p * rows * c.channels * tilesW,
          );
        }
        const mt = planesTexture(gpu, part, {
          planes: 36,
          rows,
          chans: c.channels,
          cols: tilesW,
          chansPad: coutPad,
        });
        textures.push(mt);
        resnetWinoOutput(run, { m: mt, res: c.res ? resTex : undefined, bias: biasT, y }, {
          cout: c.channels,
          coutPad,
          height: c.height,
          width: c.width,
          pitchOut: pitchOf(texelsOf(c.width)),
          tilesH,
          r0,
          rows,
          texels,
          relu: c.relu,
        });
      }
      run.read(y);
      const [out] = await run.submit();
      const want = winoOutputRef(m, bias, shape, { relu: c.relu, res: c.res ? res : undefined });
      // Each output sums 36 inputs in [-1, 1] with transform weights up to 64: float32
      // rounding of such sums reaches ~1e-5 absolute even where the result is small.
      assertClose(
        unpackAct(out, shape),
        want,
        { atol: 6e-5, rtol: 1e-5 },
        `${JSON.stringify(c)} seed=${seed}`,
      );
      assert(
        tailValues(out, shape).every((v) => v === 0),
        `times past the width must be 0 (seed=${seed})`,
      );
      for (const t of textures) t.destroy();
      resTex.destroy();
      biasT.release();
      y.release();
    }
  },
});
