/**
 * Cosine scoring of raw embeddings: the baseline that BA-LR's explainable
 * scores are compared with (the demo's "cosine (embeddings)" row). One GPU
 * submit for all trials.
 * @module
 */
import { chunkRanges, type Gpu, type GpuTensor } from "../gpu/mod.ts";
import { scoringPairCosine } from "../kernels/scoring_pair_cosine.ts";

/** Options of {@link cosineScorePairs}. */
export interface CosineScorePairsOptions {
  /** Embedding size (a multiple of 4). */
  dim: number;
  /** `[nTrials, 2]` row indices (enrolment, test). */
  pairs: ArrayLike<number>;
  /** Denominator floor (default 1e-8, as torch's cosine_similarity). */
  eps?: number;
}

/**
 * Cosine similarity of each (enrolment, test) pair of embedding rows.
 *
 * @example
 * ```ts ignore
 * const scores = await cosineScorePairs(gpu, embeddings, { dim: 256, pairs: [0, 1, 0, 2] });
 * ```
 */
export async function cosineScorePairs(
  gpu: Gpu,
  embeddings: Float32Array,
  options: CosineScorePairsOptions,
): Promise<Float32Array> {
  const { dim } = options;
  if (embeddings.length === 0 || embeddings.length % dim !== 0) {
    throw new RangeError(`cosineScorePairs: ${embeddings.length} values are not rows of ${dim}`);
  }
  const rows = embeddings.length / dim;
  const pairs = Uint32Array.from(options.pairs);
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i] >= rows) {
      throw new RangeError(`cosineScorePairs: pair ${i >> 1} names row ${pairs[i]} of ${rows}`);
    }
  }
  if (embeddings.length > gpu.maxBindingElements) {
    throw new RangeError(
      `cosineScorePairs: ${rows} embeddings exceed one storage binding on this adapter`,
    );
  }
  const nPairs = pairs.length / 2;
  const x = gpu.upload(embeddings, [rows, dim]);
  const run = gpu.run("cosine_score_pairs");
  const owned: GpuTensor[] = [x];
  try {
    for (const [start, end] of chunkRanges(nPairs, gpu.bindingChunkElements(32) / 2)) {
      const p = gpu.upload(pairs.subarray(2 * start, 2 * end), [end - start, 2], "u32");
      const out = gpu.empty([end - start]);
      owned.push(p, out);
      scoringPairCosine(run, { x, pairs: p, out, dim, eps: options.eps });
      run.read(out);
    }
    const parts = await run.submit();
    const scores = new Float32Array(nPairs);
    let at = 0;
    for (const part of parts) {
      scores.set(part as Float32Array, at);
      at += part.length;
    }
    return scores;
  } finally {
    for (const t of owned) t.release();
  }
}
