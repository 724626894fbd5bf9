import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeBatchnormEval } from "../../src/kernels/bae_batchnorm_eval.ts";
import { baeBatchnormEvalRef } from "../../src/reference/bae_batchnorm_eval.ts";
import { dense, poisonedMatrix, randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeBatchnormEval() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 256 vec4s: 1 x 1020, 1 x 1024, 1 x 1028 values give WG−1, WG, WG+1 invocations.
    const cases: Array<[number, number, number]> = [
      [1, 4, 256],
      [1, 1020, 256],
      [1, 1024, 256],
      [1, 1028, 256],
      [7, 512, 256],
      [65537, 4, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const x = randomMatrix(rng, rows, cols, [-2, 2]);
      const p = {
        gamma: rng.floats(cols, 0.5, 1.5),
        beta: rng.floats(cols),
        runningMean: rng.floats(cols),
        runningVar: rng.floats(cols, 0.1, 2),
      };
      const tx = uploadMatrix(gpu, x);
      const y = poisonedMatrix(gpu, rows, cols);
      const t = {
        gamma: gpu.upload(p.gamma),
        beta: gpu.upload(p.beta),
        runningMean: gpu.upload(p.runningMean),
        runningVar: gpu.upload(p.runningVar),
      };
      const run = gpu.run("bae_bn_eval_test");
      baeBatchnormEval(run, { x: tx, y, params: t }, { wg });
      run.read(y.tensor);
      const [gy] = await run.submit();
      const ref = baeBatchnormEvalRef(x.data, { rows, cols, ld: x.ld }, p);
      assertClose(
        dense(gy, rows, cols, x.ld),
        dense(ref, rows, cols, x.ld),
        { atol: 1e-5, rtol: 1e-5 },
        `rows=${rows} cols=${cols} seed=${seed}`,
      );
      releaseAll(tx, y, ...Object.values(t));
    }
  },
});
