/**
 * The five scorers against tools/make_scoring_fixtures.py (float64 numpy/torch
 * with the same guards) on a referential of 80 speakers x 512 attributes with
 * 1 to 1000 recordings per speaker and always/never/rarely active attributes,
 * and 401 trials (single recordings and sums of up to 1000).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { fitScorer, scorerFromState } from "../../src/scoring/scorer.ts";
import { scoreTrialPairs } from "../../src/scoring/score_trials.ts";
import { scorerConfig } from "./_configs.ts";
import { loadScoringFixture, type ScoringFixture } from "./_fixture.ts";

const fixture: Promise<ScoringFixture> = loadScoringFixture();

/** |ours - ref| <= 1e-3 + 1e-7 |ref|: scores of summed trials reach 5e4 in magnitude. */
function assertScores(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assertClose(actual, expected, { atol: 1e-3, rtol: 1e-7 }, what);
}

function singlePairs(fx: ScoringFixture): number[] {
  const out: number[] = [];
  fx.single.forEach((s, i) => {
    if (s) out.push(fx.pairs[2 * i], fx.pairs[2 * i + 1]);
  });
  return out;
}

function f64(data: Float64Array, shape: number[]): HostTensor {
  return { dtype: "float64", shape, data };
}

Deno.test({
  name:
    "fitScorer() beta matches the float64 fixture: alpha within 1e-4 relative, scores within 1e-3",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const fx = await fixture;
    const scorer = await fitScorer(gpu, fx.referential, scorerConfig("beta"));
    const p = scorer.params();
    assert(p.kind === "beta");
    assertClose(p.alpha, fx.beta.alpha, { rtol: 1e-4 }, "alpha");
    const r = scorer.report!;
    assertEquals(r.iterations, 100);
    assertEquals(r.excludedFromGeometricMean, fx.beta.excluded);
    assertClose([r.geometricMean!], [fx.beta.geometricMean], { rtol: 1e-5 }, "geometric mean");
    assert(r.guards.length === 2 && r.flooredAttributes! > 0, "guards reported");
    assert(fx.beta.upstreamAlphaHasNaN, "the fixture's referential breaks the unguarded reference");
    const trials = { sides: fx.sides, pairs: fx.pairs };
    assertScores(await scoreTrialPairs(gpu, scorer, trials), fx.beta.scores, "scores of our fit");
    // With the fixture's own alpha (as f32), only the scoring kernels' error remains.
    const loaded = await scorerFromState(
      gpu,
      new Map([["alpha", f64(fx.beta.alpha, [512, 2])]]),
      scorerConfig("beta"),
    );
    assertScores(
      await scoreTrialPairs(gpu, loaded, trials),
      fx.beta.scoresF32Alpha,
      "scores of the fixture's alpha",
    );
  },
});

for (const model of ["dna", "speech"] as const) {
  Deno.test({
    name:
      `fitScorer() ${model} matches the float64 fixture: T and Dout within 1e-4 relative, scores within 1e-3`,
    ...GPU_TEST,
    async fn() {
      const gpu = await testGpu();
      if (!gpu) return;
      const fx = await fixture;
      const scorer = await fitScorer(gpu, fx.referential, scorerConfig(model));
      const p = scorer.params();
      assert(p.kind === model);
      assertClose(p.typicality, fx[model].typicality, { rtol: 1e-4 }, "typicality");
      assertClose(p.dropout, fx[model].dropout, { rtol: 1e-4 }, "dropout");
      // Log-LRs up to ~20: 1e-4 relative of T and Dout, plus f32 logs.
      assertClose(p.llrs, fx[model].llrs, { atol: 1e-4, rtol: 1e-5 }, "llrs");
      const pairs = singlePairs(fx);
      assertScores(
        await scoreTrialPairs(gpu, scorer, { sides: fx.sides, pairs }),
        fx[model].scores,
        "scores",
      );
      const state = new Map([
        ["typicality", f64(fx[model].typicality, [512])],
        ["dropout", f64(fx[model].dropout, [512])],
        ["llrs", f64(fx[model].llrs, [2, 512, 2])],
      ]);
      const loaded = await scorerFromState(gpu, state, scorerConfig(model));
      const s = await scoreTrialPairs(gpu, loaded, { sides: fx.sides, pairs });
      assertScores(s, fx[model].scoresF32Table, "scores of the fixture's table");
    },
  });
}

Deno.test({
  name:
    "fitScorer() maxllr matches the float64 fixture: f, p, q within 1e-4 relative, scores within 1e-3",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const fx = await fixture;
    const scorer = await fitScorer(gpu, fx.referential, scorerConfig("maxllr"));
    const state = scorer.state();
    for (const key of ["f", "p", "q"] as const) {
      assertEquals(state.get(key)!.dtype, "float64");
      assertClose(state.get(key)!.data as Float64Array, fx.maxllr[key], { rtol: 1e-4 }, key);
    }
    assert(scorer.report!.boundedAttributes! > 0, "never-active attributes sit on the bounds");
    const trials = { sides: fx.sides, pairs: fx.pairs };
    assertScores(await scoreTrialPairs(gpu, scorer, trials), fx.maxllr.scores, "scores of our fit");
    const loaded = await scorerFromState(
      gpu,
      new Map(["f", "p", "q"].map((k) => [k, f64(fx.maxllr[k as "f"], [512])])),
      scorerConfig("maxllr"),
    );
    assertScores(
      await scoreTrialPairs(gpu, loaded, trials),
      fx.maxllr.scores,
      "scores of the fixture's f, p, q",
    );
  },
});

Deno.test({
  name: "scoreTrialPairs() cosine matches torch.nn.CosineSimilarity products within 1e-6",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const fx = await fixture;
    const scorer = await scorerFromState(gpu, new Map(), scorerConfig("cosine"));
    const s = await scoreTrialPairs(gpu, scorer, { sides: fx.sides, pairs: fx.pairs });
    assertClose(s, fx.cosine.scores, { atol: 1e-6 }, "cosine");
  },
});
