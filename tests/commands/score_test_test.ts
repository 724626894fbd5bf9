import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { loadDataset } from "../../src/data/dataset.ts";
import { METRIC_KEYS, readTrials, type Trials } from "../../src/data/trials.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import type { Scorer } from "../../src/scoring/scorer.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { writeStateDict } from "../../src/io/torch_checkpoint.ts";
import { readVectorFile, writeVectorFile } from "../../src/io/vector_file.ts";
import { EXPLANATION_COLUMNS, explanationCsvLines } from "../../src/scoring/explanations.ts";
import { scoreTrials } from "../../src/scoring/score_trials.ts";
import { fitScorerOnDataset } from "../../src/commands/score_train.ts";
import {
  explainTrials,
  type ScoredTrials,
  scoreTrialsFile,
} from "../../src/commands/score_test.ts";
import { writeExplanations } from "../../src/commands/scoring_explain.ts";
import { scorerConfig } from "../scoring/_configs.ts";
import { xmlRoot } from "./_xml.ts";
import {
  type BaDataset,
  balr,
  exists,
  makeBaDataset,
  missingData,
  readCsv,
} from "./_ba_dataset.ts";

const SKIP = missingData();
if (SKIP) console.warn(`%c${SKIP}`, "color: yellow");

const FOUR_DECIMALS = /^-?\d+\.\d{4}$/;

/** Trains `name` on the dataset's train.csv and returns the scorer.pt path. */
async function train(data: BaDataset, name: string): Promise<string> {
  const saveDir = join(data.dir, "runs", `train_${name}`);
  const r = await balr(
    ["score", "train", data.train, `scorer=${name}`, "--save-dir", saveDir],
    data.dir,
  );
  assertEquals(r.code, 0, r.err);
  return join(saveDir, "scorer.pt");
}

function lines(path: string): string[][] {
  return Deno.readTextFileSync(path).trimEnd().split("\n").map((l) => l.split("\t"));
}

Deno.test({
  name: "runScoreTest() scores the VoxCeleb2 trials with each scorer and writes every output",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    const trials = lines(data.trials);
    for (const name of ["beta", "dna", "speech", "maxllr", "cosine"]) {
      const what = `${name} (seed ${seed})`;
      const saveDir = join(data.dir, "runs", `score_${name}`);
      const args = [
        "score",
        "test",
        data.test,
        data.trials,
        `scorer=${name}`,
        "--save-dir",
        saveDir,
      ];
      if (name !== "cosine") {
        args.push(`scorer.checkpoint_path=${await train(data, name)}`);
        args.push("--explain", "5", "--explain-plots", "2");
      }
      const r = await balr(args, data.dir);
      assertEquals(r.code, 0, `${what}: ${r.err}`);
      assert(r.out.includes("EER ") && r.out.includes("Cllr_min"), `${what}: ${r.out}`);

      const scores = lines(join(saveDir, "scores.csv"));
      assertEquals(scores[0], [...trials[0], "scores"], `${what} header`);
      assertEquals(scores.length, trials.length, `${what} rows`);
      scores.slice(1).forEach((row, i) => {
        assertEquals(row.slice(0, 2), trials[i + 1], `${what} row ${i}`);
        assert(FOUR_DECIMALS.test(row[2]), `${what} row ${i}: score "${row[2]}"`);
      });

      const metrics = JSON.parse(Deno.readTextFileSync(join(saveDir, "metrics.json")));
      assertEquals(Object.keys(metrics).slice(0, METRIC_KEYS.length), [...METRIC_KEYS], what);
      assertEquals([metrics.n_target, metrics.n_nontarget], [9, 9], what);
      assert(metrics.EER < 0.2, `${what}: EER ${metrics.EER}`);
      for (const plot of ["det.svg", "tippett.svg"]) {
        assertEquals(xmlRoot(Deno.readTextFileSync(join(saveDir, plot))), "svg", `${what} ${plot}`);
      }
      if (name === "cosine") {
        assert(!exists(join(saveDir, "explanations.csv")), "cosine has no explanations");
        continue;
      }
      const explained = lines(join(saveDir, "explanations.csv"));
      assertEquals(explained[0], [...EXPLANATION_COLUMNS], `${what} explanations header`);
      const rows = explained.slice(1);
      for (let t = 0; t < trials.length - 1; t++) {
        const mine = rows.filter((r) => r[0] === String(t));
        assert(mine.length >= 1 && mine.length <= 5, `${what} trial ${t}: ${mine.length} rows`);
        assertEquals(mine.map((r) => r[4]), mine.map((_, i) => String(i + 1)), `${what} ranks`);
        for (const r of mine) {
          assertEquals([r[1], r[2], r[3]], [...trials[t + 1], scores[t + 1][2]], `${what} ${t}`);
          if (r[6] !== "") assert(Number(r[6]) >= 0, `${what} trial ${t}: for_llr ${r[6]}`);
          if (r[8] !== "") assert(Number(r[8]) <= 0, `${what} trial ${t}: against_llr ${r[8]}`);
        }
      }
      for (const i of [0, 1]) {
        const svg = Deno.readTextFileSync(join(saveDir, "explain", `trial_${i}.svg`));
        assertEquals(xmlRoot(svg), "svg", `${what} trial_${i}.svg`);
      }
      assert(!exists(join(saveDir, "explain", "trial_2.svg")), `${what}: only 2 plots`);
    }
  },
});

/** The streamed CSV (top-k preselected) equals the plain writer fed every contribution. */
async function checkExplanationCsv(
  gpu: Gpu,
  scorer: Scorer,
  trials: Trials,
  result: ScoredTrials,
  saveDir: string,
): Promise<void> {
  const written = await writeExplanations(gpu, scorer, {
    trials,
    sides: result.sides,
    scores: result.scores,
    saveDir,
    k: 3,
    plots: 1,
    sep: "\t",
  });
  const contributions = await explainTrials(gpu, scorer, result.sides);
  const plain = explanationCsvLines(
    trials.rows.map((row, t) => ({
      trial: t,
      enrollment: row.raw[0],
      test: row.raw[1],
      score: result.scores[t],
      contributions: contributions.subarray(t * 512, (t + 1) * 512),
    })),
    { k: 3 },
  );
  assertEquals(Deno.readTextFileSync(written.csv!), plain.join("\n") + "\n", scorer.kind);
  assertEquals(written.plots, [join(saveDir, "explain", "trial_0.svg")]);
}

Deno.test({
  name:
    "scoreTrialsFile() sums comma-separated ids and explainTrials() contributions sum to the scores",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    // Every speaker's two training recordings, summed, against every test recording.
    const trainRows = readCsv(data.train);
    const testRows = readCsv(data.test);
    const speakers = [...new Set(trainRows.map((r) => r.speaker))];
    const enrol = speakers.map((s) => trainRows.filter((r) => r.speaker === s).map((r) => r.id));
    const text = ["enrollment\ttest"];
    for (const e of enrol) for (const t of testRows) text.push(`${e.join(",")}\t${t.id}`);
    const trialsPath = join(data.dir, "summed_trials.tsv");
    Deno.writeTextFileSync(trialsPath, text.join("\n") + "\n");
    const trials = await readTrials(trialsPath);
    const dataset = await loadDataset(data.metadata);
    const train = await loadDataset(data.train);

    const vector = async (id: string) =>
      (await readVectorFile(data.baPath(id))).data as Float32Array;
    const enrolCounts = new Float32Array(trials.rows.length * 1024);
    const testCounts = new Float32Array(trials.rows.length * 1024);
    for (const [t, row] of trials.rows.entries()) {
      for (const id of row.enrollment) {
        const v = await vector(id);
        for (let i = 0; i < 1024; i++) enrolCounts[t * 1024 + i] += v[i];
      }
      testCounts.set(await vector(row.test[0]), t * 1024);
    }
    for (const name of ["beta", "maxllr"] as const) {
      const what = `${name} (seed ${seed})`;
      const { scorer } = await fitScorerOnDataset(gpu, train, {
        scorer: scorerConfig(name, { n_iterations: 30 }),
      });
      const result = await scoreTrialsFile(gpu, scorer, { dataset, trials, concurrency: 2 });
      assertEquals(result.sides.nTrials, 81);
      // 27 recordings + 9 summed enrolment cells.
      assertEquals(result.sides.sides.length, (27 + 9) * 1024, `${what} sides`);
      const expected = await scoreTrials(gpu, scorer, { enrol: enrolCounts, test: testCounts });
      assertClose(result.scores, expected, { atol: 1e-6, rtol: 1e-9 }, `${what} scores`);
      assert(result.metrics && result.labels, `${what}: metrics`);
      assertEquals([result.metrics.n_target, result.metrics.n_nontarget], [9, 72]);
      assert(result.metrics.EER < 0.25, `${what}: EER ${result.metrics.EER}`);

      const contributions = await explainTrials(gpu, scorer, result.sides);
      const sums = Array.from(
        { length: 81 },
        (_, t) => contributions.subarray(t * 512, (t + 1) * 512).reduce((a, b) => a + b, 0),
      );
      assertClose(sums, result.scores, { atol: 1e-3, rtol: 1e-5 }, `${what} contribution sums`);
      const part = await explainTrials(gpu, scorer, { ...result.sides, start: 7, count: 10 });
      assertClose(part, contributions.subarray(7 * 512, 17 * 512), {}, `${what} range`);

      // Summed sides (per-attribute kernels) and single recordings (table path, many ties).
      const upstream = await readTrials(data.trials);
      const singles = await scoreTrialsFile(gpu, scorer, { dataset, trials: upstream });
      await checkExplanationCsv(gpu, scorer, trials, result, join(data.dir, `x_${name}`));
      await checkExplanationCsv(gpu, scorer, upstream, singles, join(data.dir, `y_${name}`));
    }
  },
});

Deno.test({
  name: "runScoreTest() without speaker labels writes scores only and says why",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const data = await makeBaDataset(freshSeed());
    const rows = readCsv(data.test);
    const csv = join(data.dir, "nospk.csv");
    Deno.writeTextFileSync(csv, `id,audio\n${rows.map((r) => `${r.id},${r.audio}`).join("\n")}\n`);
    const saveDir = join(data.dir, "runs", "nospk");
    const r = await balr(
      ["score", "test", csv, data.trials, "scorer=cosine", "--save-dir", saveDir],
      data.dir,
    );
    assertEquals(r.code, 0, r.err);
    assert(r.err.includes("warning: no metrics: 9 of the 9 ids"), r.err);
    assert(r.err.includes("have no speaker label"), r.err);
    assertEquals(lines(join(saveDir, "scores.csv")).length, 19);
    assert(!exists(join(saveDir, "metrics.json")) && !exists(join(saveDir, "det.svg")));
  },
});

Deno.test({
  name: "runScoreTest() refuses bad input with a message naming it and writes nothing",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    const beta = await train(data, "beta");
    const dna = await train(data, "dna");
    const trials = Deno.readTextFileSync(data.trials).split("\n");
    const file = (name: string, text: string) => {
      const path = join(data.dir, name);
      Deno.writeTextFileSync(path, text);
      return path;
    };
    const small = file("small.pt", "");
    await writeStateDict(small, { alpha: float32Tensor(new Float32Array(512).fill(1), [256, 2]) });
    const victim = readCsv(data.test)[2].id;
    const fitted = `scorer.checkpoint_path=${beta}`;
    const cases: Array<{ what: string; args: string[]; code?: number; message: string[] }> = [
      {
        what: "a trials file with one column",
        args: [file("one.tsv", "enrollment,test\nid03701/00077,id03701/00077\n"), fitted],
        message: ["one.tsv: line 1: one column only", "pass --sep"],
      },
      {
        what: "an empty trials file",
        args: [file("empty.tsv", ""), fitted],
        message: ["empty.tsv: trials file is empty"],
      },
      {
        what: "an id missing from the dataset",
        args: [
          file("missing.tsv", `${trials[0]}\n${trials[1]}\nid03701/00077\tid99999/00001\n`),
          fitted,
        ],
        message: ['missing.tsv: line 3: id "id99999/00001" is not in the test dataset'],
      },
      {
        what: "a cell whose ids mix speakers",
        args: [
          file("mixed.tsv", `${trials[0]}\nid03701/00077,id07417/00028\tid03184/00053\n`),
          fitted,
        ],
        message: ["mixed.tsv: line 2: the enrollment ids mix speakers", "id03701/00077 (id03701)"],
      },
      {
        what: "an unfitted scorer",
        args: [data.trials],
        code: 2,
        message: ["scorer=beta needs fitted parameters: set scorer.checkpoint_path"],
      },
      {
        what: "a missing checkpoint",
        args: [data.trials, `scorer.checkpoint_path=${join(data.dir, "nope.pt")}`],
        message: [`scorer checkpoint ${join(data.dir, "nope.pt")}`],
      },
      {
        what: "a checkpoint for another n_attributes",
        args: [data.trials, `scorer.checkpoint_path=${small}`],
        message: [`${small}: "alpha" has shape [256, 2], expected [512, 2]`],
      },
      {
        what: "--explain with cosine",
        args: [data.trials, "scorer=cosine", "--explain", "3"],
        code: 2,
        message: ["--explain: scorer=cosine cannot be explained"],
      },
      {
        what: "--explain 0",
        args: [data.trials, fitted, "--explain", "0"],
        code: 2,
        message: ["--explain must be an integer >= 1, got '0'"],
      },
      {
        what: "several ids per side with dna",
        args: [
          file("dna.tsv", `${trials[0]}\nid03701/00077\tid07417/00028,id03184/00053\n`),
          "scorer=dna",
          `scorer.checkpoint_path=${dna}`,
        ],
        message: ['dna.tsv: line 2: the test cell "id07417/00028,id03184/00053" lists 2 ids'],
      },
      {
        what: "a BA vector of the wrong shape",
        args: [data.trials, fitted],
        message: [`id ${victim}: ${data.baPath(victim)}: shape [512, 3]`, "used on"],
      },
    ];
    for (const c of cases) {
      if (c.what === "a BA vector of the wrong shape") {
        await writeVectorFile(data.baPath(victim), float32Tensor(new Float32Array(1536), [512, 3]));
      }
      const saveDir = join(data.dir, "runs", c.what.replaceAll(" ", "_"));
      const r = await balr(
        ["score", "test", data.test, ...c.args, "--save-dir", saveDir],
        data.dir,
      );
      assertEquals(r.code, c.code ?? 1, `${c.what}: ${r.err} (seed ${seed})`);
      for (const m of c.message) assert(r.err.includes(m), `${c.what}: "${m}" not in ${r.err}`);
      assert(!exists(saveDir), `${c.what}: ${saveDir} was created`);
    }
  },
});
