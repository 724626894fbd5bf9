import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { resnetWinoInput } from "../../src/kernels/resnet_wino_input.ts";
import { pitchOf, texelsOf } from "../../src/kernels/resnet_layout.ts";
import { winoInputRef, winoTiles } from "../../src/reference/resnet_wino_input.ts";
import { actTexture, unpackPlanes } from "./_resnet_texels.ts";

Deno.test({
  name: "resnetWinoInput() matches its float64 reference at edge widths and row chunks",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // V texels per row = ceil(ceil(width/4)/4): 1, WG−1, WG, WG+1 for WG = 64; odd heights
    // leave a partial last tile row; chunks start mid-batch.
    const cases = [
      { batch: 1, channels: 1, height: 3, width: 1, chunk: 0 },
      { batch: 2, channels: 3, height: 6, width: 1007, chunk: 2 },
      { batch: 1, channels: 2, height: 8, width: 1024, chunk: 0 },
      { batch: 1, channels: 2, height: 5, width: 1037, chunk: 1 },
      { batch: 3, channels: 5, height: 10, width: 29, chunk: 4 },
    ];
    for (const c of cases) {
      const shape = { batch: c.batch, channels: c.channels, height: c.height, width: c.width };
      const x = rng.floats(c.batch * c.channels * c.height * c.width);
      const tex = actTexture(gpu, x, shape);
      const { tilesH, tilesW } = winoTiles(shape);
      const texels = Math.ceil(tilesW / 4);
      const pitch = pitchOf(texels);
      const want = winoInputRef(x, shape);
      const total = c.batch * tilesH;
      const step = c.chunk || total;
      for (let r0 = 0; r0 < total; r0 += step) {
        const rows = Math.min(step, total - r0);
        const v = gpu.empty([36 * rows * c.channels * pitch * 4], "f32", { poison: true });
        const run = gpu.run("resnet_wino_input_test");
        resnetWinoInput(run, { x: tex, v }, {
          cin: c.channels,
          height: c.height,
          texelsIn: texelsOf(c.width),
          tilesH,
          r0,
          rows,
          texels,
          pitch,
        });
        run.read(v);
        const [out] = await run.submit();
        const got = unpackPlanes(out, { planes: 36, rows, chans: c.channels, cols: tilesW });
        const expect = new Float64Array(got.length);
        for (let p = 0; p < 36; p++) {
          const from = (p * total + r0) * c.channels * tilesW;
          expect.set(
            want.subarray(from, from + rows * c.channels * tilesW),
            p * rows * c.channels * tilesW,
          );
        }
        assertClose(
          got,
          expect,
          { atol: 1e-5, rtol: 1e-5 },
          `${JSON.stringify(c)} r0=${r0} seed=${seed}`,
        );
        v.release();
      }
      tex.destroy();
    }
  },
});
