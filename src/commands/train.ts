/**
 * `balr train TRAIN VAL`: train a binary autoencoder on embeddings grouped
 * by speaker (SPEC §7), every numeric step on the GPU.
 *
 * Both datasets need an embedding and a speaker label per item (an error
 * lists the items at fault, before any work; labels are re-encoded to
 * integers per dataset, as upstream does). Losses, the NxM samplers (at
 * least N speakers in each dataset) and the sizes are checked next, then the
 * save dir is claimed (`runs/train`, `runs/train2`, … unless `--exist-ok`)
 * and receives `config.yaml` (the resolved run configuration), then the
 * trainer's `last.pt`, `best.pt`, `epoch{E}.pt`, TensorBoard events,
 * `metrics.csv` and `losses.svg` (see src/binary/trainer.ts).
 *
 * Ctrl-C stops after the current batch: the checkpoints of finished epochs
 * stay intact (atomic writes), the command says where the last complete one
 * is and exits with 130.
 * @module
 */
import { join } from "node:path";
import type { TrainRequest } from "../cli/handlers.ts";
import { toYaml } from "../config/to_yaml.ts";
import type { BalrConfig } from "../config/types.ts";
import type { Dataset } from "../data/dataset.ts";
import { incrementSaveDir } from "../data/save_paths.ts";
import { type Gpu, openGpu } from "../gpu/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { Progress } from "../report/progress.ts";
import { checkDims } from "../binary/bae_weights.ts";
import { type LossesInput, lossSpecs } from "../binary/losses.ts";
import { createSampler } from "../binary/samplers/nxm_sampler.ts";
import { encodeLabels, trainBae, type TrainProgress, type TrainResult } from "../binary/trainer.ts";
import { prepareDataset } from "./dataset_input.ts";
import { type LoadedTrainSplit, loadTrainSplit } from "./train_data.ts";
import { INTERRUPTED_EXIT_CODE, interruptOnSigint } from "./train_interrupt.ts";

/** Options of {@link trainOnDatasets}. */
export interface TrainOnDatasetsOptions {
  /** The resolved run configuration (`trainer`, `data` are read; all of it goes to config.yaml). */
  config: BalrConfig;
  /** Save dir; an existing one is incremented (`runs/train` → `runs/train2`) unless `existOk`. */
  saveDir: string;
  /** Reuse `saveDir` when it exists (default false, as `--exist-ok`). */
  existOk?: boolean;
  /** Stops after the current batch; finished checkpoints stay intact. */
  signal?: AbortSignal;
  /** Progress bar and notes (default: the process's stderr). */
  stderr?: (text: string) => void;
  /** Draw the progress bar (default true). */
  progressBar?: boolean;
  /** Force a TTY or plain progress display (tests). */
  tty?: boolean;
}

/** What {@link trainOnDatasets} did: the trainer's result and the data it used. */
export interface TrainOnDatasetsResult extends TrainResult {
  /** The resolved configuration written into the save dir. */
  configFile: string;
  /** Recordings and speakers of each dataset. */
  data: Record<"train" | "val", { recordings: number; speakers: number; source: string }>;
}

/**
 * Trains a BAE on two datasets (see the module docs): loads and checks the
 * embeddings and labels, checks losses and samplers, claims the save dir,
 * writes config.yaml and runs the trainer with a progress bar.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const config = resolveConfig({ overrides: ["trainer.epochs=10"] });
 * const result = await trainOnDatasets(
 *   gpu,
 *   { train: await loadDataset("train.csv"), val: await loadDataset("val.csv") },
 *   { config, saveDir: "runs/train" },
 * );
 * console.log(result.saveDir, -(result.bestFitness ?? NaN));
 * ```
 */
export async function trainOnDatasets(
  gpu: Gpu,
  datasets: { train: Dataset; val: Dataset },
  options: TrainOnDatasetsOptions,
): Promise<TrainOnDatasetsResult> {
  const { config } = options;
  const stderr = options.stderr ?? ((t) => Deno.stderr.writeSync(new TextEncoder().encode(t)));
  const load = (dataset: Dataset, role: "train" | "val") =>
    loadTrainSplit(dataset, {
      role,
      inputDim: config.trainer.input_dim,
      concurrency: config.data.num_workers,
    });
  const train = await load(datasets.train, "train");
  const val = await load(datasets.val, "val");
  checkTrainSetup(config, { train, val });
  const saveDir = await incrementSaveDir(options.saveDir, options.existOk ?? false);
  const configFile = join(saveDir, "config.yaml");
  await writeFileAtomic(configFile, toYaml(config));
  stderr(
    `train: ${describeSplit(train)}; val: ${describeSplit(val)}; saving to ${saveDir}\n`,
  );
  let bar: Progress | null = null;
  const onProgress = (p: TrainProgress) => {
    if (options.progressBar === false) return;
    bar ??= new Progress({
      label: "train",
      total: p.epochs * p.batches,
      unit: "batches",
      write: stderr,
      tty: options.tty,
    });
    bar.tick(1, {
      epoch: `${p.epoch + 1}/${p.epochs}`,
      mem: `${(p.gpuBytes / 2 ** 30).toFixed(2)}G`,
      ...p.losses,
    });
  };
  const result = await trainBae(gpu, { train, val }, config, {
    saveDir,
    signal: options.signal,
    progressBar: false,
    onProgress,
  });
  (bar as Progress | null)?.finish();
  const summary = (s: LoadedTrainSplit) => ({
    recordings: s.ids.length,
    speakers: s.speakers.length,
    source: s.source,
  });
  return {
    ...result,
    files: [configFile, ...result.files],
    configFile,
    data: { train: summary(train), val: summary(val) },
  };
}

function describeSplit(s: LoadedTrainSplit): string {
  return `${s.ids.length} recordings of ${s.speakers.length} speakers from ${s.source}`;
}

/**
 * The checks the trainer would make after uploading the data, made first
 * and naming the dataset: known losses with valid settings, sizes the
 * kernels support, NxM samplers that can be built on each dataset (at
 * least N speakers), and ArcFace's class matrix covering the val speakers.
 */
export function checkTrainSetup(
  config: Pick<BalrConfig, "trainer" | "data">,
  splits: { train: LoadedTrainSplit; val: LoadedTrainSplit },
): void {
  const t = config.trainer;
  const losses = lossSpecs(t.losses as LossesInput);
  checkDims({ inputDim: t.input_dim, internalDim: t.internal_dim });
  const d = config.data;
  for (const [role, split] of Object.entries(splits)) {
    if (d.sampler === null) continue;
    try {
      createSampler(d.sampler, encodeLabels(split.labels, role), {
        N: d.N_classes_per_batch,
        M: d.M_samples_per_class,
        batchSize: d.batch_size,
        shuffle: d.shuffle,
        seed: t.seed,
      });
    } catch (e) {
      throw new Error(
        `${split.source}: the ${role} dataset (${split.speakers.length} speakers) cannot be ` +
          `sampled with data.sampler=${d.sampler}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  if (
    losses.some((l) => l.name === "arcface") &&
    splits.val.speakers.length > splits.train.speakers.length
  ) {
    throw new Error(
      `${splits.val.source}: the val dataset has ${splits.val.speakers.length} speakers but ` +
        `ArcFace's class matrix has the train dataset's ${splits.train.speakers.length} ` +
        `(labels are encoded per dataset, as upstream does); use a val set with at most as ` +
        `many speakers, or drop arcface from trainer.losses`,
    );
  }
}

/** `0.1234` for a loss (upstream prints `%.4g`). */
function formatLoss(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

function formatLosses(losses: Record<string, number>): string {
  const [first, ...rest] = Object.entries(losses);
  if (!first) return "n/a";
  const parts = rest.map(([k, v]) => `${k} ${formatLoss(v)}`);
  return `${formatLoss(first[1])}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** The CLI handler of `balr train`. */
export async function runTrain(req: TrainRequest): Promise<number> {
  const { stdout, stderr } = req.io;
  const started = performance.now();
  const load = (input: string) =>
    prepareDataset({ input, audioFormats: req.audioFormats, rootDir: req.rootDir }, {
      needs: "embedding",
    });
  const { dataset: train } = await load(req.train);
  const { dataset: val } = await load(req.val);
  const gpu = await openGpu(req.device, { onWarning: (m) => stderr(`warning: ${m}\n`) });
  const interrupt = interruptOnSigint({
    stderr,
    notice: "stopping after the current batch; finished checkpoints stay intact",
  });
  let result: TrainOnDatasetsResult;
  try {
    result = await trainOnDatasets(gpu, { train, val }, {
      config: req.config,
      saveDir: req.saveDir,
      existOk: req.existOk,
      signal: interrupt.signal,
      stderr,
    });
  } finally {
    interrupt.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const dir = result.saveDir;
  const epochs = req.config.trainer.epochs;
  if (result.aborted) {
    const last = join(dir, "last.pt");
    stdout(
      result.epochs > 0
        ? `training interrupted during epoch ${result.epochs + 1}/${epochs}; the last complete ` +
          `checkpoint (epoch ${result.epochs}) is ${last}\n`
        : `training interrupted during epoch 1/${epochs}; no epoch completed, so no checkpoint ` +
          `was written (${dir} holds config.yaml)\n`,
    );
    return INTERRUPTED_EXIT_CODE;
  }
  const best = result.bestFitness === null ? null : -result.bestFitness;
  stdout(
    `${result.epochs} epochs completed in ${seconds.toFixed(1)} s on ${gpu.report.name}\n` +
      `train loss ${formatLosses(result.lastTrain)}\n` +
      `validation loss ${formatLosses(result.lastVal)}` +
      (best === null ? "" : `; best ${formatLoss(best)}`) + "\n" +
      `Results saved to ${dir}\n` +
      `Run tensorboard --logdir=${dir} to show metrics.\n` +
      (best === null
        ? ""
        : `Next: balr binarize INPUT encoder.model.checkpoint_path=${join(dir, "best.pt")}\n`),
  );
  return 0;
}
