import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringCosineTrials } from "../../src/kernels/scoring_cosine_trials.ts";
import { scoringCosineTrialsRef } from "../../src/reference/scoring_cosine_trials.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";
import { randomPairs, randomSummedSides } from "../scoring/_counts.ts";

Deno.test({
  name: "scoringCosineTrials() matches its reference for dim 1 and 2 at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 1, 64],
      [63, 512, 30, 64],
      [64, 8, 1, 64],
      [65, 33, 200, 64],
      [65536, 2, 1, 1],
    ];
    for (const [nTrials, nAttr, maxRec, wg] of cases) {
      const nSides = 7;
      const sides = randomSummedSides(rng, nSides, nAttr, maxRec);
      // An all-zero side exercises the eps floor of the norms.
      sides.fill(0, 0, 2 * nAttr);
      const pairs = randomPairs(rng, nTrials, nSides);
      for (const dim of [1, 2] as const) {
        const t = {
          sides: gpu.upload(sides),
          pairs: gpu.upload(pairs),
          out: gpu.empty([nTrials, 2], "f32", { poison: true }),
        };
        const run = gpu.run("scoring_cosine_trials_test");
        scoringCosineTrials(run, { ...t, nTrials, nAttr, nCat: 2, dim, eps: 1e-8, wg });
        run.read(t.out);
        const [out] = await run.submit();
        const ref = scoringCosineTrialsRef(sides, { pairs, nAttr, nCat: 2, dim, eps: 1e-8 });
        // Cosines from compensated sums carry ~2 ulp each; dim 2 multiplies up to 512 of them.
        const rtol = dim === 1 ? 1e-6 : 4e-7 * nAttr;
        assertClose(
          pairValues(out),
          ref,
          { atol: 1e-7, rtol },
          `dim=${dim} trials=${nTrials} attr=${nAttr} seed=${seed}`,
        );
        for (const x of Object.values(t)) x.release();
      }
    }
  },
});
