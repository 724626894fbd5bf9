/**
 * `balr extract`: audio → features → WeSpeaker embedding, every numeric step
 * on the GPU. Each utterance is its own run (decode on the host, resample,
 * fbank, ResNet, one readback), so an embedding never depends on what it was
 * batched with; runs of a batch are submitted back to back and awaited
 * together.
 * @module
 */
import type { ExtractRequest } from "../cli/handlers.ts";
import type { BalrConfig } from "../config/types.ts";
import type { Dataset, DatasetItem } from "../data/dataset.ts";
import { planVectorSaves } from "../data/save_paths.ts";
import { decodeAudio } from "../io/audio/mod.ts";
import { float32Tensor } from "../io/host_tensor.ts";
import { type Gpu, type GpuTensor, openGpu } from "../gpu/mod.ts";
import { computeFeatures, featureOptionsFromConfig, resampleOnGpu } from "../frontend/mod.ts";
import type { FeatureOptions } from "../frontend/mod.ts";
import { type EmbeddingModel, loadEmbeddingModel } from "../embeddings/mod.ts";
import {
  type ItemResult,
  reportVectorBatch,
  runVectorBatch,
  type VectorBatchSummary,
} from "./vector_batch.ts";
import { prepareDataset, reportDatasetProblems } from "./dataset_input.ts";

/** Options of {@link extractDataset}. */
export interface ExtractOptions {
  /** The loaded embedding model. */
  model: EmbeddingModel;
  /** Feature options (default: WeSpeaker's fbank + mean normalisation). */
  features?: FeatureOptions;
  /** Redo items that already have an embedding. */
  force?: boolean;
  /** Write `<stem>_emb.pkl` files (else return vectors in the summary). */
  saveOutput?: boolean;
  /** Mirror outputs under this folder instead of beside the audio. */
  saveDir?: string | null;
  /** Items per batch of submits (default 16). */
  batchSize?: number;
  /** Output extension (default `.pkl`, as upstream). */
  outputExt?: string;
  /** Only these items (e.g. a shard); default: all. */
  items?: readonly DatasetItem[];
  /** Progress and warnings. */
  stderr?: (text: string) => void;
  /** Stops between batches. */
  signal?: AbortSignal;
}

/**
 * Extracts embeddings for a dataset's audio files.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const dataset = await loadDataset("audio/");
 * const model = await loadEmbeddingModel(gpu, { model_dir: "models/resnet34" });
 * const summary = await extractDataset(gpu, dataset, { model });
 * console.log(summary.processed, "embeddings written");
 * ```
 */
export function extractDataset(
  gpu: Gpu,
  dataset: Dataset,
  options: ExtractOptions,
): Promise<VectorBatchSummary> {
  const features = options.features ?? {};
  return runVectorBatch({
    label: "extract",
    items: options.items ?? dataset.items,
    plan: planVectorSaves(dataset, { saveDir: options.saveDir ?? undefined }),
    outputKind: "embedding",
    outputExt: options.outputExt,
    force: options.force ?? false,
    saveOutput: options.saveOutput ?? true,
    batchSize: Math.max(1, options.batchSize ?? 16),
    skipReason: (item) => (item.audio ? undefined : "no audio file"),
    process: (batch) => embedBatch(gpu, options.model, batch, features),
    stderr: options.stderr ?? ((t) => Deno.stderr.writeSync(new TextEncoder().encode(t))),
    signal: options.signal,
  });
}

/** One utterance's embedding, as a host array (decode + one GPU run). */
export async function embedAudioFile(
  gpu: Gpu,
  model: EmbeddingModel,
  path: string,
  features: FeatureOptions = {},
): Promise<{ embedding: Float32Array; seconds: number }> {
  const [r] = await embedBatch(gpu, model, [{ id: path, audio: path }], features);
  if (r.error !== undefined || !r.vector) throw new Error(r.error ?? `${path}: no embedding`);
  return { embedding: r.vector.data as Float32Array, seconds: r.audioSeconds ?? 0 };
}

async function embedBatch(
  gpu: Gpu,
  model: EmbeddingModel,
  batch: DatasetItem[],
  features: FeatureOptions,
): Promise<ItemResult[]> {
  const decoded = await Promise.all(batch.map(async (item) => {
    try {
      return { item, audio: await decodeAudio(item.audio!) };
    } catch (e) {
      return { item, error: (e as Error).message };
    }
  }));
  const pending: Array<Promise<ItemResult>> = [];
  for (const d of decoded) {
    if (!d.audio) {
      pending.push(Promise.resolve({ id: d.item.id, error: d.error }));
      continue;
    }
    const { samples, sampleRate } = d.audio;
    const seconds = samples.length / sampleRate;
    const owned: GpuTensor[] = [];
    const run = gpu.run(`extract:${d.item.id}`);
    try {
      if (samples.length === 0) throw new RangeError("audio too short: no samples");
      const x = gpu.upload(samples);
      owned.push(x);
      const wave = sampleRate === 16000 ? x : resampleOnGpu(run, x, sampleRate, 16000);
      if (wave !== x) owned.push(wave);
      const feats = computeFeatures(run, wave, features);
      owned.push(feats);
      const frames = feats.shape[0];
      if (frames < model.minFrames) {
        throw new RangeError(
          `audio too short: ${seconds.toFixed(3)} s gives ${frames} frames; the model needs at ` +
            `least ${model.minFrames}`,
        );
      }
      const emb = model.embed(run, feats.view([1, frames, feats.shape[1]]));
      owned.push(emb);
      run.read(emb);
      pending.push(
        run.submit().then(([out]) => ({
          id: d.item.id,
          vector: float32Tensor(Float32Array.from(out as Float32Array), [model.embedDim]),
          audioSeconds: seconds,
        }), (e) => ({ id: d.item.id, error: `${d.item.audio}: ${(e as Error).message}` })),
      );
    } catch (e) {
      await run.submit().catch(() => {});
      pending.push(
        Promise.resolve({ id: d.item.id, error: `${d.item.audio}: ${(e as Error).message}` }),
      );
    } finally {
      for (const t of owned) t.release();
    }
  }
  return Promise.all(pending);
}

/** The CLI handler of `balr extract`. */
export async function runExtract(req: ExtractRequest): Promise<number> {
  const stderr = req.io.stderr;
  const gpu = await openGpu(req.device, { onWarning: (m) => stderr(`warning: ${m}\n`) });
  const { dataset, items } = await prepareDataset(req, { needs: "audio" });
  reportDatasetProblems(dataset, items, stderr);
  const model = await loadEmbeddingModel(gpu, req.config.embeddings.model);
  const summary = await extractDataset(gpu, dataset, {
    model,
    features: featureOptions(req.config),
    force: req.force,
    saveOutput: req.saveOutput,
    saveDir: req.saveDir,
    batchSize: req.config.data.batch_size,
    items,
    stderr,
  });
  model.dispose();
  return reportVectorBatch("extract", summary, stderr);
}

/** Feature options from the run config (`embeddings.model.features` + `data`). */
export function featureOptions(config: BalrConfig): FeatureOptions {
  return featureOptionsFromConfig(config.embeddings.model.features, config.data);
}
