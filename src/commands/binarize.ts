/**
 * `balr binarize`: embedding → binary-attribute vector with the BAE's
 * eval-mode encoder on the GPU, written as `<stem>_ba.pkl` (float32
 * `[internal_dim, 2]` = stack(b, 1 − b), as upstream writes it) beside each
 * item's reference file or mirrored under `--save-dir`.
 *
 * Items come from a folder or audio file (embeddings discovered beside the
 * audio as `<stem>_emb.*`) or a csv (`embedding` column, or discovery beside
 * its `audio`). As upstream, an item without an embedding is skipped with a
 * warning naming it; and, as `extract`, the job is resumable (items whose BA
 * vector exists are skipped unless `--force`), keeps going past a bad item
 * (unreadable file, wrong size, NaN/Inf: that item fails with its id and
 * file, the others are written) and exits 1 when any item failed. Each batch
 * of `data.batch_size` items is one GPU submit; outputs are written
 * atomically as each batch finishes, and Ctrl-C stops between batches.
 * @module
 */
import type { BinarizeRequest } from "../cli/handlers.ts";
import { Dataset, type DatasetItem, describeProblem } from "../data/dataset.ts";
import { planVectorSaves } from "../data/save_paths.ts";
import { loadVectors } from "../data/vectors.ts";
import { type Gpu, openGpu } from "../gpu/mod.ts";
import { float32Tensor } from "../io/host_tensor.ts";
import { type BaeGpuModel, createBaeModel, releaseBaeModel } from "../binary/bae_model.ts";
import type { BaeWeights } from "../binary/bae_weights.ts";
import { binarizeEmbeddings } from "../binary/binarize.ts";
import {
  type ItemResult,
  reportVectorBatch,
  runVectorBatch,
  type VectorBatchSummary,
} from "./vector_batch.ts";
import { prepareDataset } from "./dataset_input.ts";
import { loadEncoderCheckpoint } from "./binarize_checkpoint.ts";
import { INTERRUPTED_EXIT_CODE, interruptOnSigint } from "./train_interrupt.ts";

/** Options of {@link binarizeDataset}: the encoder as a GPU model or host weights. */
export interface BinarizeDatasetOptions {
  /** The BAE already on the GPU (kept; the caller releases it). */
  model?: BaeGpuModel;
  /** Host weights, uploaded for the call (when no `model`). */
  weights?: BaeWeights;
  /** Redo items that already have a BA vector. */
  force?: boolean;
  /** Write `<stem>_ba.pkl` files (else return vectors in the summary). */
  saveOutput?: boolean;
  /** Mirror outputs under this folder instead of beside the reference files. */
  saveDir?: string | null;
  /** Items per GPU submit (default 64, upstream's `data.batch_size`). */
  batchSize?: number;
  /** Embedding files read in flight per batch (`data.num_workers`). */
  concurrency?: number;
  /** Output extension (default `.pkl`, as upstream). */
  outputExt?: string;
  /** Only these items (e.g. a shard); default: all. */
  items?: readonly DatasetItem[];
  /** Progress and warnings. */
  stderr?: (text: string) => void;
  /** Stops between batches. */
  signal?: AbortSignal;
  /** Force a TTY or plain progress display (tests). */
  tty?: boolean;
}

/**
 * Binarizes a dataset's embeddings (see the module docs for what is
 * written where, skipped and failed).
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const dataset = await loadDataset("data/voxceleb1");
 * const weights = await loadBae("resources/models/BAE/BAE_mse.pt");
 * const summary = await binarizeDataset(gpu, dataset, { weights });
 * console.log(summary.processed, "BA vectors written");
 * ```
 */
export async function binarizeDataset(
  gpu: Gpu,
  dataset: Dataset,
  options: BinarizeDatasetOptions,
): Promise<VectorBatchSummary> {
  if (!options.model && !options.weights) {
    throw new TypeError("binarizeDataset: pass the BAE as `model` or `weights`");
  }
  const model = options.model ?? createBaeModel(gpu, options.weights!);
  try {
    return await runVectorBatch({
      label: "binarize",
      items: options.items ?? dataset.items,
      plan: planVectorSaves(dataset, { saveDir: options.saveDir ?? undefined }),
      outputKind: "binaryAttributes",
      outputExt: options.outputExt,
      force: options.force ?? false,
      saveOutput: options.saveOutput ?? true,
      batchSize: Math.max(1, options.batchSize ?? 64),
      skipReason: (item) => (item.embedding ? undefined : "no embedding"),
      process: (batch) => binarizeBatch(gpu, model, dataset.source, batch, options.concurrency),
      stderr: options.stderr ?? ((t) => Deno.stderr.writeSync(new TextEncoder().encode(t))),
      signal: options.signal,
      tty: options.tty,
    });
  } finally {
    if (!options.model) releaseBaeModel(model);
  }
}

/** Reads a batch's embeddings, checks them per item, binarizes the good ones in one submit. */
async function binarizeBatch(
  gpu: Gpu,
  model: BaeGpuModel,
  source: string,
  batch: DatasetItem[],
  concurrency = 8,
): Promise<ItemResult[]> {
  const { inputDim: d, internalDim: h } = model.dims;
  const loaded = await loadVectors(new Dataset(batch, { source, sorted: true }), "embedding", {
    expectShape: [d],
    concurrency,
  });
  const results: ItemResult[] = [];
  for (const id of loaded.missing) results.push({ id, error: "no embedding file" });
  for (const b of loaded.bad) {
    const why = b.error.startsWith("shape ") ? `${b.error} (the BAE's input_dim)` : b.error;
    results.push({ id: b.id, error: why.startsWith(b.path) ? why : `${b.path}: ${why}` });
  }
  if (loaded.ids.length === 0) return results;
  const { ba } = await binarizeEmbeddings(gpu, model, loaded.data, {
    ids: loaded.ids,
    batchSize: loaded.ids.length,
    ba: true,
  });
  loaded.ids.forEach((id, r) => {
    results.push({ id, vector: float32Tensor(ba!.slice(r * h * 2, (r + 1) * h * 2), [h, 2]) });
  });
  return results;
}

/**
 * Warns about listed audio and BA files that are missing (outputs are placed
 * beside the audio; a listed BA file counts as done). A missing embedding
 * is reported as that item's failure, and a row naming no file as a skip.
 */
function reportFileProblems(
  dataset: Dataset,
  items: readonly DatasetItem[],
  write: (text: string) => void,
): void {
  const ids = new Set(items.map((i) => i.id));
  const problems = dataset.problems.filter((p) =>
    ids.has(p.id) && (p.field === "audio" || p.field === "binaryAttributes")
  );
  for (const p of problems.slice(0, 20)) write(`warning: ${describeProblem(p)}\n`);
  if (problems.length > 20) write(`warning: … and ${problems.length - 20} more problems\n`);
}

/** The CLI handler of `balr binarize`. */
export async function runBinarize(req: BinarizeRequest): Promise<number> {
  const stderr = req.io.stderr;
  // The checkpoint first: a wrong path or size fails before any other work.
  const weights = await loadEncoderCheckpoint(req.config.encoder.model);
  const { dataset, items } = await prepareDataset(req, { needs: "embedding" });
  reportFileProblems(dataset, items, stderr);
  const gpu = await openGpu(req.device, { onWarning: (m) => stderr(`warning: ${m}\n`) });
  const interrupt = interruptOnSigint({ stderr, notice: "stopping after the current batch" });
  let summary: VectorBatchSummary;
  try {
    summary = await binarizeDataset(gpu, dataset, {
      weights,
      force: req.force,
      saveOutput: req.saveOutput,
      saveDir: req.saveDir,
      batchSize: req.config.data.batch_size,
      concurrency: req.config.data.num_workers,
      items,
      stderr,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
  const code = reportVectorBatch("binarize", summary, stderr);
  return summary.interrupted ? INTERRUPTED_EXIT_CODE : code;
}
