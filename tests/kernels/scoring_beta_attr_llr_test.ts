import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringBetaAttrLlr } from "../../src/kernels/scoring_beta_attr_llr.ts";
import { scoringBetaAttrLlrRef } from "../../src/reference/scoring_beta_attr_llr.ts";
import { randomPairs, randomSummedSides } from "../scoring/_counts.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";

async function check(
  sides: Float32Array,
  pairs: Uint32Array,
  alpha: Float32Array,
  nAttr: number,
  opts: { wg?: number; first?: number; atol: number; rtol: number; what: string },
): Promise<void> {
  const gpu = (await testGpu())!;
  const nCat = alpha.length / nAttr;
  const first = opts.first ?? 0;
  const nTrials = pairs.length / 2 - first;
  const t = {
    sides: gpu.upload(sides),
    pairs: gpu.upload(pairs),
    alpha: gpu.upload(alpha),
    out: gpu.empty([nTrials, nAttr, 2], "f32", { poison: true }),
  };
  const run = gpu.run("scoring_beta_attr_llr_test");
  scoringBetaAttrLlr(run, { ...t, nTrials, nAttr, nCat, first, wg: opts.wg });
  run.read(t.out);
  const [out] = await run.submit();
  const ref = scoringBetaAttrLlrRef(sides, {
    pairs: pairs.subarray(2 * first),
    alpha,
    nAttr,
    nCat,
  });
  assertClose(pairValues(out), ref, { atol: opts.atol, rtol: opts.rtol }, opts.what);
  for (const x of Object.values(t)) x.release();
}

Deno.test({
  name: "scoringBetaAttrLlr() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, most recordings per side, wg]: 1, 63, 64, 65 threads, then 65536 groups of 1.
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 1, 64],
      [1, 63, 5, 64],
      [2, 32, 1, 64],
      [5, 13, 1000, 64],
      [65536, 1, 2, 1],
    ];
    for (const [nTrials, nAttr, maxRec, wg] of cases) {
      const nSides = 6;
      const sides = randomSummedSides(rng, nSides, nAttr, maxRec);
      const alpha = new Float32Array(nAttr * 2).map(() => rng.uniform(1e-3, 20));
      // A never-active category keeps alpha at eps.
      alpha[0] = 1e-8;
      const pairs = randomPairs(rng, nTrials + 1, nSides);
      // Each log1p term carries ~1 ulp and G sums up to min(e, t) of them: the error grows like
      // sqrt(recordings) (about 2e-5 per attribute at 1000 recordings per side).
      await check(sides, pairs, alpha, nAttr, {
        wg,
        first: 1,
        atol: 2e-6 * Math.sqrt(maxRec) + 1e-6,
        rtol: 1e-7,
        what: `trials=${nTrials} attr=${nAttr} rec=${maxRec} seed=${seed}`,
      });
    }
  },
});

Deno.test({
  name:
    "scoringBetaAttrLlr() stays close with more than 16384 recordings per side (Stirling branch)",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const sides = new Float32Array([
      20000,
      5000,
      /* side 1 */ 17000,
      30000,
      /* side 2 */ 25000,
      25000,
    ]);
    const pairs = new Uint32Array([0, 1, 1, 2, 0, 2, 2, 2]);
    for (const alpha of [[0.5, 2], [30, 3], [1e-8, 0.2]]) {
      await check(sides, pairs, new Float32Array(alpha), 1, {
        atol: 0.05,
        rtol: 1e-5,
        what: `alpha=${alpha}`,
      });
    }
  },
});
