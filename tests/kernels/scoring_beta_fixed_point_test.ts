import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringBetaFixedPoint } from "../../src/kernels/scoring_beta_fixed_point.ts";
import { scoringBetaSurvival } from "../../src/kernels/scoring_beta_survival.ts";
import { scoringBetaFixedPointRef } from "../../src/reference/scoring_beta_fixed_point.ts";
import { randomReferential } from "../scoring/_counts.ts";

interface Case {
  nAttr: number;
  nSpeakers: number;
  maxRecordings: number;
  len: number;
  tpa: number;
  wg: number;
  tol: number;
  steps: number;
}

Deno.test({
  name:
    "scoringBetaFixedPoint() matches its reference at edge sizes, lane splits, tails and freezing",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const base = { nSpeakers: 30, maxRecordings: 200, len: 200, tpa: 1, wg: 64, tol: 0, steps: 3 };
    const cases: Case[] = [
      { ...base, nAttr: 1 },
      { ...base, nAttr: 63 },
      { ...base, nAttr: 64, tpa: 8 },
      { ...base, nAttr: 65, tpa: 64 },
      // Counts above L = 64 go through the asymptotic tail.
      { ...base, nAttr: 14, maxRecordings: 1000, len: 64, tpa: 4 },
      // A loose tolerance freezes attributes after a step or two.
      { ...base, nAttr: 21, tol: 0.05, steps: 6 },
      // 65536 workgroups of one attribute (wg 1) cross the dispatch dimension.
      { ...base, nAttr: 65536, nSpeakers: 2, maxRecordings: 3, len: 6, wg: 1, steps: 1 },
    ];
    for (const c of cases) {
      const { nAttr, nSpeakers, len } = c;
      const counts = randomReferential(rng, { nSpeakers, nAttr, maxRecordings: c.maxRecordings });
      const alpha0 = new Float32Array(nAttr * 2).map(() => rng.uniform(0.05, 5));
      const t = {
        counts: gpu.upload(counts),
        surv: gpu.empty([nAttr * 3, len + 1], "u32"),
        alpha: gpu.upload(alpha0),
        state: gpu.empty([nAttr, 4], "f32"),
      };
      const run = gpu.run("scoring_beta_fixed_point_test");
      run.clear(t.state);
      scoringBetaSurvival(run, { counts: t.counts, hist: t.surv, nAttr, nCat: 2, nSpeakers, len });
      let tail = false;
      for (let i = 0; i < counts.length; i += 2) tail ||= counts[i] + counts[i + 1] > len;
      scoringBetaFixedPoint(run, {
        ...t,
        nAttr,
        nCat: 2,
        nSpeakers,
        len,
        tail,
        eps: 1e-8,
        tol: c.tol,
        steps: c.steps,
        tpa: c.tpa,
        wg: c.wg,
      });
      run.read(t.alpha);
      run.read(t.state);
      const [alpha, state] = await run.submit();
      const ref = scoringBetaFixedPointRef(counts, {
        alpha: alpha0,
        nAttr,
        nCat: 2,
        nSpeakers,
        eps: 1e-8,
        tol: c.tol,
        steps: c.steps,
      });
      const what = `attr=${nAttr} L=${len} tpa=${c.tpa} tol=${c.tol} seed=${seed}`;
      // f32 sums of positive terms: ~1e-6 relative per step.
      assertClose(alpha, ref.alpha, { atol: 1e-12, rtol: 1e-5 }, `alpha ${what}`);
      const steps = state.filter((_, i) => i % 4 === 0);
      const refSteps = ref.state.filter((_, i) => i % 4 === 0);
      assertClose(steps, refSteps, {}, `steps ${what}`);
      for (const x of Object.values(t)) x.release();
    }
  },
});
