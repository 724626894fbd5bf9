/**
 * Host-side convenience: embeddings of many utterances' features. Utterances
 * are grouped by frame count (a batch only ever holds equal-length
 * utterances, so no padding can leak into a result), batches are capped by
 * the model's memory budget, and each batch is one GPU submit.
 * @module
 */
import type { Gpu } from "../gpu/mod.ts";
import type { EmbeddingModel } from "./resnet_model.ts";

/** Options of embedFeatures. */
export interface EmbedFeaturesOptions {
  /** Utterances per GPU submit (default 16). */
  batchSize?: number;
  /** Called after each batch with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Embeddings of features given as flat [frames·featDim] arrays (row-major
 * [frames, featDim]), in input order.
 */
export async function embedFeatures(
  gpu: Gpu,
  model: EmbeddingModel,
  features: Float32Array[],
  options: EmbedFeaturesOptions = {},
): Promise<Float32Array[]> {
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const f = model.featDim;
  const byLength = new Map<number, number[]>();
  features.forEach((x, i) => {
    if (x.length % f !== 0) {
      throw new RangeError(`features[${i}]: ${x.length} values are not a multiple of ${f}`);
    }
    const frames = x.length / f;
    if (frames < model.minFrames) {
      throw new RangeError(
        `features[${i}]: ${frames} frames are too few; the model needs at least ` +
          `${model.minFrames} (statistics pooling needs two time steps in the last stage)`,
      );
    }
    const list = byLength.get(frames) ?? [];
    list.push(i);
    byLength.set(frames, list);
  });
  const out = new Array<Float32Array>(features.length);
  let done = 0;
  for (const [frames, ids] of byLength) {
    // A single utterance that does not fit still goes alone: embed() says why.
    const size = Math.max(1, Math.min(batchSize, model.maxBatch(frames)));
    for (let s = 0; s < ids.length; s += size) {
      const chunk = ids.slice(s, s + size);
      const host = new Float32Array(chunk.length * frames * f);
      chunk.forEach((id, j) => host.set(features[id], j * frames * f));
      const x = gpu.upload(host, [chunk.length, frames, f]);
      const run = gpu.run("embed_features");
      let y;
      try {
        y = model.embed(run, x);
      } catch (e) {
        await run.submit();
        x.release();
        throw e;
      }
      run.read(y);
      const [emb] = await run.submit();
      x.release();
      y.release();
      chunk.forEach((id, j) =>
        out[id] = (emb as Float32Array).slice(j * model.embedDim, (j + 1) * model.embedDim)
      );
      done += chunk.length;
      options.onProgress?.(done, features.length);
    }
  }
  return out;
}
