/**
 * `balr score train TRAIN`: fit a scorer on a reference population.
 *
 * The dataset's BA vectors (every item needs one, and a speaker label) are
 * summed per speaker on the GPU into the referential `[speakers, n, K]`, the
 * configured scorer is fitted on it on the GPU, and the save dir
 * (`runs/scorer/train`, incremented unless `--exist-ok`) receives
 * `scorer.pt` (a torch state_dict with upstream's buffer names),
 * `fit_report.json` (iterations, final change, convergence, guards) and
 * `config.yaml` (the resolved run configuration). Nothing is written when
 * loading or fitting fails.
 *
 * `scorer=cosine` has nothing to fit: upstream raises NotImplementedError
 * ("does not need to be fit on reference population"); we refuse it the
 * same way, before any work, with a message saying to score directly.
 * @module
 */
import { join } from "node:path";
import type { ScoreTrainRequest } from "../cli/handlers.ts";
import { ConfigError } from "../config/config_error.ts";
import { toYaml } from "../config/to_yaml.ts";
import type { ScorerConfig } from "../config/types.ts";
import type { Dataset } from "../data/dataset.ts";
import { incrementSaveDir } from "../data/save_paths.ts";
import { type Gpu, openGpu } from "../gpu/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { saveScorer } from "../scoring/checkpoint.ts";
import { type FitReport, formatFitReport } from "../scoring/fit_report.ts";
import { buildReferential } from "../scoring/referential.ts";
import { fitScorer, type Scorer } from "../scoring/scorer.ts";
import { scorerSettings } from "../scoring/scorer_config.ts";
import { prepareDataset, reportDatasetProblems } from "./dataset_input.ts";
import { loadBaVectors, speakerIndex } from "./scoring_data.ts";

/** Options of {@link fitScorerOnDataset}. */
export interface FitOnDatasetOptions {
  /** The `scorer` config group (not cosine). */
  scorer: ScorerConfig;
  /** BA files read in flight (`data.num_workers`). */
  concurrency?: number;
}

/** A scorer fitted on a dataset. */
export interface FittedOnDataset {
  /** The fitted scorer, ready to score or save. */
  scorer: Scorer;
  /** What the fit did (iterations, convergence, guards that acted). */
  report: FitReport;
  /** The referential's speakers, in row order. */
  speakers: string[];
  /** Recordings summed into the referential. */
  nRecordings: number;
}

/** The error upstream gives for fitting cosine, with what to do instead. */
export function cosineFitError(): ConfigError {
  return new ConfigError(
    "scorer=cosine does not need to be fit on a reference population (upstream raises " +
      "NotImplementedError too); score directly: balr score test TEST TRIALS scorer=cosine",
    { key: "scorer" },
  );
}

/**
 * Fits `options.scorer` on the dataset's BA vectors summed per speaker,
 * every numeric step on the GPU. Errors name the dataset and the items at
 * fault (no speaker label, missing or malformed BA vector) before any GPU work.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const dataset = await loadDataset("train.csv");
 * const { scorer, report } = await fitScorerOnDataset(gpu, dataset, { scorer: config.scorer });
 * await saveScorer("scorer.pt", scorer);
 * ```
 */
export async function fitScorerOnDataset(
  gpu: Gpu,
  dataset: Dataset,
  options: FitOnDatasetOptions,
): Promise<FittedOnDataset> {
  const config = options.scorer;
  if (config.name === "cosine") throw cosineFitError();
  const settings = scorerSettings(config);
  const purpose = `fitting scorer=${config.name}`;
  if (dataset.size === 0) throw new Error(`${dataset.source}: the dataset is empty`);
  const { speakers, index } = speakerIndex(dataset, { ids: dataset.ids, purpose });
  if (speakers.length < 2) {
    throw new Error(
      `${dataset.source}: ${speakers.length} speaker (${speakers.join(", ")}); ${purpose} ` +
        `needs a reference population of at least 2 speakers`,
    );
  }
  const vectors = await loadBaVectors(dataset, {
    nAttributes: settings.nAttributes,
    nCategories: settings.nCategories,
    concurrency: options.concurrency,
    purpose,
  });
  // loadBaVectors keeps dataset order, so vector k is item k.
  const referential = await buildReferential(gpu, vectors.data, {
    speakers: index,
    nSpeakers: speakers.length,
    nAttributes: settings.nAttributes,
    nCategories: settings.nCategories,
    describeRow: (i) => `${vectors.paths[i]} (id ${vectors.ids[i]})`,
    describeSpeaker: (k) => `speaker ${speakers[k]}`,
  });
  const scorer = await fitScorer(gpu, referential, config);
  return { scorer, report: scorer.report!, speakers, nRecordings: vectors.ids.length };
}

/** The CLI handler of `balr score train`. */
export async function runScoreTrain(req: ScoreTrainRequest): Promise<number> {
  const { stdout, stderr } = req.io;
  if (req.config.scorer.name === "cosine") throw cosineFitError();
  const started = performance.now();
  const gpu = await openGpu(req.device, { onWarning: (m) => stderr(`warning: ${m}\n`) });
  const { dataset, items } = await prepareDataset(
    { input: req.train, audioFormats: req.audioFormats, rootDir: req.rootDir },
    { needs: "binaryAttributes" },
  );
  // Missing audio does not matter here; missing BA files are reported by the loader.
  reportDatasetProblems(
    dataset,
    items.filter((i) => dataset.problemsOf(i.id).some((p) => p.field !== "binaryAttributes")),
    stderr,
  );
  stderr(
    `score train: ${dataset.size} recordings from ${req.train}, scorer=${req.config.scorer.name}\n`,
  );
  const fitted = await fitScorerOnDataset(gpu, dataset, {
    scorer: req.config.scorer,
    concurrency: req.config.data.num_workers,
  });
  const seconds = (performance.now() - started) / 1000;
  const saveDir = await incrementSaveDir(req.saveDir, req.existOk);
  const scorerPath = join(saveDir, "scorer.pt");
  const reportPath = join(saveDir, "fit_report.json");
  const configPath = join(saveDir, "config.yaml");
  await saveScorer(scorerPath, fitted.scorer);
  const report = {
    ...fitted.report,
    nRecordings: fitted.nRecordings,
    seconds: Number(seconds.toFixed(3)),
  };
  await writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + "\n");
  await writeFileAtomic(configPath, toYaml(req.config));
  stdout(
    `${formatFitReport(fitted.report)}\n` +
      `referential: ${fitted.nRecordings} recordings of ${fitted.speakers.length} speakers ` +
      `(${seconds.toFixed(2)} s on ${gpu.report.name})\n` +
      `Scorer weights saved to ${scorerPath}\n` +
      `Fit report saved to ${reportPath}\n` +
      `Config saved to ${configPath}\n` +
      `Next: balr score test TEST TRIALS scorer=${req.config.scorer.name} ` +
      `scorer.checkpoint_path=${scorerPath}\n`,
  );
  return 0;
}
