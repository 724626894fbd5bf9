import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeArcfaceRows } from "../../src/kernels/bae_arcface_rows.ts";
import { baeArcfaceRowsRef } from "../../src/reference/bae_arcface_rows.ts";
import {
  dense,
  finiteDifferences,
  poisonedMatrix,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

const MARGIN = (28.6 * Math.PI) / 180;

Deno.test("baeArcfaceRowsRef() gradient agrees with finite differences on both branches", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [rows, classes] = [6, 9];
  const cos = randomMatrix(rng, rows, classes, [-0.95, 0.95]);
  const labels = Array.from({ length: rows }, () => rng.int(0, classes));
  // Row 0's target cosine is below cos(π − m): the linear branch.
  cos.data[labels[0]] = -0.93;
  const weights = rng.floats(rows, 0.2, 1);
  const shape = { rows, classes, ld: cos.ld };
  const o = { margin: MARGIN, scale: 4, gscale: 0.5 };
  const ref = baeArcfaceRowsRef(cos.data, labels, weights, shape, o);
  const loss = (v: Float64Array) =>
    0.5 * baeArcfaceRowsRef(v, labels, weights, shape, o).rowLoss.reduce((a, b) => a + b, 0);
  const idx = [
    ...sampleIndices(rng, rows, classes, cos.ld, 20),
    ...labels.map((y, i) => i * cos.ld + y),
  ];
  assertClose(idx.map((k) => ref.g[k]), finiteDifferences(loss, cos.data, idx), {
    atol: 1e-6,
    rtol: 1e-5,
  }, `seed=${seed}`);
});

Deno.test({
  name: "baeArcfaceRows() matches its reference with and without the gradient",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 rows: 63, 64, 65 rows give WG−1, WG, WG+1 invocations; WG 1 folds past 65535.
    const cases: Array<[number, number, number]> = [
      [1, 1, 64],
      [63, 5, 64],
      [64, 130, 64],
      [65, 17, 64],
      [65537, 3, 1],
    ];
    for (const [rows, classes, wg] of cases) {
      // |cos| < 0.999: near ±1 the target's derivative (∝ 1/sin θ) is ill-conditioned in f32.
      const cos = randomMatrix(rng, rows, classes, [-0.999, 0.999]);
      const labels = Array.from({ length: rows }, () => rng.int(0, classes));
      const weights = rng.floats(rows, 0, 1);
      const tc = uploadMatrix(gpu, cos);
      const tl = gpu.upload(Uint32Array.from(labels));
      const tw = gpu.upload(weights);
      const rowLoss = gpu.empty([rows], "f32", { poison: true });
      const rowLoss2 = gpu.empty([rows], "f32", { poison: true });
      const g = poisonedMatrix(gpu, rows, classes);
      const run = gpu.run("bae_arcface_test");
      baeArcfaceRows(run, { cosine: tc, labels: tl, weights: tw, rowLoss, g }, {
        gscale: 0.25,
        wg,
      });
      baeArcfaceRows(run, { cosine: tc, labels: tl, weights: tw, rowLoss: rowLoss2 }, { wg });
      for (const x of [rowLoss, rowLoss2, g.tensor]) run.read(x);
      const [gl, gl2, gg] = await run.submit();
      const ref = baeArcfaceRowsRef(cos.data, labels, weights, { rows, classes, ld: cos.ld }, {
        margin: MARGIN,
        scale: 64,
        gscale: 0.25,
      });
      const what = `${rows}x${classes} seed=${seed}`;
      assertClose(gl, ref.rowLoss, { atol: 1e-4, rtol: 1e-4 }, `loss ${what}`);
      assertClose(gl2, ref.rowLoss, { atol: 1e-4, rtol: 1e-4 }, `loss (no grad) ${what}`);
      assertClose(dense(gg, rows, classes, cos.ld), dense(ref.g, rows, classes, cos.ld), {
        atol: 1e-4,
        rtol: 1e-4,
      }, `g ${what}`);
      releaseAll(tc, tl, tw, rowLoss, rowLoss2, g);
    }
  },
});
