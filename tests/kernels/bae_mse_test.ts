import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeMse } from "../../src/kernels/bae_mse.ts";
import { baeMseRef } from "../../src/reference/bae_mse.ts";
import {
  dense,
  finiteDifferences,
  poisonedMatrix,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

Deno.test("baeMseRef() gradient agrees with finite differences", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const r = randomMatrix(rng, 5, 8);
  const x = randomMatrix(rng, 5, 8);
  const shape = { rows: 5, cols: 8, ld: r.ld };
  const ref = baeMseRef(r.data, x.data, shape, 0.7);
  const idx = sampleIndices(rng, 5, 8, r.ld, 15);
  const fd = finiteDifferences((v) => 0.7 * baeMseRef(v, x.data, shape).loss, r.data, idx);
  assertClose(idx.map((k) => ref.g[k]), fd, { atol: 1e-8, rtol: 1e-6 }, `seed=${seed}`);
});

Deno.test({
  name: "baeMse() matches its reference with and without the gradient",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 rows: 63, 64, 65 rows give WG−1, WG, WG+1 invocations.
    const cases: Array<[number, number, number]> = [
      [1, 4, 64],
      [63, 256, 64],
      [64, 8, 64],
      [65, 12, 64],
      [65537, 4, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const r = randomMatrix(rng, rows, cols);
      const x = randomMatrix(rng, rows, cols);
      const tr = uploadMatrix(gpu, r);
      const tx = uploadMatrix(gpu, x);
      const g = poisonedMatrix(gpu, rows, cols);
      const rowLoss = gpu.empty([rows], "f32", { poison: true });
      const rowLoss2 = gpu.empty([rows], "f32", { poison: true });
      const run = gpu.run("bae_mse_test");
      baeMse(run, { recon: tr, x: tx, rowLoss, g }, { scale: 1.5, wg });
      baeMse(run, { recon: tr, x: tx, rowLoss: rowLoss2 }, { wg });
      run.read(rowLoss);
      run.read(rowLoss2);
      run.read(g.tensor);
      const [gl, gl2, gg] = await run.submit();
      const ref = baeMseRef(r.data, x.data, { rows, cols, ld: r.ld }, 1.5);
      const what = `${rows}x${cols} seed=${seed}`;
      assertClose(gl, ref.rowLoss, { atol: 1e-5, rtol: 1e-5 }, `rows ${what}`);
      assertClose(gl2, ref.rowLoss, { atol: 1e-5, rtol: 1e-5 }, `rows (no grad) ${what}`);
      assertClose(dense(gg, rows, cols, r.ld), dense(ref.g, rows, cols, r.ld), {
        atol: 1e-7,
        rtol: 1e-5,
      }, `g ${what}`);
      releaseAll(tr, tx, g, rowLoss, rowLoss2);
    }
  },
});
