import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringMaxllrAttrLlr } from "../../src/kernels/scoring_maxllr_attr_llr.ts";
import { scoringMaxllrAttrLlrRef } from "../../src/reference/scoring_maxllr_attr_llr.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";
import { randomPairs, randomSummedSides } from "../scoring/_counts.ts";

/** Params `[nAttr, 12]` in f32 from random f, p, q (some extreme). */
function randomParams(rng: Rng, nAttr: number): Float32Array {
  const out = new Float32Array(12 * nAttr);
  for (let a = 0; a < nAttr; a++) {
    const pick =
      () => (rng.next() < 0.2 ? (rng.next() < 0.5 ? 1e-6 : 1 - 1e-6) : rng.uniform(0.01, 0.99));
    const [f, p, q] = [pick(), pick(), pick()];
    out.set([
      Math.log(f),
      Math.log1p(-f),
      Math.log(p),
      Math.log1p(-p),
      Math.log(q),
      Math.log1p(-q),
      f,
      p,
      q,
      0,
      0,
      0,
    ], 12 * a);
  }
  return out;
}

Deno.test({
  name:
    "scoringMaxllrAttrLlr() matches its reference at edge sizes, large counts and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, most recordings per side, wg]
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 1, 64],
      [1, 63, 3, 64],
      [2, 32, 1, 64],
      [5, 13, 1000, 64],
      [3, 20, 20000, 64],
      [65536, 1, 2, 1],
    ];
    for (const [nTrials, nAttr, maxRec, wg] of cases) {
      const nSides = 6;
      const sides = randomSummedSides(rng, nSides, nAttr, maxRec);
      const params = randomParams(rng, nAttr);
      const pairs = randomPairs(rng, nTrials, nSides);
      const t = {
        sides: gpu.upload(sides),
        pairs: gpu.upload(pairs),
        params: gpu.upload(params),
        out: gpu.empty([nTrials, nAttr, 2], "f32", { poison: true }),
      };
      const run = gpu.run("scoring_maxllr_attr_llr_test");
      scoringMaxllrAttrLlr(run, { ...t, nTrials, nAttr, wg });
      run.read(t.out);
      const [out] = await run.submit();
      const ref = scoringMaxllrAttrLlrRef(sides, { pairs, params, nAttr });
      // Pair arithmetic for the count terms; the bounded softplus parts carry ~1e-7.
      assertClose(
        pairValues(out),
        ref,
        { atol: 2e-6, rtol: 1e-9 },
        `trials=${nTrials} attr=${nAttr} rec=${maxRec} seed=${seed}`,
      );
      for (const x of Object.values(t)) x.release();
    }
  },
});
