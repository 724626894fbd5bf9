import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringTableTrials } from "../../src/kernels/scoring_table_trials.ts";
import { scoringTableTrialsRef } from "../../src/reference/scoring_table_trials.ts";
import { pairValues, scoringRowSumRef } from "../../src/reference/scoring_row_sum.ts";
import { randomPairs } from "../scoring/_counts.ts";

Deno.test({
  name: "scoringTableTrials() sums and per-attribute values match its reference at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, wg]: 1, 63, 64, 65 trials (one thread each), then 65536 groups of 1.
    const cases: Array<[number, number, number]> = [
      [1, 1, 64],
      [63, 37, 64],
      [64, 512, 64],
      [65, 100, 64],
      [65536, 3, 1],
    ];
    for (const [nTrials, nAttr, wg] of cases) {
      const words = Math.ceil(nAttr / 32);
      const nSides = 9;
      const bits = new Uint32Array(nSides * words).map(() =>
        rng.int(0, 2 ** 31) * 2 + rng.int(0, 2)
      );
      const llrs = rng.floats(4 * nAttr, -5, 5);
      const pairs = randomPairs(rng, nTrials, nSides);
      const ref = scoringTableTrialsRef(bits, { pairs, llrs, nAttr });
      for (const perAttribute of [false, true]) {
        const t = {
          bits: gpu.upload(bits),
          pairs: gpu.upload(pairs),
          llrs: gpu.upload(llrs),
          out: gpu.empty(perAttribute ? [nTrials, nAttr, 2] : [nTrials, 2], "f32", {
            poison: true,
          }),
        };
        const run = gpu.run("scoring_table_trials_test");
        scoringTableTrials(run, { ...t, nTrials, nAttr, perAttribute, wg });
        run.read(t.out);
        const [out] = await run.submit();
        const what = `trials=${nTrials} attr=${nAttr} perAttribute=${perAttribute} seed=${seed}`;
        if (perAttribute) {
          assertClose(pairValues(out), ref, {}, what);
        } else {
          const sums = new Float64Array(nTrials);
          for (let i = 0; i < nTrials; i++) {
            for (let a = 0; a < nAttr; a++) sums[i] += ref[i * nAttr + a];
          }
          // Kahan sum: one rounding of the result.
          assertClose(pairValues(out), sums, { atol: 1e-6, rtol: 1e-7 }, what);
        }
        for (const x of Object.values(t)) x.release();
      }
      // The row-sum reference agrees with summing the per-attribute reference.
      const asPairs = new Float64Array(2 * ref.length);
      ref.forEach((v, i) => (asPairs[2 * i] = v));
      assertClose(scoringRowSumRef(asPairs, nAttr).subarray(0, 1), [
        ref.subarray(0, nAttr).reduce((x, y) => x + y, 0),
      ], { rtol: 1e-12 });
    }
  },
});
