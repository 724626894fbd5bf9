/**
 * `balr score test TEST TRIALS`: score a trials list with a fitted scorer.
 *
 * Reads the test dataset and the trials file (`--sep`, default tab; each
 * cell a comma-separated id list whose BA vectors are summed), opens the
 * scorer from `scorer.checkpoint_path` (cosine needs none), scores every
 * trial on the GPU in one batched pass, and writes into the save dir
 * (`runs/score`, incremented unless `--exist-ok`):
 *
 * - `scores.csv`: the trials columns plus `scores`, same separator, 4 decimals;
 * - when every id has a speaker label: `metrics.json` (SPEC §4 keys first,
 *   then minDCF, actDCF, Cllr_min, trial counts), `det.svg`, `tippett.svg`;
 *   without labels, or with only one class of trials, scores only and a
 *   warning saying why (upstream fails there);
 * - with `--explain K`: `explanations.csv`; with `--explain-plots N`:
 *   `explain/trial_<i>.svg` for the first N trials (ours).
 *
 * Everything that can be checked is checked before the save dir is created
 * (ids, speakers of each cell, BA vectors, the checkpoint's shapes), so a
 * failed run leaves no folder behind; every file is written atomically.
 * @module
 */
import { join } from "node:path";
import type { ScoreTestRequest } from "../cli/handlers.ts";
import { ConfigError } from "../config/config_error.ts";
import type { Dataset } from "../data/dataset.ts";
import { incrementSaveDir } from "../data/save_paths.ts";
import { readTrials, trialLabels, type Trials, writeMetrics, writeScores } from "../data/trials.ts";
import { type Gpu, openGpu } from "../gpu/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { detPlotSvg } from "../report/det_plot.ts";
import { tippettPlotSvg } from "../report/tippett_plot.ts";
import { openScorer } from "../scoring/checkpoint.ts";
import { computeMetrics, type Metrics, splitByLabel } from "../scoring/metrics.ts";
import { scoreTrialPairs } from "../scoring/score_trials.ts";
import type { Scorer } from "../scoring/scorer.ts";
import { prepareDataset, reportDatasetProblems } from "./dataset_input.ts";
import { writeExplanations } from "./scoring_explain.ts";
import { buildTrialSides, indexTrialCells, type TrialSides } from "./scoring_trial_sides.ts";

export { explainTrials } from "./scoring_explain.ts";

/** Options of {@link scoreTrialsFile}. */
export interface ScoreTrialsFileOptions {
  /** The test dataset (every id of the trials must be in it). */
  dataset: Dataset;
  /** The parsed trials file. */
  trials: Trials;
  /** BA files read in flight (`data.num_workers`). */
  concurrency?: number;
}

/** Scored trials. */
export interface ScoredTrials {
  /** One score per trial row (float64). */
  scores: Float64Array;
  /** 1 = same speaker; absent when some id has no speaker label. */
  labels?: Uint8Array;
  /** Present when labels exist and both target and non-target trials occur. */
  metrics?: Metrics;
  /** Why there are no metrics (for the warning). */
  noMetrics?: string;
  /** The sides and pairs that were scored (for explanations). */
  sides: TrialSides;
}

/** Labels of the trials, or why there are none (some ids have no speaker). */
function labelsOf(
  trials: Trials,
  dataset: Dataset,
  ids: readonly string[],
): { labels?: Uint8Array; noMetrics?: string } {
  const unlabelled = ids.filter((id) => dataset.get(id)?.speaker === undefined);
  if (unlabelled.length > 0) {
    return {
      noMetrics: `${unlabelled.length} of the ${ids.length} ids in ${trials.path} have no ` +
        `speaker label in ${dataset.source} (e.g. ${unlabelled.slice(0, 3).join(", ")}), ` +
        `so trials have no target/non-target labels`,
    };
  }
  return { labels: trialLabels(trials, dataset) };
}

/**
 * Scores every trial of a trials file on the GPU (one batched pass) and,
 * when all ids have speaker labels, computes the metrics. Bad input (an id
 * not in the dataset, mixed speakers in a cell, a missing or malformed BA
 * vector, several ids per side for dna/speech) is an Error naming the
 * trials line, id and file before any GPU work.
 *
 * @example
 * ```ts ignore
 * const trials = await readTrials("trials.csv");
 * const scorer = await openScorer(gpu, config.scorer);
 * const { scores, metrics } = await scoreTrialsFile(gpu, scorer, { dataset, trials });
 * ```
 */
export async function scoreTrialsFile(
  gpu: Gpu,
  scorer: Scorer,
  options: ScoreTrialsFileOptions,
): Promise<ScoredTrials> {
  const { dataset, trials } = options;
  const s = scorer.settings;
  scorer.params(); // an unfitted scorer fails here, before loading anything
  const single = s.kind === "dna" || s.kind === "speech" ? s.kind : null;
  const cells = indexTrialCells(trials, { dataset, singleRecording: single });
  const { labels, noMetrics } = labelsOf(trials, dataset, cells.ids);
  const sides = await buildTrialSides(gpu, cells, {
    dataset,
    nAttributes: s.nAttributes,
    nCategories: s.nCategories,
    concurrency: options.concurrency,
    purpose: `scoring ${trials.path}`,
  });
  const scores = await scoreTrialPairs(gpu, scorer, sides);
  if (!labels) return { scores, noMetrics, sides };
  const nTarget = labels.reduce((a, b) => a + b, 0);
  if (nTarget === 0 || nTarget === labels.length) {
    return {
      scores,
      labels,
      noMetrics: `every trial of ${trials.path} is ${
        nTarget === 0 ? "non-target" : "target"
      } (${labels.length} trials); EER and Cllr need both`,
      sides,
    };
  }
  return { scores, labels, metrics: computeMetrics(scores, labels), sides };
}

/** "EER 1.23% (threshold 0.4567) | Cllr …" */
export function formatMetricsSummary(m: Metrics): string {
  const f = (x: number) => x.toFixed(4);
  return `EER ${(m.EER * 100).toFixed(2)}% (threshold ${f(m.EER_thres)}) | Cllr ${f(m.CLLR)} | ` +
    `minDCF(0.01) ${f(m["minDCF_0.01"])} | minDCF(0.05) ${f(m["minDCF_0.05"])} | ` +
    `Cllr_min ${f(m.CLLR_min)} | ${m.n_target} target, ${m.n_nontarget} non-target trials`;
}

/** The CLI handler of `balr score test`. */
export async function runScoreTest(req: ScoreTestRequest): Promise<number> {
  const { stdout, stderr } = req.io;
  const config = req.config.scorer;
  const explain = req.explain ?? null;
  const explainPlots = req.explainPlots ?? 0;
  if (config.name === "cosine" && (explain !== null || explainPlots > 0)) {
    throw new ConfigError(
      "--explain: scorer=cosine cannot be explained (its score is a product of per-column " +
        "cosines, not a sum over attributes); use scorer=beta, dna, speech or maxllr",
      { key: "scorer" },
    );
  }
  const started = performance.now();
  const gpu = await openGpu(req.device, { onWarning: (m) => stderr(`warning: ${m}\n`) });
  const trials = await readTrials(req.trials, { sep: req.sep });
  const scorer = await openScorer(gpu, config);
  if (!scorer.fitted) {
    throw new Error(
      `scorer=${config.name} has no fitted parameters: set scorer.checkpoint_path to the ` +
        `scorer.pt written by 'balr score train'`,
    );
  }
  const { dataset, items } = await prepareDataset(
    { input: req.test, audioFormats: req.audioFormats, rootDir: req.rootDir },
    { needs: "binaryAttributes" },
  );
  reportDatasetProblems(
    dataset,
    items.filter((i) => dataset.problemsOf(i.id).some((p) => p.field !== "binaryAttributes")),
    stderr,
  );
  stderr(
    `score test: ${trials.rows.length} trials from ${req.trials}, scorer=${config.name}` +
      (config.checkpoint_path ? ` (${config.checkpoint_path})` : "") + "\n",
  );
  const result = await scoreTrialsFile(gpu, scorer, {
    dataset,
    trials,
    concurrency: req.config.data.num_workers,
  });
  const scoredIn = (performance.now() - started) / 1000;

  const saveDir = await incrementSaveDir(req.saveDir, req.existOk);
  const scoresPath = join(saveDir, "scores.csv");
  await writeScores(scoresPath, trials, result.scores, { sep: req.sep });
  const lines = [
    `${trials.rows.length} trials scored in ${scoredIn.toFixed(2)} s on ${gpu.report.name}`,
    `Scores saved to ${scoresPath}`,
  ];
  if (result.metrics && result.labels) {
    const metricsPath = join(saveDir, "metrics.json");
    await writeMetrics(metricsPath, { ...result.metrics });
    const { targets, nonTargets } = splitByLabel(result.scores, result.labels);
    await writeFileAtomic(join(saveDir, "det.svg"), detPlotSvg(targets, nonTargets));
    await writeFileAtomic(join(saveDir, "tippett.svg"), tippettPlotSvg(targets, nonTargets));
    lines.push(
      `Metrics saved to ${metricsPath} (plots: det.svg, tippett.svg)`,
      formatMetricsSummary(result.metrics),
    );
  } else {
    stderr(`warning: no metrics: ${result.noMetrics}; only scores were written\n`);
  }
  if (explain !== null || explainPlots > 0) {
    const written = await writeExplanations(gpu, scorer, {
      trials,
      sides: result.sides,
      scores: result.scores,
      saveDir,
      k: explain,
      plots: explainPlots,
      sep: req.sep,
    });
    if (written.csv) lines.push(`Explanations (top ${explain}) saved to ${written.csv}`);
    if (written.plots.length > 0) {
      lines.push(
        `Explanation plots saved to ${join(saveDir, "explain")} (${written.plots.length})`,
      );
    }
  }
  stdout(lines.join("\n") + "\n");
  return 0;
}
