import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringBetaMoments } from "../../src/kernels/scoring_beta_moments.ts";
import { scoringBetaMomentsRef } from "../../src/reference/scoring_beta_moments.ts";
import { randomReferential } from "../scoring/_counts.ts";

Deno.test({
  name:
    "scoringBetaMoments() matches its reference at edge sizes, lane splits and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [attributes (entries = 2x), speakers, tpa, wg]: entries 2, 62, 64, 66 around WG = 64.
    const cases: Array<[number, number, number, number]> = [
      [1, 5, 1, 64],
      [31, 40, 1, 64],
      [32, 300, 4, 64],
      [33, 17, 64, 64],
      [32768, 3, 1, 1],
    ];
    for (const [nAttr, nSpeakers, tpa, wg] of cases) {
      const counts = randomReferential(rng, { nSpeakers, nAttr, maxRecordings: 1000 });
      const c = gpu.upload(counts);
      const stats = gpu.empty([nAttr * 2, 2], "f32", { poison: true });
      const run = gpu.run("scoring_beta_moments_test");
      scoringBetaMoments(run, { counts: c, stats, nAttr, nCat: 2, nSpeakers, eps: 1e-8, tpa, wg });
      run.read(stats);
      const [out] = await run.submit();
      const ref = scoringBetaMomentsRef(counts, { nAttr, nCat: 2, nSpeakers, eps: 1e-8 });
      // f32 proportions and Kahan sums: means to ~1e-7, variances to ~1e-6 relative.
      assertClose(
        out,
        ref,
        { atol: 1e-7, rtol: 2e-6 },
        `attr=${nAttr} S=${nSpeakers} seed=${seed}`,
      );
      c.release();
      stats.release();
    }
  },
});
