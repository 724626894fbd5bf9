import { assertEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringBetaSurvival } from "../../src/kernels/scoring_beta_survival.ts";
import { scoringBetaSurvivalRef } from "../../src/reference/scoring_beta_survival.ts";
import { randomReferential } from "../scoring/_counts.ts";

Deno.test({
  name:
    "scoringBetaSurvival() matches its reference at edge sizes, in speaker chunks and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [attributes (series = 3x), speakers, L, maxRecordings, wg]: series 3, 63, 66 around WG = 64;
    // 15001 speakers cross the 15000-speaker chunk; 21846 series cross 65535 workgroups of 3 (wg 1).
    const cases: Array<[number, number, number, number, number]> = [
      [1, 7, 12, 30, 64],
      [21, 50, 100, 90, 64],
      [22, 40, 64, 300, 64],
      [1, 15001, 8, 20, 64],
      [21846, 2, 3, 4, 1],
    ];
    for (const [nAttr, nSpeakers, len, maxRecordings, wg] of cases) {
      const counts = randomReferential(rng, { nSpeakers, nAttr, maxRecordings });
      const c = gpu.upload(counts);
      const hist = gpu.empty([nAttr * 3, len + 1], "u32", { poison: true });
      const run = gpu.run("scoring_beta_survival_test");
      scoringBetaSurvival(run, { counts: c, hist, nAttr, nCat: 2, nSpeakers, len, wg });
      run.read(hist);
      const [out] = await run.submit();
      const ref = scoringBetaSurvivalRef(counts, { nAttr, nCat: 2, nSpeakers, len });
      const what = `attr=${nAttr} S=${nSpeakers} L=${len} seed=${seed}`;
      let bad = -1;
      for (let i = 0; i < ref.length && bad < 0; i++) if (out[i] !== ref[i]) bad = i;
      assertEquals(bad, -1, `first mismatch ${what}`);
      c.release();
      hist.release();
    }
  },
});
