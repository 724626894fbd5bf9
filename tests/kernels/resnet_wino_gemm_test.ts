import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { resnetWinoGemm, WINO_COUT_BLOCK } from "../../src/kernels/resnet_wino_gemm.ts";
import { pitchOf } from "../../src/kernels/resnet_layout.ts";
import { winoGemmRef } from "../../src/reference/resnet_wino_gemm.ts";
import { planesTexture, unpackPlanes, weightTexture } from "./_resnet_texels.ts";

// Invocations (texel quads × rows) 1, WG−1, WG, WG+1 for WG = 8, odd channel counts,
// several 32-channel blocks, and the tiled variant's 16-channel staging chunks.
const CASES: Array<{ cin: number; cout: number; rows: number; texels: number }> = [
  { cin: 1, cout: 8, rows: 1, texels: 1 },
  { cin: 8, cout: 40, rows: 7, texels: 4 },
  { cin: 16, cout: 64, rows: 2, texels: 16 },
  { cin: 33, cout: 96, rows: 3, texels: 11 },
  { cin: 256, cout: 96, rows: 1, texels: 5 },
];

for (const variant of ["registers", "tiled"] as const) {
  Deno.test({
    name: `resnetWinoGemm() ${variant} variant matches its float64 reference`,
    ...GPU_TEST,
    async fn() {
      const gpu = await testGpu();
      if (!gpu) return;
      const seed = freshSeed();
      const rng = new Rng(seed);
      for (const { cin, cout, rows, texels } of CASES) {
        const block = WINO_COUT_BLOCK[variant];
        const coutPad = Math.ceil(cout / block) * block;
        const cols = texels * 4;
        const pitch = pitchOf(texels);
        const v = rng.floats(36 * rows * cin * cols);
        const w = rng.floats(36 * cin * cout);
        const vt = planesTexture(gpu, v, { planes: 36, rows, chans: cin, cols });
        const wt = weightTexture(gpu, w, { planes: 36, cin, cout, coutPad });
        const m = gpu.empty([36 * rows * coutPad * pitch * 4], "f32", { poison: true });
        const run = gpu.run("resnet_wino_gemm_test");
        resnetWinoGemm(run, { v: vt, w: wt, m }, { cin, coutPad, rows, texels, pitch, variant });
        run.read(m);
        const [out] = await run.submit();
        const got = unpackPlanes(out, { planes: 36, rows, chans: cout, cols, chansPad: coutPad });
        const want = winoGemmRef(v, w, { cin, cout, rows, cols });
        assertClose(
          got,
          want,
          { atol: 1e-5, rtol: 1e-4 },
          `${variant} cin=${cin} cout=${cout} rows=${rows} texels=${texels} seed=${seed}`,
        );
        vt.destroy();
        wt.destroy();
        m.release();
      }
    },
  });
}
