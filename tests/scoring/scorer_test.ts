import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { createScorer, fitScorer, scorerFromState } from "../../src/scoring/scorer.ts";
import { loadScorer, openScorer, saveScorer } from "../../src/scoring/checkpoint.ts";
import { scoreTrialPairs } from "../../src/scoring/score_trials.ts";
import { LLR_CLAMP } from "../../src/scoring/fit_reference_llr.ts";
import { scoringTableTrialsRef } from "../../src/reference/scoring_table_trials.ts";
import { scoringMaxllrAttrLlrRef } from "../../src/reference/scoring_maxllr_attr_llr.ts";
import { scorerConfig } from "./_configs.ts";
import { randomBaSides, randomPairs, randomReferential } from "./_counts.ts";

const DATA = new URL("../testdata/scoring/", import.meta.url);

Deno.test({
  name: "scoreTrialPairs() refuses an unfitted scorer",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    for (const name of ["beta", "dna", "speech", "maxllr"] as const) {
      const scorer = createScorer(scorerConfig(name));
      assert(!scorer.fitted);
      await assertRejects(
        () => scoreTrialPairs(gpu, scorer, { sides: new Float32Array(1024), pairs: [0, 0] }),
        Error,
        `${name} scorer has no fitted parameters`,
      );
    }
    assert(createScorer(scorerConfig("cosine")).fitted, "cosine needs no fitting");
  },
});

Deno.test({
  name: "fitScorer() rejects a referential of the wrong shape, bad counts, one speaker and cosine",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    await assertRejects(
      () => fitScorer(gpu, new Float32Array(1000), scorerConfig("beta")),
      RangeError,
      "scorer.n_attributes=512, scorer.K=2",
    );
    await assertRejects(
      () => fitScorer(gpu, new Float32Array(1024).fill(1), scorerConfig("dna")),
      RangeError,
      "at least 2",
    );
    const ref = new Float32Array(3 * 1024).fill(1);
    ref[1024 + 5] = -2;
    await assertRejects(
      () => fitScorer(gpu, ref, scorerConfig("maxllr")),
      RangeError,
      "referential row (speaker #1) holds negative counts",
    );
    await assertRejects(
      () => fitScorer(gpu, ref, scorerConfig("cosine")),
      Error,
      "needs no fitting",
    );
    assertThrows(
      () => createScorer(scorerConfig("maxllr", { p: 0.1, q: 0.2 })),
      RangeError,
      "p must be greater than q",
    );
    assertThrows(() => createScorer(scorerConfig("cosine", { dim: 0 })), RangeError, "dim=0");
    assertThrows(() => createScorer(scorerConfig("beta", { K: 9 })), RangeError, "K=9");
  },
});

Deno.test({
  name: "fitScorer() with a tolerance stops early and reports convergence",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const ref = randomReferential(new Rng(seed), { nSpeakers: 40, nAttr: 64, maxRecordings: 200 });
    const base = { n_attributes: 64, n_iterations: 2000 };
    // Attributes whose MLE runs off to alpha -> infinity (less spread than a binomial) slow
    // down like 1/k, so a loose tolerance is what real referentials reach.
    const beta = await fitScorer(gpu, ref, scorerConfig("beta", { ...base, tol: 1e-2 }));
    const r = beta.report!;
    assert(
      r.converged === true && r.iterations < 2000 && r.finalChange! < 1e-2,
      `beta ${JSON.stringify(r)} seed ${seed}`,
    );
    const strict = await fitScorer(
      gpu,
      ref,
      scorerConfig("beta", { n_attributes: 64, n_iterations: 30, tol: 1e-9 }),
    );
    assert(
      strict.report!.converged === false && strict.report!.finalChange! >= 1e-9,
      `seed ${seed}`,
    );
    assertEquals(strict.report!.iterations, 30);
    const plain = await fitScorer(
      gpu,
      ref,
      scorerConfig("beta", { n_attributes: 64, n_iterations: 3 }),
    );
    assertEquals(plain.report!.iterations, 3);
    assertEquals(plain.report!.converged, null);
    // EM: converged exactly when the largest last change is below tol.
    const maxllr = await fitScorer(gpu, ref, {
      ...scorerConfig("maxllr", { ...base, n_iterations: 300 }),
      tol: 1e-4,
    });
    const m = maxllr.report!;
    assert(
      m.iterations <= 300 && m.converged === m.finalChange! < 1e-4,
      `maxllr ${JSON.stringify(m)} seed ${seed}`,
    );
  },
});

Deno.test({
  name: "saveScorer() writes upstream's buffer names and loadScorer() restores the same scores",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const nAttr = 48;
    const ref = randomReferential(rng, { nSpeakers: 30, nAttr, maxRecordings: 50 });
    const sides = randomBaSides(rng, 12, nAttr);
    const pairs = randomPairs(rng, 40, 12);
    const dir = await Deno.makeTempDir();
    const names = {
      beta: ["alpha"],
      dna: ["typicality", "dropout", "llrs"],
      speech: ["typicality", "dropout", "llrs"],
      maxllr: ["f", "p", "q"],
    };
    try {
      for (const [name, keys] of Object.entries(names) as Array<[keyof typeof names, string[]]>) {
        const config = scorerConfig(name, { n_attributes: nAttr, n_iterations: 20 });
        const scorer = await fitScorer(gpu, ref, config);
        const path = `${dir}/${name}.pt`;
        await saveScorer(path, scorer);
        const state = await readStateDict(path);
        assertEquals([...state.keys()], keys);
        if (name === "maxllr") assertEquals(state.get("f")!.dtype, "float64");
        const loaded = await loadScorer(gpu, path, config);
        const a = await scoreTrialPairs(gpu, scorer, { sides, pairs });
        const b = await scoreTrialPairs(gpu, loaded, { sides, pairs });
        // MaxLLR reloads f, p, q (exact pairs) and recomputes their logs in f32.
        assertClose(b, a, { atol: name === "maxllr" ? 2e-5 : 0 }, `${name} seed ${seed}`);
        await assertRejects(
          () => loadScorer(gpu, path, scorerConfig(name, { n_attributes: 64 })),
          RangeError,
          `${path}: "${keys[0]}" has shape`,
        );
      }
      await assertRejects(
        () => loadScorer(gpu, `${dir}/beta.pt`, scorerConfig("dna", { n_attributes: nAttr })),
        Error,
        'no "typicality" tensor',
      );
      await assertRejects(
        () => loadScorer(gpu, `${dir}/missing.pt`, scorerConfig("beta")),
        Error,
        "missing.pt",
      );
      const opened = await openScorer(
        gpu,
        scorerConfig("beta", { n_attributes: nAttr, checkpoint_path: `${dir}/beta.pt` }),
      );
      assert(opened.fitted, "openScorer() loads checkpoint_path");
      assert(!(await openScorer(gpu, scorerConfig("beta"))).fitted, "no checkpoint_path: unfitted");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "loadScorer() reads upstream torch.save checkpoints and clamps their infinite log-LRs",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const n = 16;
    const dna = await loadScorer(
      gpu,
      new URL("dna_scorer_n16.pt", DATA).pathname,
      scorerConfig("dna", { n_attributes: n }),
    );
    const p = dna.params();
    assert(p.kind === "dna");
    assertEquals(p.llrs[2 * n + 2 * 3 + 1], LLR_CLAMP);
    assertEquals(p.llrs[2 * 5 + 1], -LLR_CLAMP);
    assertEquals(p.llrs[0 + 2 * 7], 0);
    const sides = randomBaSides(new Rng(3), 6, n);
    const pairs = randomPairs(new Rng(4), 20, 6);
    const scores = await scoreTrialPairs(gpu, dna, { sides, pairs });
    const bits = new Uint32Array(6);
    for (let s = 0; s < 6; s++) {
      for (let a = 0; a < n; a++) if (sides[(s * n + a) * 2]) bits[s] |= 1 << a;
    }
    const per = scoringTableTrialsRef(bits, { pairs, llrs: p.llrs, nAttr: n });
    const expected = Array.from(
      { length: 20 },
      (_, t) => per.subarray(t * n, (t + 1) * n).reduce((x, y) => x + y, 0),
    );
    assertClose(scores, expected, { atol: 1e-4 });

    const maxllr = await loadScorer(
      gpu,
      new URL("maxllr_scorer_n16.pt", DATA).pathname,
      scorerConfig("maxllr", { n_attributes: n }),
    );
    const state = await readStateDict(new URL("maxllr_scorer_n16.pt", DATA).pathname);
    const mp = maxllr.params();
    assert(mp.kind === "maxllr");
    const f64 = new Float64Array(12 * n);
    ["f", "p", "q"].forEach((k, j) => {
      const v = state.get(k)!.data as Float64Array;
      for (let a = 0; a < n; a++) f64.set([Math.log(v[a]), Math.log1p(-v[a])], 12 * a + 2 * j);
    });
    // Logs of float64 p close to 1 keep their digits (1 - p down to 3e-6).
    assertClose(mp.params.filter((_, i) => i % 12 < 6), f64.filter((_, i) => i % 12 < 6), {
      rtol: 3e-7,
      atol: 1e-7,
    });
    const s = await scoreTrialPairs(gpu, maxllr, { sides, pairs });
    const ref = scoringMaxllrAttrLlrRef(sides, { pairs, params: f64, nAttr: n });
    assertClose(
      s,
      Array.from(
        { length: 20 },
        (_, t) => ref.subarray(t * n, (t + 1) * n).reduce((x, y) => x + y, 0),
      ),
      { atol: 1e-4 },
    );

    const beta = await loadScorer(
      gpu,
      new URL("beta_scorer_n16.pt", DATA).pathname,
      scorerConfig("beta", { n_attributes: n }),
    );
    assertEquals(beta.state().get("alpha")!.shape, [n, 2]);
    await assertRejects(
      () => loadScorer(gpu, new URL("beta_scorer_n16.pt", DATA).pathname, scorerConfig("beta")),
      RangeError,
      'beta_scorer_n16.pt: "alpha" has shape [16, 2], expected [512, 2] (scorer.n_attributes=512, scorer.K=2)',
    );
  },
});

Deno.test({
  name: "scorerFromState() rejects non-positive alpha and f, p, q outside [0, 1]",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const alpha = new Float32Array(4).fill(1);
    alpha[2] = 0;
    await assertRejects(
      () =>
        scorerFromState(
          gpu,
          new Map([["alpha", { dtype: "float32", shape: [2, 2], data: alpha }]]),
          { ...scorerConfig("beta", { n_attributes: 2 }), source: "x.pt" },
        ),
      RangeError,
      "x.pt: alpha[1] is 0",
    );
    const f = { dtype: "float64" as const, shape: [2], data: new Float64Array([0.5, 1.5]) };
    await assertRejects(
      () =>
        scorerFromState(
          gpu,
          new Map([["f", f], ["p", f], ["q", f]]),
          scorerConfig("maxllr", { n_attributes: 2 }),
        ),
      RangeError,
      "f[1] is 1.5",
    );
  },
});
