import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { fitScorer, scorerFromState } from "../../src/scoring/scorer.ts";
import {
  explainTrial,
  explainTrialPairs,
  scoreTrialPairs,
  scoreTrials,
  TrialExplainer,
} from "../../src/scoring/score_trials.ts";
import type { Scorer } from "../../src/scoring/scorer.ts";
import { topContributions } from "../../src/scoring/explanations.ts";
import { scoringBetaAttrLlrRef } from "../../src/reference/scoring_beta_attr_llr.ts";
import { scoringCosineTrialsRef } from "../../src/reference/scoring_cosine_trials.ts";
import { scoringMaxllrAttrLlrRef } from "../../src/reference/scoring_maxllr_attr_llr.ts";
import { scorerConfig } from "./_configs.ts";
import { randomMixedSides, randomPairs, randomReferential } from "./_counts.ts";

const rowSums = (x: Float64Array, n: number) =>
  Array.from(
    { length: x.length / n },
    (_, t) => x.subarray(t * n, (t + 1) * n).reduce((a, b) => a + b, 0),
  );

/** Per-attribute f64 reference of a beta or maxllr scorer. */
function attributeRef(scorer: Scorer, sides: Float32Array, pairs: ArrayLike<number>): Float64Array {
  const p = scorer.params();
  const nAttr = scorer.settings.nAttributes;
  if (p.kind === "beta") {
    return scoringBetaAttrLlrRef(sides, { pairs, alpha: p.alpha, nAttr, nCat: 2 });
  }
  assert(p.kind === "maxllr");
  return scoringMaxllrAttrLlrRef(sides, { pairs, params: p.params, nAttr });
}

/**
 * Sides 0-7 single recordings, 8-10 sums of up to 40: trials of every path, the
 * summed sides shared by several trials in both roles (side tables) or used once.
 */
function mixedTrials(rng: Rng, n: number): { sides: Float32Array; pairs: number[] } {
  const sides = randomMixedSides(rng, 8, 3, n, 40);
  const pairs: number[] = [];
  for (let i = 0; i < 60; i++) pairs.push(rng.int(0, 8), rng.int(0, 8)); // table
  for (let i = 0; i < 30; i++) pairs.push(8, rng.int(0, 8)); // side 8 as enrolment
  for (let i = 0; i < 30; i++) pairs.push(rng.int(0, 8), 9); // side 9 as test
  pairs.push(10, 3, 8, 9, 9, 10); // side 10 once; summed against summed
  return { sides, pairs };
}

Deno.test({
  name:
    "scoreTrialPairs() and explainTrialPairs() match the float64 references on every path, rows summing to the scores",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 96;
    const ref = randomReferential(rng, { nSpeakers: 30, nAttr: n, maxRecordings: 100 });
    const { sides, pairs } = mixedTrials(rng, n);
    for (const name of ["beta", "maxllr"] as const) {
      const what = `${name} seed ${seed}`;
      const scorer = await fitScorer(
        gpu,
        ref,
        scorerConfig(name, { n_attributes: n, n_iterations: 10 }),
      );
      const expected = attributeRef(scorer, sides, pairs);
      const scores = await scoreTrialPairs(gpu, scorer, { sides, pairs });
      const explained = await explainTrialPairs(gpu, scorer, { sides, pairs });
      // Per attribute: the kernels' own parity bounds (sums of up to 40 recordings).
      assertClose(explained, expected, { atol: 2e-5, rtol: 1e-6 }, `${what} attributes`);
      assertClose(scores, rowSums(expected, n), { atol: 1e-4 }, `${what} scores`);
      assertClose(rowSums(explained, n), scores, { atol: 1e-5, rtol: 1e-9 }, `${what} row sums`);
    }
  },
});

Deno.test({
  name: "explainTrialPairs() side tables give bit for bit the per-attribute kernel's values",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 70;
    const ref = randomReferential(rng, { nSpeakers: 20, nAttr: n, maxRecordings: 60 });
    const sides = randomMixedSides(rng, 4, 2, n, 500);
    // Sides 4 and 5 each serve three trials (tabulated); alone, a trial takes the general kernel.
    const pairs = [4, 0, 4, 1, 4, 2, 3, 5, 2, 5, 0, 5];
    for (const name of ["beta", "maxllr"] as const) {
      const scorer = await fitScorer(
        gpu,
        ref,
        scorerConfig(name, { n_attributes: n, n_iterations: 5 }),
      );
      const shared = await explainTrialPairs(gpu, scorer, { sides, pairs });
      const sharedScores = await scoreTrialPairs(gpu, scorer, { sides, pairs });
      for (let t = 0; t < pairs.length / 2; t++) {
        const one = { sides, pairs: pairs.slice(2 * t, 2 * t + 2) };
        const alone = await explainTrialPairs(gpu, scorer, one);
        assertEquals(
          [...shared.subarray(t * n, (t + 1) * n)],
          [...alone],
          `${name} trial ${t} seed ${seed}`,
        );
        // Same pair additions in the same order: equal sums too.
        assertEquals(
          sharedScores[t],
          (await scoreTrialPairs(gpu, scorer, one))[0],
          `${name} score ${t}`,
        );
      }
    }
  },
});

Deno.test({
  name: "TrialExplainer.top() ranks like topContributions() on every path and for any range",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 64;
    const ref = randomReferential(rng, { nSpeakers: 20, nAttr: n, maxRecordings: 50 });
    const { sides, pairs } = mixedTrials(rng, n);
    const scorer = await fitScorer(
      gpu,
      ref,
      scorerConfig("beta", { n_attributes: n, n_iterations: 5 }),
    );
    const explainer = await TrialExplainer.open(gpu, scorer, { sides, pairs });
    try {
      const all = await explainer.contributions();
      const k = 4;
      for (const [start, count] of [[0, explainer.nTrials], [55, 40], [explainer.nTrials - 1, 1]]) {
        const top = await explainer.top(k, { start, count });
        for (let i = 0; i < count; i++) {
          const t = start + i;
          const want = topContributions(all.subarray(t * n, (t + 1) * n), k);
          const list = (side: number) =>
            Array.from({ length: k }, (_, r) => (t - start) * 2 * k + side * k + r)
              .filter((j) => top.attributes[j] >= 0)
              .map((j) => ({ attribute: top.attributes[j], llr: top.llrs[j] }));
          assertEquals({ for: list(0), against: list(1) }, want, `trial ${t} seed ${seed}`);
        }
      }
      await assertRejects(() => explainer.top(33), RangeError, "k=33");
      await assertRejects(() => explainer.top(2, { start: 200, count: 5 }), RangeError, "outside");
    } finally {
      explainer.release();
    }
  },
});

Deno.test({
  name: "scoreTrials() scores aligned count lists, summed sides and K = 3 categories",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 40;
    const K = 3;
    // A referential of 3 categories per attribute.
    const ref = new Float32Array(25 * n * K);
    for (let i = 0; i < 25 * n; i++) {
      const total = 1 + rng.int(0, 60);
      const a = rng.int(0, total + 1);
      const b = rng.int(0, total - a + 1);
      ref.set([a, b, total - a - b], K * i);
    }
    const scorer = await fitScorer(
      gpu,
      ref,
      scorerConfig("beta", { n_attributes: n, K, n_iterations: 15 }),
    );
    const nTrials = 9;
    const enrol = new Float32Array(nTrials * n * K).map(() => rng.int(0, 4));
    const test = new Float32Array(nTrials * n * K).map(() => rng.int(0, 4));
    const scores = await scoreTrials(gpu, scorer, { enrol, test });
    const sides = new Float32Array(2 * nTrials * n * K);
    sides.set(enrol);
    sides.set(test, enrol.length);
    const pairs = Array.from(
      { length: 2 * nTrials },
      (_, i) => (i % 2 === 0 ? i / 2 : nTrials + (i - 1) / 2),
    );
    const p = scorer.params();
    assert(p.kind === "beta");
    const ref64 = scoringBetaAttrLlrRef(sides, { pairs, alpha: p.alpha, nAttr: n, nCat: K });
    assertClose(scores, rowSums(ref64, n), { atol: 1e-4 }, `seed ${seed}`);
    const one = await explainTrial(gpu, scorer, {
      enrol: enrol.subarray(0, n * K),
      test: test.subarray(0, n * K),
    });
    assertClose(one, ref64.subarray(0, n), { atol: 1e-5 }, `explainTrial seed ${seed}`);
  },
});

Deno.test({
  name: "scoreTrialPairs() keeps trial order across chunks of the per-attribute and cosine paths",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 512;
    const sides = randomMixedSides(rng, 6, 6, n, 4);
    // 8200 trials exceed the 8192-trial chunk; single and summed trials interleave.
    const pairs = randomPairs(rng, 8200, 12);
    const cosine = await scorerFromState(gpu, new Map(), scorerConfig("cosine"));
    const c = await scoreTrialPairs(gpu, cosine, { sides, pairs });
    assertClose(c, scoringCosineTrialsRef(sides, { pairs, nAttr: n, nCat: 2, dim: 1, eps: 1e-8 }), {
      atol: 1e-6,
    }, `cosine seed ${seed}`);
    const ref = randomReferential(rng, { nSpeakers: 20, nAttr: n, maxRecordings: 30 });
    const maxllr = await fitScorer(gpu, ref, scorerConfig("maxllr", { n_iterations: 5 }));
    const s = await scoreTrialPairs(gpu, maxllr, { sides, pairs });
    const p = maxllr.params();
    assert(p.kind === "maxllr");
    const expected = rowSums(
      scoringMaxllrAttrLlrRef(sides, { pairs, params: p.params, nAttr: n }),
      n,
    );
    assertClose(s, expected, { atol: 1e-4 }, `maxllr seed ${seed}`);
    // Each distinct (enrolment, test) pair must give one score wherever it sits.
    const seen = new Map<string, number>();
    for (let t = 0; t < 8200; t++) {
      const key = `${pairs[2 * t]},${pairs[2 * t + 1]}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, s[t]);
      else assertClose([s[t]], [first], { atol: 1e-9 }, `trial ${t} seed ${seed}`);
    }
    assertEquals(seen.size, 144);
  },
});

Deno.test({
  name: "scoreTrialPairs() rejects bad counts, out-of-range sides and summed sides for dna",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const rng = new Rng(5);
    const n = 32;
    const ref = randomReferential(rng, { nSpeakers: 10, nAttr: n, maxRecordings: 5 });
    const dna = await fitScorer(gpu, ref, scorerConfig("dna", { n_attributes: n }));
    const sides = randomMixedSides(rng, 2, 1, n, 3);
    sides[2 * n * 2 + 1] = 2; // side 2 certainly sums several recordings
    await assertRejects(
      () =>
        scoreTrialPairs(gpu, dna, {
          sides,
          pairs: [0, 1, 1, 2],
          describeSide: (i) => `cell "id${i}"`,
        }),
      RangeError,
      'dna scorer scores one recording per side (as upstream); trial 1: cell "id2" is not a single',
    );
    await assertRejects(
      () => scoreTrialPairs(gpu, dna, { sides, pairs: [0, 3] }),
      RangeError,
      "test side 3 outside [0, 3)",
    );
    const bad = sides.slice();
    bad[7] = NaN;
    await assertRejects(
      () => scoreTrialPairs(gpu, dna, { sides: bad, pairs: [0, 1] }),
      RangeError,
      "side #0 holds NaN",
    );
    await assertRejects(
      () =>
        scoreTrials(gpu, dna, { enrol: new Float32Array(2 * n), test: new Float32Array(3 * n) }),
      RangeError,
      "must both be",
    );
    const cos = await scorerFromState(gpu, new Map(), scorerConfig("cosine", { n_attributes: n }));
    await assertRejects(
      () => explainTrialPairs(gpu, cos, { sides, pairs: [0, 1] }),
      Error,
      "do not decompose",
    );
    const empty = await scoreTrialPairs(gpu, dna, { sides, pairs: [] });
    assertEquals(empty.length, 0);
  },
});
