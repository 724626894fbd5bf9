import { assertClose } from "../_helpers/assert_close.ts";
import { assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeBatchnormTrain } from "../../src/kernels/bae_batchnorm_train.ts";
import { baeBatchnormTrainRef } from "../../src/reference/bae_batchnorm_train.ts";
import { dense, poisonedMatrix, randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeBatchnormTrain() matches its reference, running stats included",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 invocations of 4 features: 252, 256, 260 features give WG−1, WG, WG+1.
    const cases: Array<[number, number, number]> = [
      [2, 4, 64],
      [3, 252, 64],
      [33, 256, 64],
      [64, 260, 64],
      [5, 4 * 65537, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const x = randomMatrix(rng, rows, cols, [0, 3]);
      const gamma = rng.floats(cols, 0.5, 1.5);
      const beta = rng.floats(cols);
      const runningMean = rng.floats(cols);
      const runningVar = rng.floats(cols, 0.5, 2);
      const tx = uploadMatrix(gpu, x);
      const y = poisonedMatrix(gpu, rows, cols);
      const tensors = [gamma, beta, runningMean, runningVar].map((v) => gpu.upload(v));
      const saved = gpu.empty([2 * cols], "f32", { poison: true });
      const run = gpu.run("bae_bn_train_test");
      baeBatchnormTrain(run, {
        x: tx,
        y,
        saved,
        params: {
          gamma: tensors[0],
          beta: tensors[1],
          runningMean: tensors[2],
          runningVar: tensors[3],
        },
      }, { wg });
      for (const t of [y.tensor, saved, tensors[2], tensors[3]]) run.read(t);
      const [gy, gs, grm, grv] = await run.submit();
      const ref = baeBatchnormTrainRef(x.data, { rows, cols, ld: x.ld }, {
        gamma,
        beta,
        runningMean,
        runningVar,
      });
      const what = `rows=${rows} cols=${cols} seed=${seed}`;
      const tol = { atol: 1e-5, rtol: 1e-4 };
      assertClose(dense(gy, rows, cols, x.ld), dense(ref.y, rows, cols, x.ld), tol, `y ${what}`);
      assertClose(gs.subarray(0, cols), ref.mean, tol, `mean ${what}`);
      assertClose(gs.subarray(cols), ref.invstd, tol, `invstd ${what}`);
      assertClose(grm, ref.runningMean, tol, `running mean ${what}`);
      assertClose(grv, ref.runningVar, tol, `running var ${what}`);
      releaseAll(tx, y, saved, ...tensors);
    }
  },
});

Deno.test({
  name: "baeBatchnormTrain() refuses a batch of one sample",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const m = poisonedMatrix(gpu, 1, 4);
    const run = gpu.run("bae_bn_one");
    assertThrows(
      () =>
        baeBatchnormTrain(run, {
          x: m,
          y: m,
          saved: m.tensor,
          params: { gamma: m.tensor, beta: m.tensor, runningMean: m.tensor, runningVar: m.tensor },
        }),
      RangeError,
      "more than 1 sample",
    );
    releaseAll(m);
  },
});
