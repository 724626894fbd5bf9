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
} from "../../src/scoring/score_trials.ts";
import { scoringBetaAttrLlrRef } from "../../src/reference/scoring_beta_attr_llr.ts";
import { scoringCosineTrialsRef } from "../../src/reference/scoring_cosine_trials.ts";
import { scoringMaxllrAttrLlrRef } from "../../src/reference/scoring_maxllr_attr_llr.ts";
import { scorerConfig } from "./_configs.ts";
import { randomBaSides, randomPairs, randomReferential, randomSummedSides } from "./_counts.ts";

const rowSums = (x: Float64Array, n: number) =>
  Array.from(
    { length: x.length / n },
    (_, t) => x.subarray(t * n, (t + 1) * n).reduce((a, b) => a + b, 0),
  );

Deno.test({
  name: "scoreTrialPairs() gives the same scores on the table path and the per-attribute path",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 96;
    const ref = randomReferential(rng, { nSpeakers: 30, nAttr: n, maxRecordings: 100 });
    const single = randomBaSides(rng, 10, n);
    // Scores take the table path; explanations of beta and maxllr the per-attribute kernels.
    const pairs = randomPairs(rng, 50, 10);
    for (const name of ["beta", "maxllr"] as const) {
      const scorer = await fitScorer(
        gpu,
        ref,
        scorerConfig(name, { n_attributes: n, n_iterations: 10 }),
      );
      const fast = await scoreTrialPairs(gpu, scorer, { sides: single, pairs });
      const explained = await explainTrialPairs(gpu, scorer, { sides: single, pairs });
      assertClose(
        fast,
        rowSums(explained, n),
        { atol: 2e-5 },
        `${name} table vs attributes seed ${seed}`,
      );
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
    const sides = new Float32Array([
      ...randomBaSides(rng, 6, n),
      ...randomSummedSides(rng, 6, n, 4),
    ]);
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
    const sides = new Float32Array([
      ...randomBaSides(rng, 2, n),
      ...randomSummedSides(rng, 1, n, 3),
    ]);
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
