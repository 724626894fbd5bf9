import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeBatchnormTrain } from "../../src/kernels/bae_batchnorm_train.ts";
import { baeBatchnormBackward } from "../../src/kernels/bae_batchnorm_backward.ts";
import { baeBatchnormBackwardRef } from "../../src/reference/bae_batchnorm_backward.ts";
import { baeBatchnormTrainRef } from "../../src/reference/bae_batchnorm_train.ts";
import {
  dense,
  finiteDifferences,
  poisonedMatrix,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

Deno.test("baeBatchnormBackwardRef() agrees with finite differences of the forward reference", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [rows, cols] = [6, 8];
  const x = randomMatrix(rng, rows, cols, [0, 2]);
  const g = randomMatrix(rng, rows, cols);
  const gamma = rng.floats(cols, 0.5, 1.5);
  const beta = rng.floats(cols);
  const shape = { rows, cols, ld: x.ld };
  const stats = { runningMean: new Float64Array(cols), runningVar: new Float64Array(cols) };
  // L = Σ g ⊙ BN(x; γ, β): its gradients are the backward pass for output gradient g.
  const loss = (xv: ArrayLike<number>, gm: ArrayLike<number>, bt: ArrayLike<number>) => {
    const y = baeBatchnormTrainRef(xv, shape, { gamma: gm, beta: bt, ...stats }).y;
    let s = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) s += g.data[i * x.ld + j] * y[i * x.ld + j];
    }
    return s;
  };
  const ref = baeBatchnormBackwardRef(x.data, g.data, shape, { gamma });
  const idx = sampleIndices(rng, rows, cols, x.ld, 20);
  const fdx = finiteDifferences((v) => loss(v, gamma, beta), x.data, idx);
  assertClose(idx.map((k) => ref.gx[k]), fdx, { atol: 1e-6, rtol: 1e-5 }, `gx seed=${seed}`);
  const all = [...Array(cols).keys()];
  assertClose(ref.gGamma, finiteDifferences((v) => loss(x.data, v, beta), gamma, all), {
    atol: 1e-6,
    rtol: 1e-5,
  }, `gGamma seed=${seed}`);
  assertClose(ref.gBeta, finiteDifferences((v) => loss(x.data, gamma, v), beta, all), {
    atol: 1e-6,
    rtol: 1e-5,
  }, `gBeta seed=${seed}`);
});

Deno.test({
  name: "baeBatchnormBackward() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // At least 4 rows: with 2 the exact gradient is 0 (x̂ = ±1) and only rounding noise is left.
    const cases: Array<[number, number, number]> = [
      [4, 4, 64],
      [9, 252, 64],
      [32, 256, 64],
      [17, 260, 64],
      [16, 4 * 65537, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const x = randomMatrix(rng, rows, cols, [-2, 2]);
      const g = randomMatrix(rng, rows, cols);
      const gamma = rng.floats(cols, 0.5, 1.5);
      const tx = uploadMatrix(gpu, x);
      const tg = uploadMatrix(gpu, g);
      const tgamma = gpu.upload(gamma);
      const zeros = gpu.upload(new Float32Array(cols));
      const runMean = gpu.upload(new Float32Array(cols));
      const ones = gpu.upload(new Float32Array(cols).fill(1));
      const y = poisonedMatrix(gpu, rows, cols);
      const saved = gpu.empty([2 * cols], "f32", { poison: true });
      const gx = poisonedMatrix(gpu, rows, cols);
      const gGamma = gpu.empty([cols], "f32", { poison: true });
      const gBeta = gpu.empty([cols], "f32", { poison: true });
      const run = gpu.run("bae_bn_backward_test");
      // The saved statistics come from the forward kernel, as in training.
      baeBatchnormTrain(run, {
        x: tx,
        y,
        saved,
        params: { gamma: tgamma, beta: zeros, runningMean: runMean, runningVar: ones },
      }, { wg });
      baeBatchnormBackward(run, { x: tx, g: tg, gamma: tgamma, saved, gx, gGamma, gBeta }, { wg });
      for (const t of [gx.tensor, gGamma, gBeta]) run.read(t);
      const [ggx, ggg, ggb] = await run.submit();
      const ref = baeBatchnormBackwardRef(x.data, g.data, { rows, cols, ld: x.ld }, { gamma });
      const what = `rows=${rows} cols=${cols} seed=${seed}`;
      const tol = { atol: 1e-5, rtol: 1e-4 };
      assertClose(dense(ggx, rows, cols, x.ld), dense(ref.gx, rows, cols, x.ld), tol, `gx ${what}`);
      assertClose(ggg, ref.gGamma, tol, `gGamma ${what}`);
      assertClose(ggb, ref.gBeta, tol, `gBeta ${what}`);
      releaseAll(tx, tg, tgamma, zeros, runMean, ones, y, saved, gx, gGamma, gBeta);
    }
  },
});
