/**
 * `deno task demo` / `balr demo`: BA-LR end to end with nothing downloaded.
 *
 * A seeded synthetic speaker population is split by speaker into four
 * disjoint sets: BAE training, BAE validation, a reference population (the
 * scorers' referential) and held-out test speakers. The demo trains a BAE,
 * binarizes the reference and test recordings, fits every LLR scorer on the
 * reference, scores a held-out trial list (first recording of each test
 * speaker against every other recording) and prints EER, minDCF, Cllr and
 * Cllr_min per scorer next to cosine scoring of the raw embeddings — the
 * comparison the BA-LR papers make. Scores, metrics, DET/Tippett plots and
 * explanations of a few trials go to the run folder.
 *
 * With `embeddings.model.model_dir=...` the demo also extracts embeddings
 * from an audio folder (`--audio DIR`, default ../shared/data/voxceleb when
 * present) and binarizes them with the trained BAE.
 * @module
 */
import { join } from "node:path";
import type { DemoRequest } from "../cli/handlers.ts";
import { resolveConfig } from "../config/resolve_config.ts";
import { toYaml } from "../config/mod.ts";
import type { BalrConfig, ScorerConfig, ScorerName } from "../config/types.ts";
import { incrementSaveDir } from "../data/save_paths.ts";
import { syntheticPopulation } from "../data/synthetic_population.ts";
import { readTrials, writeMetrics, writeScores } from "../data/trials.ts";
import { type Gpu, openGpu } from "../gpu/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { binarizeEmbeddings, loadBae, trainBae } from "../binary/mod.ts";
import { loadDataset } from "../data/dataset.ts";
import { loadEmbeddingModel } from "../embeddings/mod.ts";
import { float32Tensor, toFloat32 } from "../io/host_tensor.ts";
import { readVectorFile, writeVectorFile } from "../io/vector_file.ts";
import { extractDataset, featureOptions } from "./extract.ts";
import { reportVectorBatch } from "./vector_batch.ts";
import {
  buildReferential,
  computeMetrics,
  cosineScorePairs,
  createScorer,
  detCurve,
  explainTrialPairs,
  fitScorer,
  type Metrics,
  saveScorer,
  type Scorer,
  scoreTrialPairs,
  splitByLabel,
  writeExplanationCsv,
} from "../scoring/mod.ts";
import { detPlotSvg } from "../report/det_plot.ts";
import { tippettPlotSvg } from "../report/tippett_plot.ts";
import { explanationPlotSvg } from "../report/explanation_plot.ts";
import { lineChart, type LineSeries } from "../report/svg_chart.ts";
import { formatDuration } from "../report/progress.ts";

/** Population sizes of a demo run. */
export interface DemoSize {
  /** Speakers of the BAE training set. */
  trainSpeakers: number;
  /** Speakers of the BAE validation set (disjoint from the others). */
  valSpeakers: number;
  /** Speakers of the reference population the LLR scorers are fitted on. */
  referenceSpeakers: number;
  /** Held-out speakers the trials are drawn from. */
  testSpeakers: number;
  /** Recordings per speaker in the BAE training/validation sets. */
  trainUtterances: number;
  /** Recordings per speaker in the reference and test sets. */
  utterances: number;
  /** Training epochs (unless `trainer.epochs=` is given). */
  epochs: number;
  /** N of the N × M training batches: speakers per batch. */
  classesPerBatch: number;
  /** M of the N × M training batches: recordings per speaker in a batch. */
  samplesPerClass: number;
}

/**
 * How hard the synthetic task is: speaker means in an 8-dimensional
 * subspace and strong session noise put cosine scoring of the raw
 * embeddings at a few percent EER, roughly where real systems sit.
 */
export const DEMO_POPULATION = { speakerDim: 8, sessionNoise: 1.4 } as const;

/** The built-in sizes: `small` for tests, `default` for the README command. */
export const DEMO_SIZES: Readonly<Record<"small" | "default" | "large", DemoSize>> = {
  small: {
    trainSpeakers: 64,
    valSpeakers: 16,
    referenceSpeakers: 64,
    testSpeakers: 32,
    trainUtterances: 8,
    utterances: 6,
    epochs: 4,
    classesPerBatch: 16,
    samplesPerClass: 4,
  },
  default: {
    trainSpeakers: 400,
    valSpeakers: 48,
    referenceSpeakers: 300,
    testSpeakers: 150,
    trainUtterances: 16,
    utterances: 10,
    epochs: 20,
    classesPerBatch: 32,
    samplesPerClass: 16,
  },
  large: {
    trainSpeakers: 2000,
    valSpeakers: 200,
    referenceSpeakers: 1000,
    testSpeakers: 500,
    trainUtterances: 32,
    utterances: 12,
    epochs: 30,
    classesPerBatch: 32,
    samplesPerClass: 16,
  },
};

/** The LLR scorers the demo fits, in table order. */
export const DEMO_SCORERS: readonly ScorerName[] = ["beta", "dna", "speech", "maxllr", "cosine"];

/** One row of the demo's table. */
export interface DemoRow {
  /** "beta", …, "cosine (BA counts)", "cosine (embeddings)". */
  name: string;
  /** Metrics of this row's scores on the held-out trials. */
  metrics: Metrics;
}

/** What {@link runDemoPipeline} needs. */
export interface DemoOptions {
  /** Population sizes (a DEMO_SIZES entry or your own). */
  size: DemoSize;
  /** Seed of the population (training uses `config.trainer.seed`). */
  seed?: number;
  /** Run configuration (trainer, data, scorer settings). */
  config: BalrConfig;
  /** Use `config.trainer.epochs` instead of the size's epochs. */
  keepConfigEpochs?: boolean;
  /** Run folder (created; not incremented here). */
  saveDir: string;
  /** Trials explained in explanations.csv and as bar charts (default 4). */
  explain?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Stops training early (Ctrl-C). */
  signal?: AbortSignal;
}

/** Outcome of a demo run. */
export interface DemoResult {
  /** One row per scorer, in table order (see {@link DEMO_SCORERS}), then the embedding baseline. */
  rows: DemoRow[];
  /** The run folder the files were written to. */
  saveDir: string;
  /** Trials scored (targets + non-targets). */
  trials: number;
  /** Target (same-speaker) trials among them. */
  targets: number;
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/**
 * Runs the whole demo pipeline on the GPU and writes its files.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const result = await runDemoPipeline(gpu, {
 *   size: DEMO_SIZES.small, config: resolveConfig(), saveDir: "runs/demo",
 * });
 * console.log(formatDemoTable(result.rows));
 * ```
 */
export async function runDemoPipeline(gpu: Gpu, options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const { size, config } = options;
  const seed = options.seed ?? 1234;
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    timings[stage] = (performance.now() - t0) / 1000;
    return out;
  };
  await Deno.mkdir(options.saveDir, { recursive: true });

  // 1. One population, split by speaker into four disjoint sets.
  const sets = splitPopulation(size, seed, config.trainer.input_dim);
  log(
    `population: ${sets.train.speakers.length / size.trainUtterances} training, ` +
      `${sets.val.speakers.length / size.trainUtterances} validation, ` +
      `${sets.reference.speakers.length / size.utterances} reference and ` +
      `${sets.test.speakers.length / size.utterances} test speakers`,
  );

  // 2. Train the BAE.
  const trainConfig = {
    trainer: {
      ...config.trainer,
      epochs: options.keepConfigEpochs ? config.trainer.epochs : size.epochs,
      val_period: Math.max(1, Math.min(config.trainer.val_period, size.epochs)),
    },
    data: {
      ...config.data,
      sampler: "balr.samplers.nxm_samplers.RandomNxMSampler",
      N_classes_per_batch: size.classesPerBatch,
      M_samples_per_class: size.samplesPerClass,
      batch_size: size.classesPerBatch * size.samplesPerClass,
    },
  };
  const trained = await timed(
    "train BAE",
    () =>
      trainBae(gpu, { train: sets.train, val: sets.val }, trainConfig, {
        saveDir: join(options.saveDir, "bae"),
        signal: options.signal,
      }),
  );
  if (trained.aborted) throw new Error(`demo interrupted; the BAE so far is in ${trained.saveDir}`);
  log(`BAE trained: ${trained.epochs} epochs, checkpoints in ${trained.saveDir}`);

  // 3. Binarize the reference and test recordings.
  const [refBits, testBits] = await timed("binarize", async () => [
    (await binarizeEmbeddings(gpu, trained.weights, sets.reference.embeddings, { ba: true })).ba!,
    (await binarizeEmbeddings(gpu, trained.weights, sets.test.embeddings, { ba: true })).ba!,
  ]);

  // 4. Held-out trials: first recording of each test speaker against every other one.
  const trials = demoTrials(sets.test.speakers, size.utterances);
  const trialsPath = join(options.saveDir, "trials.csv");
  await writeFileAtomic(
    trialsPath,
    "enrollment\ttest\n" +
      trials.pairs.reduce(
        (s, _, i) =>
          i % 2
            ? s
            : `${s}${sets.test.ids[trials.pairs[i]]}\t${sets.test.ids[trials.pairs[i + 1]]}\n`,
        "",
      ),
  );
  const trialsFile = await readTrials(trialsPath, { sep: "\t" });

  // 5. Fit every scorer on the reference speakers, score, measure.
  const { index: refSpeakers, count: nRefSpeakers } = indexSpeakers(sets.reference.speakers);
  const referential = await timed("referential", () =>
    buildReferential(gpu, refBits, {
      speakers: refSpeakers,
      nSpeakers: nRefSpeakers,
      nAttributes: config.trainer.internal_dim,
    }));
  const rows: DemoRow[] = [];
  const allScores = new Map<string, ArrayLike<number>>();
  const scorers = new Map<string, Scorer>();
  for (const name of DEMO_SCORERS) {
    const scorerConfig = scorerConfigFor(name, config);
    const scorer = name === "cosine"
      ? createScorer(scorerConfig)
      : await timed(`fit ${name}`, () => fitScorer(gpu, referential, scorerConfig));
    const scores = await timed(
      `score ${name}`,
      () => scoreTrialPairs(gpu, scorer, { sides: testBits, pairs: trials.pairs }),
    );
    const label = name === "cosine" ? "cosine (BA counts)" : name;
    rows.push({ name: label, metrics: computeMetrics(scores, trials.labels) });
    allScores.set(label, scores);
    scorers.set(name, scorer);
    const dir = join(options.saveDir, name);
    if (name !== "cosine") await saveScorer(join(dir, "scorer.pt"), scorer);
    await writeScoredTrials(dir, trialsFile, scores, trials.labels, label);
  }
  const raw = await timed(
    "score cosine (embeddings)",
    () =>
      cosineScorePairs(gpu, sets.test.embeddings, {
        dim: config.trainer.input_dim,
        pairs: trials.pairs,
      }),
  );
  rows.push({ name: "cosine (embeddings)", metrics: computeMetrics(raw, trials.labels) });
  allScores.set("cosine (embeddings)", raw);
  await writeScoredTrials(
    join(options.saveDir, "cosine_embeddings"),
    trialsFile,
    raw,
    trials.labels,
    "cosine (embeddings)",
  );

  // 6. Explanations of a few trials (beta), and one DET plot with every system.
  await explainSome(gpu, scorers.get("beta")!, {
    dir: join(options.saveDir, "explanations"),
    trialsFile,
    sides: testBits,
    pairs: trials.pairs,
    labels: trials.labels,
    count: options.explain ?? 4,
  });
  await writeFileAtomic(
    join(options.saveDir, "det_all.svg"),
    detAllSvg(rows, allScores, trials.labels),
  );
  await writeFileAtomic(join(options.saveDir, "summary.md"), formatDemoTable(rows) + "\n");
  await writeFileAtomic(
    join(options.saveDir, "summary.json"),
    JSON.stringify(
      { rows, timings, trials: trials.labels.length, targets: trials.targets },
      null,
      2,
    ),
  );
  await writeFileAtomic(join(options.saveDir, "config.yaml"), toYaml(config));
  return {
    rows,
    saveDir: options.saveDir,
    trials: trials.labels.length,
    targets: trials.targets,
    timings,
  };
}

interface PopulationSplit {
  ids: string[];
  speakers: string[];
  embeddings: Float32Array;
  labels: string[];
}

function splitPopulation(size: DemoSize, seed: number, dim: number) {
  const make = (speakers: number, utterances: number, prefix: string, offset: number) => {
    const p = syntheticPopulation({
      speakers,
      utterancesPerSpeaker: utterances,
      dim,
      seed: seed + offset,
      speakerPrefix: prefix,
      ...DEMO_POPULATION,
    });
    return { ids: p.ids, speakers: p.speakers, embeddings: p.embeddings, labels: p.speakers };
  };
  // Different seeds and prefixes: the four sets share no speaker.
  return {
    train: make(size.trainSpeakers, size.trainUtterances, "train", 0),
    val: make(size.valSpeakers, size.trainUtterances, "val", 1),
    reference: make(size.referenceSpeakers, size.utterances, "ref", 2),
    test: make(size.testSpeakers, size.utterances, "test", 3),
  } satisfies Record<string, PopulationSplit>;
}

function indexSpeakers(speakers: readonly string[]): { index: Int32Array; count: number } {
  const map = new Map<string, number>();
  const index = new Int32Array(speakers.length);
  speakers.forEach((s, i) => {
    if (!map.has(s)) map.set(s, map.size);
    index[i] = map.get(s)!;
  });
  return { index, count: map.size };
}

/** Enrolment = first recording of each speaker; tests = every other recording of every speaker. */
function demoTrials(speakers: readonly string[], perSpeaker: number) {
  const enrol: number[] = [];
  const tests: number[] = [];
  for (let i = 0; i < speakers.length; i++) {
    if (i % perSpeaker === 0) enrol.push(i);
    else tests.push(i);
  }
  const pairs: number[] = [];
  const labels: number[] = [];
  let targets = 0;
  for (const e of enrol) {
    for (const t of tests) {
      pairs.push(e, t);
      const same = speakers[e] === speakers[t] ? 1 : 0;
      labels.push(same);
      targets += same;
    }
  }
  return { pairs: Uint32Array.from(pairs), labels: Uint8Array.from(labels), targets };
}

function scorerConfigFor(name: ScorerName, config: BalrConfig): ScorerConfig {
  const base = config.scorer.name === name
    ? config.scorer
    : resolveConfig({ overrides: [`scorer=${name}`] }).scorer;
  return { ...base, n_attributes: config.trainer.internal_dim, checkpoint_path: null };
}

async function writeScoredTrials(
  dir: string,
  trials: Awaited<ReturnType<typeof readTrials>>,
  scores: ArrayLike<number>,
  labels: Uint8Array,
  label: string,
): Promise<void> {
  await writeScores(join(dir, "scores.csv"), trials, scores, { sep: "\t" });
  await writeMetrics(join(dir, "metrics.json"), { ...computeMetrics(scores, labels) });
  const { targets, nonTargets } = splitByLabel(scores, labels);
  await writeFileAtomic(join(dir, "det.svg"), detPlotSvg(targets, nonTargets, { label }));
  await writeFileAtomic(
    join(dir, "tippett.svg"),
    tippettPlotSvg(targets, nonTargets, { title: `Tippett plot: ${label}` }),
  );
}

async function explainSome(
  gpu: Gpu,
  scorer: Scorer,
  args: {
    dir: string;
    trialsFile: Awaited<ReturnType<typeof readTrials>>;
    sides: Float32Array;
    pairs: Uint32Array;
    labels: Uint8Array;
    count: number;
  },
): Promise<void> {
  if (args.count <= 0) return;
  // Half targets, half non-targets, the first of each in trial order.
  const chosen: number[] = [];
  for (const want of [1, 0]) {
    for (
      let t = 0;
      t < args.labels.length && chosen.length < (want ? Math.ceil(args.count / 2) : args.count);
      t++
    ) {
      if (args.labels[t] === want) chosen.push(t);
    }
  }
  const pairs = new Uint32Array(chosen.length * 2);
  chosen.forEach((t, i) => pairs.set(args.pairs.subarray(2 * t, 2 * t + 2), 2 * i));
  const contributions = await explainTrialPairs(gpu, scorer, { sides: args.sides, pairs });
  const n = contributions.length / chosen.length;
  const explained = chosen.map((t, i) => {
    const c = contributions.subarray(i * n, (i + 1) * n);
    const row = args.trialsFile.rows[t];
    return {
      trial: t,
      enrollment: row.raw[0],
      test: row.raw[1],
      score: c.reduce((a, b) => a + b, 0),
      contributions: c,
    };
  });
  await writeExplanationCsv(join(args.dir, "explanations.csv"), explained, { k: 10 });
  for (const e of explained) {
    const kind = args.labels[e.trial] ? "target" : "non-target";
    await writeFileAtomic(
      join(args.dir, `trial_${e.trial}.svg`),
      explanationPlotSvg(e.contributions, e.score, {
        title: `${e.enrollment} vs ${e.test} (${kind}, LLR ${e.score.toFixed(2)})`,
      }),
    );
  }
}

function detAllSvg(
  rows: readonly DemoRow[],
  scores: Map<string, ArrayLike<number>>,
  labels: Uint8Array,
): string {
  const series: LineSeries[] = rows.map((row) => {
    const { targets, nonTargets } = splitByLabel(scores.get(row.name)!, labels);
    const d = detCurve(targets, nonTargets);
    const step = Math.max(1, Math.floor(d.pFa.length / 1500));
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < d.pFa.length; i += step) {
      x.push(d.pFa[i]);
      y.push(d.pMiss[i]);
    }
    return {
      name: `${row.name} (EER ${(row.metrics.EER * 100).toFixed(2)}%)`,
      x,
      y,
      dashed: row.name === "cosine (embeddings)",
    };
  });
  return lineChart("DET curves: BA-LR scorers vs cosine on embeddings", series, {
    x: { label: "False alarm probability", scale: "probit", min: 0.001, max: 0.5 },
    y: { label: "Miss probability", scale: "probit", min: 0.001, max: 0.5 },
    legend: "bottom-left",
  });
}

/** The demo's table as Markdown. */
export function formatDemoTable(rows: readonly DemoRow[]): string {
  const header = "| system | EER % | minDCF 0.01 | minDCF 0.05 | Cllr | Cllr_min |";
  const lines = rows.map((r) => {
    const m = r.metrics;
    return `| ${r.name} | ${(m.EER * 100).toFixed(2)} | ${m["minDCF_0.01"].toFixed(4)} | ${
      m["minDCF_0.05"].toFixed(4)
    } | ${m.CLLR.toFixed(4)} | ${m.CLLR_min.toFixed(4)} |`;
  });
  return [header, "| --- | ---: | ---: | ---: | ---: | ---: |", ...lines].join("\n");
}

/** Default audio for the demo's extraction step, when the shared data sits beside the repo. */
const SHARED_AUDIO = "../shared/data/voxceleb";

/**
 * The demo's real-audio step: extract WeSpeaker embeddings from an audio
 * folder and binarize them with the BAE the demo just trained.
 */
async function demoAudio(gpu: Gpu, req: DemoRequest, saveDir: string): Promise<number> {
  const out = req.io.stdout;
  const audio = req.audio ?? (await exists(SHARED_AUDIO) ? SHARED_AUDIO : null);
  if (!audio) {
    out(`No audio folder: pass --audio DIR to extract embeddings with the configured model.\n`);
    return 0;
  }
  const dataset = await loadDataset(audio, { audioFormats: req.audioFormats });
  const model = await loadEmbeddingModel(gpu, req.config.embeddings.model);
  const dir = join(saveDir, "audio");
  try {
    const extracted = await extractDataset(gpu, dataset, {
      model,
      features: featureOptions(req.config),
      saveDir: dir,
      force: true,
      batchSize: req.config.data.batch_size,
      stderr: req.io.stderr,
    });
    const weights = await loadBae(join(saveDir, "bae", "best.pt"));
    if (model.embedDim !== weights.dims.inputDim) {
      out(
        `Audio: ${extracted.processed} embeddings in ${dir}; not binarized: the model gives ` +
          `${model.embedDim}-d embeddings and the demo's BAE takes ${weights.dims.inputDim} ` +
          `(set trainer.input_dim=${model.embedDim})\n`,
      );
      return reportVectorBatch("extract", extracted, req.io.stderr);
    }
    const ids = [...extracted.outputs.keys()];
    const rows = await Promise.all(ids.map((id) => readVectorFile(extracted.outputs.get(id)!)));
    const embeddings = new Float32Array(ids.length * weights.dims.inputDim);
    rows.forEach((t, i) => embeddings.set(toFloat32(t), i * weights.dims.inputDim));
    const { ba } = await binarizeEmbeddings(gpu, weights, embeddings, { ids, ba: true });
    const h = weights.dims.internalDim;
    for (let i = 0; i < ids.length; i++) {
      const embPath = extracted.outputs.get(ids[i])!;
      await writeVectorFile(
        embPath.replace(/_emb\.pkl$/, "_ba.pkl"),
        float32Tensor(ba!.slice(i * h * 2, (i + 1) * h * 2), [h, 2]),
      );
    }
    out(
      `Audio: ${extracted.processed} files from ${audio} → embeddings and BA vectors in ${dir} ` +
        `(${(extracted.audioSeconds / Math.max(extracted.seconds, 1e-9)).toFixed(1)}x realtime)\n`,
    );
    return reportVectorBatch("extract", extracted, req.io.stderr);
  } finally {
    model.dispose();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The CLI handler of `balr demo`. */
export async function runDemo(req: DemoRequest): Promise<number> {
  const out = req.io.stdout;
  const err = req.io.stderr;
  const t0 = performance.now();
  const gpu = await openGpu(req.device, { onWarning: (m) => err(`warning: ${m}\n`) });
  out(`balr demo on ${gpu.report.name}\n`);
  const saveDir = await incrementSaveDir(req.saveDir ?? "runs/demo", req.existOk);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  try {
    Deno.addSignalListener("SIGINT", onSigint);
  } catch { /* not supported on this platform */ }
  try {
    const result = await runDemoPipeline(gpu, {
      size: DEMO_SIZES[req.size],
      config: req.config,
      keepConfigEpochs: req.overrides.some((o) => /^\+*trainer\.epochs=/.test(o)),
      saveDir,
      log: (l) => err(`${l}\n`),
      signal: controller.signal,
    });
    out(`\n${formatDemoTable(result.rows)}\n\n`);
    out(
      `${result.trials} held-out trials (${result.targets} target) between speakers ` +
        `unseen in training and in the reference population.\n`,
    );
    out(`Run folder: ${saveDir}\n`);
    out(
      `  per system: <system>/scores.csv, metrics.json, det.svg, tippett.svg; det_all.svg; ` +
        `explanations/ (beta LLR per attribute); bae/ (checkpoints, TensorBoard logs)\n`,
    );
    let code = 0;
    if (req.config.embeddings.model.model_dir) {
      code = await demoAudio(gpu, req, saveDir);
    } else {
      out(
        "(Give embeddings.model.model_dir=<WeSpeaker model folder> to also extract and " +
          "binarize real audio; see the README.)\n",
      );
    }
    out(`Finished in ${formatDuration((performance.now() - t0) / 1000)}.\n`);
    return code;
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onSigint);
    } catch { /* see above */ }
  }
}
