/**
 * BAE training (`balr train`), as upstream's BinaryAttributeEncoderTrainer
 * runs it: NxM batches, the selected weighted losses, Adam, validation every
 * `val_period` epochs and at the last, fitness = −total validation loss,
 * `last.pt` every epoch, `best.pt` on improvement, `epoch{E}.pt` every
 * `save_period` epochs (E is the 0-based epoch, as upstream names them),
 * TensorBoard scalars `train/total_loss`, `train/<Loss>`, `test/...` at
 * step = 0-based epoch.
 *
 * Everything numeric stays on the GPU: the datasets are uploaded once,
 * batches are gathered by a kernel from index lists, each step is one
 * submit without an awaited round trip (two submits stay in flight), and
 * losses are summed on the GPU and read once per epoch.
 *
 * Where ours differs from upstream (on purpose):
 * - every random choice is seeded (upstream's samplers use an unseeded
 *   generator outside distributed runs), so the same seed on the same
 *   adapter gives bitwise the same run;
 * - the sparsity loss is differentiable (upstream computes it through
 *   numpy, so it contributes no gradient);
 * - checkpoints are written atomically, so an abort (the AbortSignal) leaves
 *   the last complete one intact;
 * - ArcFace's class matrix, which upstream never saves, goes to
 *   `<name>_loss_params.pt` beside each checkpoint (key `arcface.W`,
 *   [internal_dim, train speakers]); the model checkpoint keeps exactly
 *   upstream's keys, so `torch.load` + `load_state_dict(strict=True)` works;
 * - ArcFace validation with more val than train speakers is refused up front
 *   (upstream indexes past its class matrix and crashes mid-run);
 * - a metrics CSV and a loss-curve SVG are written next to the event file.
 * @module
 */
import { join } from "node:path";
import type { Gpu } from "../gpu/mod.ts";
import { alignedStride, type GpuMatrix, gpuMatrix } from "../kernels/_bae_matrix.ts";
import { baeGatherRows } from "../kernels/bae_gather_rows.ts";
import { writeStateDict } from "../io/torch_checkpoint.ts";
import type { HostTensor } from "../io/host_tensor.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { Progress } from "../report/progress.ts";
import { TensorBoardWriter } from "../report/tensorboard.ts";
import { lossCurveSvg, type LossHistory } from "../report/loss_plot.ts";
import { BAE_STATE_KEYS, type BaeWeights, initBaeWeights } from "./bae_weights.ts";
import { type BaeGpuModel, createBaeModel, readBaeWeights, releaseBaeModel } from "./bae_model.ts";
import {
  createTrainState,
  readArcfaceWeights,
  recordStep,
  releaseTrainState,
  type TrainState,
  uploadBatchLabels,
} from "./bae_train_step.ts";
import { type LossesInput, lossSpecs } from "./losses.ts";
import { createSampler, type NxMSampler } from "./samplers/nxm_sampler.ts";
import { SeededRandom } from "./seeded_random.ts";
import { checkEmbeddings } from "./binarize.ts";

/** One dataset: embeddings [N, input_dim] and a speaker per row. */
export interface TrainSplit {
  /** Row-major `[N, input_dim]` float32 embeddings. */
  embeddings: Float32Array;
  /** Speaker of each row (strings are re-encoded to sorted integer labels). */
  labels: readonly string[] | Int32Array;
  /** Ids of the rows, for error messages. */
  ids?: readonly string[];
}

/** The parts of the run configuration training reads (upstream's names). */
export interface TrainBaeConfig {
  /** The `trainer` config group: sizes, optimiser, epochs, periods (epochs) and losses. */
  trainer: {
    input_dim: number;
    internal_dim: number;
    learning_rate: number;
    epochs: number;
    seed: number;
    save_period: number;
    log_period: number;
    val_period: number;
    losses: LossesInput | object;
  };
  /**
   * The `data` config group: batching and the NxM sampler (null sampler = plain shuffled batches).
   */
  data: {
    batch_size: number;
    shuffle: boolean;
    sampler: string | null;
    N_classes_per_batch: number;
    M_samples_per_class: number;
  };
}

/** Progress reported after each batch. */
export interface TrainProgress {
  /** Current epoch, 0-based. */
  epoch: number;
  /** Epochs the run was configured for (trainer.epochs). */
  epochs: number;
  /** Index of the finished batch within the epoch, 0-based. */
  batch: number;
  /** Batches in this epoch. */
  batches: number;
  /** Losses of the latest finished batch by label: `loss` (the weighted total), then one per loss. */
  losses: Record<string, number>;
  /** Bytes the GPU buffer pool holds. */
  gpuBytes: number;
}

/** Options of {@link trainBae}. */
export interface TrainBaeOptions {
  /** Folder for checkpoints, logs and plots (created). */
  saveDir: string;
  /** Called after each finished batch. */
  onProgress?: (p: TrainProgress) => void;
  /** Stops after the current batch; files of finished epochs stay intact. */
  signal?: AbortSignal;
  /** Draw a progress bar on stderr (default true). */
  progressBar?: boolean;
  /** Start from these weights instead of a fresh initialisation. */
  initialWeights?: BaeWeights;
}

/** Outcome of {@link trainBae}. */
export interface TrainResult {
  /** The folder the checkpoints, logs and plots were written to. */
  saveDir: string;
  /** Epochs completed. */
  epochs: number;
  /** True when stopped by the signal. */
  aborted: boolean;
  /** Best fitness (−total validation loss) seen, if any validation ran. */
  bestFitness: number | null;
  /** Mean losses of the last completed epoch, by label (total_loss first). */
  lastTrain: Record<string, number>;
  /** Mean validation losses of the last validation, by label. */
  lastVal: Record<string, number>;
  /** Per-epoch mean train and validation losses (1-based epoch numbers), as plotted. */
  history: LossHistory;
  /** The trained weights. */
  weights: BaeWeights;
  /** Paths written. */
  files: string[];
}

interface PreparedSplit {
  name: string;
  n: number;
  labels: Int32Array;
  classes: number;
  chunks: Array<{ matrix: GpuMatrix; base: number }>;
}

/** Re-encodes labels as upstream's LabelEncoder does (sorted unique values → 0..k−1). */
export function encodeLabels(labels: readonly string[] | Int32Array, split: string): Int32Array {
  if (labels.length === 0) throw new Error(`${split} dataset has no speaker labels`);
  const values = Array.from(labels as ArrayLike<string | number>);
  values.forEach((v, i) => {
    if (v === undefined || v === null || v === "") {
      throw new Error(`${split} dataset: row ${i} has no speaker label`);
    }
  });
  const unique = [...new Set(values)].sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
      ? -1
      : String(a) > String(b)
      ? 1
      : 0
  );
  const index = new Map(unique.map((v, i) => [v, i]));
  return Int32Array.from(values, (v) => index.get(v)!);
}

function prepareSplit(gpu: Gpu, split: TrainSplit, name: string, dim: number): PreparedSplit {
  const n = checkEmbeddings(split.embeddings, dim, split.ids);
  if (n === 0) throw new Error(`${name} dataset is empty`);
  if (split.labels.length !== n) {
    throw new RangeError(
      `${name} dataset: ${split.labels.length} speaker labels for ${n} embeddings`,
    );
  }
  const labels = encodeLabels(split.labels, name);
  const ld = alignedStride(dim);
  const rowsPerChunk = Math.max(1, Math.floor(gpu.bindingChunkElements(64) / ld));
  const chunks: PreparedSplit["chunks"] = [];
  for (let base = 0; base < n; base += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, n - base);
    const host = new Float32Array(rows * ld);
    for (let r = 0; r < rows; r++) {
      host.set(split.embeddings.subarray((base + r) * dim, (base + r + 1) * dim), r * ld);
    }
    const t = gpu.upload(host, [host.length], "f32", `bae_${name}_data`);
    chunks.push({ matrix: gpuMatrix(t, rows, dim, { ld }), base });
  }
  return { name, n, labels, classes: Math.max(...labels) + 1, chunks };
}

/** Batches of an epoch: from the NxM sampler, or plain shuffled batches without one. */
function epochBatches(
  sampler: NxMSampler | null,
  split: PreparedSplit,
  config: TrainBaeConfig,
  seed: number,
  epoch: number,
): number[][] {
  if (sampler) {
    sampler.setEpoch(epoch);
    return sampler.batches();
  }
  const order = [...Array(split.n).keys()];
  if (config.data.shuffle) new SeededRandom(seed, epoch).shuffle(order);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += config.data.batch_size) {
    out.push(order.slice(i, i + config.data.batch_size));
  }
  return out;
}

/** Trains a BAE; see the module documentation for what is written where. */
export async function trainBae(
  gpu: Gpu,
  data: { train: TrainSplit; val: TrainSplit },
  config: TrainBaeConfig,
  options: TrainBaeOptions,
): Promise<TrainResult> {
  const t = config.trainer;
  const dims = { inputDim: t.input_dim, internalDim: t.internal_dim };
  const losses = lossSpecs(t.losses as LossesInput);
  for (
    const [k, v] of Object.entries({
      epochs: t.epochs,
      save_period: t.save_period,
      log_period: t.log_period,
      val_period: t.val_period,
    })
  ) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`trainer.${k} must be a non-negative integer, got ${v}`);
    }
  }
  if (!(t.learning_rate > 0)) {
    throw new RangeError(`trainer.learning_rate must be positive, got ${t.learning_rate}`);
  }
  const { N_classes_per_batch: N, M_samples_per_class: M } = config.data;
  const train = prepareSplit(gpu, data.train, "train", dims.inputDim);
  const val = prepareSplit(gpu, data.val, "val", dims.inputDim);
  const splits = [train, val];
  let model: BaeGpuModel | undefined;
  let state: TrainState | undefined;
  try {
    const samplerOf = (s: PreparedSplit, seed: number) =>
      config.data.sampler === null ? null : createSampler(config.data.sampler, s.labels, {
        N,
        M,
        batchSize: config.data.batch_size,
        shuffle: config.data.shuffle,
        seed,
      });
    const trainSampler = samplerOf(train, t.seed);
    const valSampler = samplerOf(val, t.seed + 1);
    if (losses.some((l) => l.name === "arcface") && val.classes > train.classes) {
      throw new RangeError(
        `ArcFace: the val set has ${val.classes} speakers but the class matrix has the train set's ` +
          `${train.classes} (labels are encoded per dataset, as upstream does)`,
      );
    }
    const rng = new SeededRandom(t.seed);
    const initial = options.initialWeights ?? initBaeWeights(dims, rng);
    model = createBaeModel(gpu, initial);
    state = createTrainState(model, losses, {
      lr: t.learning_rate,
      classes: train.classes,
      samplesPerClass: M,
      rng,
    });
    await Deno.mkdir(options.saveDir, { recursive: true });
    const board = await TensorBoardWriter.create(options.saveDir);
    const labels = ["total_loss", ...losses.map((l) => l.label)];
    const history: LossHistory = { trainEpochs: [], train: {}, testEpochs: [], test: {} };
    const csvRows: string[] = [["epoch", "split", ...labels].join(",")];
    const files = new Set<string>([board.path]);
    const bar = options.progressBar === false ? null : new Progress({
      label: "train",
      total: t.epochs *
        (trainSampler
          ? trainSampler.batchesPerReplica
          : Math.ceil(train.n / config.data.batch_size)),
      unit: "batches",
    });
    let bestFitness: number | null = null;
    let lastTrain: Record<string, number> = {};
    let lastVal: Record<string, number> = {};
    let completed = 0;
    let aborted = false;

    const runEpoch = async (
      split: PreparedSplit,
      batches: number[][],
      trainMode: boolean,
      epoch: number,
    ): Promise<Record<string, number> | null> => {
      const inFlight: Array<Promise<unknown>> = [];
      for (let bi = 0; bi < batches.length; bi++) {
        if (options.signal?.aborted) return null;
        const idx = batches[bi];
        const run = gpu.run(trainMode ? "bae_train_step" : "bae_val_step");
        const ld = alignedStride(dims.inputDim);
        const x = gpuMatrix(
          run.scratch([idx.length * ld], "f32", "bae_batch_x"),
          idx.length,
          dims.inputDim,
        );
        const idxT = run.scratch([idx.length], "u32", "bae_batch_idx");
        gpu.write(idxT, Uint32Array.from(idx));
        for (const c of split.chunks) {
          baeGatherRows(run, { src: c.matrix, idx: idxT, out: x }, { base: c.base });
        }
        const batch = uploadBatchLabels(run, state!, x, idx.map((i) => split.labels[i]));
        const rec = recordStep(run, state!, batch, { train: trainMode });
        run.read(rec.batchLosses, losses.length + 1);
        const done = run.submit().then(([values]) => {
          if (!trainMode) return;
          const v = values as Float32Array;
          const shown: Record<string, number> = { loss: v[losses.length] };
          losses.forEach((l, k) => (shown[l.label] = v[k]));
          const gpuBytes = gpu.pool.stats().allocatedBytes;
          bar?.tick(1, {
            epoch: `${epoch + 1}/${t.epochs}`,
            mem: `${(gpuBytes / 2 ** 30).toFixed(2)}G`,
            ...shown,
          });
          options.onProgress?.({
            epoch,
            epochs: t.epochs,
            batch: bi,
            batches: batches.length,
            losses: shown,
            gpuBytes,
          });
        });
        inFlight.push(done);
        if (inFlight.length >= 2) await inFlight.shift();
      }
      await Promise.all(inFlight);
      const sums = trainMode ? state!.trainSums : state!.valSums;
      const run = gpu.run("bae_epoch_sums");
      run.read(sums, losses.length + 1);
      run.clear(sums);
      const [v] = await run.submit() as Float32Array[];
      const out: Record<string, number> = {};
      labels.forEach((l, k) => (out[l] = v[k] / batches.length));
      return out;
    };

    for (let epoch = 0; epoch < t.epochs; epoch++) {
      const trainLoss = await runEpoch(
        train,
        epochBatches(trainSampler, train, config, t.seed + 2, epoch),
        true,
        epoch,
      );
      if (!trainLoss) {
        aborted = true;
        break;
      }
      lastTrain = trainLoss;
      history.trainEpochs.push(epoch + 1);
      for (const l of labels) (history.train[l] ??= []).push(trainLoss[l]);
      csvRows.push([epoch + 1, "train", ...labels.map((l) => trainLoss[l])].join(","));
      const final = epoch >= t.epochs - 1;
      let fitness: number | null = null;
      if (final || (t.val_period && (epoch + 1) % t.val_period === 0)) {
        const valLoss = await runEpoch(
          val,
          epochBatches(valSampler, val, config, t.seed + 3, epoch),
          false,
          epoch,
        );
        if (!valLoss) {
          aborted = true;
          break;
        }
        lastVal = valLoss;
        fitness = -valLoss.total_loss;
        if (bestFitness === null || fitness > bestFitness) bestFitness = fitness;
        for (const l of labels) board.addScalar(`test/${l}`, valLoss[l], epoch);
        history.testEpochs.push(epoch + 1);
        for (const l of labels) (history.test[l] ??= []).push(valLoss[l]);
        csvRows.push([epoch + 1, "test", ...labels.map((l) => valLoss[l])].join(","));
      }
      if (t.log_period > 0 && (epoch + 1) % t.log_period === 0) {
        for (const l of labels) board.addScalar(`train/${l}`, trainLoss[l], epoch);
      }
      await board.flush();
      // Checkpoints: last every epoch, best on improvement, epoch{E} every save_period.
      const names = ["last"];
      if (fitness !== null && fitness === bestFitness) names.push("best");
      if (t.save_period > 0 && (epoch + 1) % t.save_period === 0) names.push(`epoch${epoch}`);
      for (const f of await saveCheckpoints(model, state, options.saveDir, names)) files.add(f);
      const csv = join(options.saveDir, "metrics.csv");
      await writeFileAtomic(csv, csvRows.join("\n") + "\n");
      const svg = join(options.saveDir, "losses.svg");
      await writeFileAtomic(svg, lossCurveSvg(history));
      files.add(csv).add(svg);
      completed = epoch + 1;
    }
    bar?.finish();
    return {
      saveDir: options.saveDir,
      epochs: completed,
      aborted,
      bestFitness,
      lastTrain,
      lastVal,
      history,
      weights: await readBaeWeights(model),
      files: [...files],
    };
  } finally {
    if (state) releaseTrainState(state);
    if (model) releaseBaeModel(model);
    for (const s of splits) for (const c of s.chunks) c.matrix.tensor.release();
  }
}

/** The state_dict of a model in upstream's key order. */
export function stateDictOf(w: BaeWeights): Map<string, HostTensor> {
  return new Map(BAE_STATE_KEYS.map((k) => [k, w.tensors.get(k)!]));
}

async function saveCheckpoints(
  model: BaeGpuModel,
  state: TrainState,
  dir: string,
  names: string[],
): Promise<string[]> {
  const sd = stateDictOf(await readBaeWeights(model));
  const arc = await readArcfaceWeights(state);
  const written: string[] = [];
  for (const name of names) {
    const path = join(dir, `${name}.pt`);
    await writeStateDict(path, sd);
    written.push(path);
    if (arc) {
      const p = join(dir, `${name}_loss_params.pt`);
      await writeStateDict(
        p,
        new Map([["arcface.W", {
          dtype: "float32",
          shape: [model.dims.internalDim, state.arcface!.classes],
          data: arc,
        } as HostTensor]]),
      );
      written.push(p);
    }
  }
  return written;
}
