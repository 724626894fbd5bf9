/**
 * Binary attributes of embeddings (`balr binarize`): the BAE's eval-mode
 * encoder on the GPU, b = Z > 0, and the BA vectors [512, 2] = stack(b, 1 − b).
 * @module
 */
import type { Gpu } from "../gpu/mod.ts";
import { alignedStride, gpuMatrix } from "../kernels/_bae_matrix.ts";
import { baeBinarize } from "../kernels/bae_binarize.ts";
import type { BaeWeights } from "./bae_weights.ts";
import { baeForwardState, type BaeGpuModel, createBaeModel, releaseBaeModel } from "./bae_model.ts";

/** Options of {@link binarizeEmbeddings}. */
export interface BinarizeOptions {
  /** Ids of the rows, for error messages (default: row numbers). */
  ids?: readonly string[];
  /** Rows per GPU submit (default 4096; at most the adapter's texture height). */
  batchSize?: number;
  /** Also return dense BA vectors [N, internalDim, 2] computed on the GPU. */
  ba?: boolean;
  /** Called after each submit with (rows done, rows total). */
  onProgress?: (done: number, total: number) => void;
}

/** Outputs of {@link binarizeEmbeddings}. */
export interface BinarizeResult {
  /** b = Z > 0, [N, internalDim] as 0/1 bytes. */
  bits: Uint8Array;
  /** The encoder's tanh output Z, [N, internalDim]. */
  z: Float32Array;
  /** stack(b, 1 − b) per row, [N, internalDim, 2] (when asked). */
  ba?: Float32Array;
}

/**
 * Checks that `embeddings` holds rows of `dim` finite values; the error
 * names the offending id.
 */
export function checkEmbeddings(
  embeddings: Float32Array,
  dim: number,
  ids?: readonly string[],
): number {
  if (embeddings.length % dim !== 0) {
    throw new RangeError(
      `embeddings hold ${embeddings.length} values, not a multiple of the BAE input size ${dim}`,
    );
  }
  const n = embeddings.length / dim;
  if (ids && ids.length !== n) {
    throw new RangeError(`${ids.length} ids for ${n} embeddings of size ${dim}`);
  }
  for (let i = 0; i < embeddings.length; i++) {
    if (!Number.isFinite(embeddings[i])) {
      const row = Math.floor(i / dim);
      const id = ids ? ids[row] : `#${row}`;
      throw new RangeError(
        `embedding ${id} has a non-finite value (${embeddings[i]}) at position ${i % dim}`,
      );
    }
  }
  return n;
}

/**
 * Runs the BAE encoder over embeddings [N, inputDim] and returns b and Z.
 * Takes host weights (uploaded for the call) or a model already on the GPU.
 */
export async function binarizeEmbeddings(
  gpu: Gpu,
  weights: BaeWeights | BaeGpuModel,
  embeddings: Float32Array,
  options: BinarizeOptions = {},
): Promise<BinarizeResult> {
  const owned = !("params" in weights);
  const model = owned ? createBaeModel(gpu, weights as BaeWeights) : weights as BaeGpuModel;
  try {
    const { inputDim: d, internalDim: h } = model.dims;
    const n = checkEmbeddings(embeddings, d, options.ids);
    const maxRows = gpu.device.limits.maxTextureDimension2D;
    const chunk = Math.max(1, Math.min(options.batchSize ?? 4096, maxRows));
    const bits = new Uint8Array(n * h);
    const z = new Float32Array(n * h);
    const ba = options.ba ? new Float32Array(n * h * 2) : undefined;
    const ldIn = alignedStride(d);
    const ldOut = alignedStride(h);
    // Two submits in flight: the next chunk is encoded while the previous one computes.
    let pending: Promise<void> | null = null;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const host = new Float32Array(rows * ldIn);
      for (let r = 0; r < rows; r++) {
        host.set(embeddings.subarray((start + r) * d, (start + r + 1) * d), r * ldIn);
      }
      const run = gpu.run("bae_binarize");
      const input = gpuMatrix(run.scratch([rows * ldIn], "f32", "bae_input"), rows, d);
      gpu.write(input.tensor, host);
      const s = baeForwardState(run, model, input, { decode: false });
      run.read(s.z.tensor);
      run.read(s.b.tensor);
      if (ba) {
        const out = run.scratch([rows * h * 2], "f32", "bae_ba");
        baeBinarize(run, s.z, out, { ba: true });
        run.read(out);
      }
      const done = run.submit();
      const previous = pending;
      pending = (async () => {
        const [zz, bb, aa] = await done as Float32Array[];
        for (let r = 0; r < rows; r++) {
          z.set(zz.subarray(r * ldOut, r * ldOut + h), (start + r) * h);
          const row = bb.subarray(r * ldOut, r * ldOut + h);
          for (let j = 0; j < h; j++) bits[(start + r) * h + j] = row[j];
        }
        if (ba && aa) ba.set(aa.subarray(0, rows * h * 2), start * h * 2);
        options.onProgress?.(start + rows, n);
      })();
      if (previous) await previous;
    }
    if (pending) await pending;
    return { bits, z, ba };
  } finally {
    if (owned) releaseBaeModel(model);
  }
}

/** BA vectors [N, dim, 2] = stack(b, 1 − b) from bits [N, dim]. */
export function baVectors(bits: Uint8Array | Float32Array): Float32Array {
  const out = new Float32Array(bits.length * 2);
  for (let i = 0; i < bits.length; i++) {
    out[2 * i] = bits[i];
    out[2 * i + 1] = 1 - bits[i];
  }
  return out;
}
