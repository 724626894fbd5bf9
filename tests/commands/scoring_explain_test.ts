import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Trials } from "../../src/data/trials.ts";
import { explainTrials, writeExplanations } from "../../src/commands/scoring_explain.ts";
import { explanationCsvLines } from "../../src/scoring/explanations.ts";
import { fitScorer } from "../../src/scoring/scorer.ts";
import { scoreTrialPairs } from "../../src/scoring/score_trials.ts";
import { scorerConfig } from "../scoring/_configs.ts";
import { randomMixedSides, randomPairs, randomReferential } from "../scoring/_counts.ts";

/** A trials table naming side i "s<i>" (summed sides as two ids), pairs as given. */
function trialsOf(pairs: Uint32Array, nSingle: number): Trials {
  const name = (s: number) => (s < nSingle ? `s${s}` : `s${s}a,s${s}b`);
  return {
    path: "trials.tsv",
    header: ["enrollment", "test"],
    enrollmentColumn: 0,
    testColumn: 1,
    rows: Array.from({ length: pairs.length / 2 }, (_, t) => {
      const raw = [name(pairs[2 * t]), name(pairs[2 * t + 1])];
      return { enrollment: raw[0].split(","), test: raw[1].split(","), raw, line: t + 2 };
    }),
  };
}

Deno.test({
  name:
    "writeExplanations() writes the CSV of every contribution, ranked on the GPU (k <= 32) or here (k > 32)",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const n = 64;
    const ref = randomReferential(rng, { nSpeakers: 20, nAttr: n, maxRecordings: 40 });
    const sides = randomMixedSides(rng, 6, 2, n, 10);
    const pairs = randomPairs(rng, 70, 8);
    const trials = trialsOf(pairs, 6);
    const dir = await Deno.makeTempDir({ prefix: "balr_explain_" });
    try {
      for (const name of ["beta", "maxllr"] as const) {
        const scorer = await fitScorer(
          gpu,
          ref,
          scorerConfig(name, { n_attributes: n, n_iterations: 5 }),
        );
        const scores = await scoreTrialPairs(gpu, scorer, { sides, pairs });
        const all = await explainTrials(gpu, scorer, { sides, pairs });
        // Comma-separated: summed cells ("s6a,s6b") must be quoted.
        for (const [k, sep] of [[3, ","], [40, "\t"]] as const) {
          const what = `${name} k=${k} seed ${seed}`;
          const saveDir = join(dir, `${name}_${k}`);
          const written = await writeExplanations(gpu, scorer, {
            trials,
            sides: { sides, pairs, describeSide: (i) => `side ${i}` },
            scores,
            saveDir,
            k,
            plots: 2,
            sep,
          });
          const plain = explanationCsvLines(
            trials.rows.map((row, t) => ({
              trial: t,
              enrollment: row.raw[0],
              test: row.raw[1],
              score: scores[t],
              contributions: all.subarray(t * n, (t + 1) * n),
            })),
            { k, sep },
          );
          assertEquals(Deno.readTextFileSync(written.csv!), plain.join("\n") + "\n", what);
          assertEquals(written.plots.length, 2, what);
          assert(Deno.readTextFileSync(written.plots[1]).startsWith("<svg"), what);
        }
        const plotsOnly = await writeExplanations(gpu, scorer, {
          trials,
          sides: { sides, pairs },
          scores,
          saveDir: join(dir, `${name}_plots`),
          k: null,
          plots: 1,
          sep: "\t",
        });
        assertEquals(plotsOnly.csv, null);
        assertEquals(plotsOnly.plots, [join(dir, `${name}_plots`, "explain", "trial_0.svg")]);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
