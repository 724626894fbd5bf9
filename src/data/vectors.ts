/**
 * Loading one kind of vector (embeddings or BA vectors) for a whole dataset
 * into one stacked float32 array, ready for a single GPU upload.
 *
 * Items without a file of that kind are listed in `missing`; a file that
 * cannot be read, has another shape (size-1 axes aside) or holds NaN/Inf is
 * listed in `bad` with its id, path and reason: callers decide whether to
 * fail or skip. `concurrency` is `data.num_workers`: n > 0 reads with n
 * requests in flight (file I/O overlaps; parsing stays on this thread),
 * 0 reads one file after another. Deno workers were measured and did not
 * pay on the 2-core development machine (worker start-up ~0.2 s each;
 * `.pkl` files read at ~20–40 k/s and `.txt` [512, 2] at ~2.5 k/s on one
 * thread), so parsing stays on the main thread.
 * @module
 */
import { formatShape, shapeSize, toFloat32 } from "../io/host_tensor.ts";
import { readVectorFile } from "../io/vector_file.ts";
import type { Dataset } from "./dataset.ts";
import type { VectorKind } from "./vector_paths.ts";

/** One file's values and shape, or why it could not be read. */
type VectorReadResult =
  | { shape: number[]; data: Float32Array }
  | { error: string; notFound: boolean };

/** Options of {@link loadVectors}. */
export interface LoadVectorsOptions {
  /** Shape of one vector, e.g. [256] or [512, 2]. */
  expectShape: readonly number[];
  /** Reads in flight (`data.num_workers`); 0 = one after another. Default 8. */
  concurrency?: number;
}

/** Vectors of the dataset's items, stacked in id order. */
export interface LoadedVectors {
  /** Ids whose vector loaded, in dataset order. */
  ids: string[];
  /** `ids.length × prod(expectShape)` float32 values. */
  data: Float32Array;
  /** Ids without a file of this kind. */
  missing: string[];
  /** Files that could not be used. */
  bad: Array<{ id: string; path: string; error: string }>;
}

async function readOne(path: string): Promise<VectorReadResult> {
  try {
    const t = await readVectorFile(path);
    return { shape: t.shape, data: toFloat32(t) };
  } catch (e) {
    const cause = (e as Error).cause;
    const notFound = e instanceof Deno.errors.NotFound || cause instanceof Deno.errors.NotFound;
    return { error: (e as Error).message, notFound };
  }
}

function squeeze(shape: readonly number[]): number[] {
  return shape.filter((d) => d !== 1);
}

/** Loads `kind` vectors for every item of `dataset`; see the module docs. */
export async function loadVectors(
  dataset: Dataset,
  kind: VectorKind,
  options: LoadVectorsOptions,
): Promise<LoadedVectors> {
  const width = shapeSize(options.expectShape);
  const want = squeeze(options.expectShape).join(",");
  const missing: string[] = [];
  const jobs: Array<{ id: string; path: string }> = [];
  for (const item of dataset.items) {
    const path = item[kind];
    if (path) jobs.push({ id: item.id, path });
    else missing.push(item.id);
  }
  const data = new Float32Array(jobs.length * width);
  const ok = new Uint8Array(jobs.length);
  const errors: Array<string | undefined> = new Array(jobs.length);
  const accept = (k: number, r: VectorReadResult): void => {
    if ("error" in r) {
      errors[k] = r.notFound ? "file not found" : r.error;
      return;
    }
    if (squeeze(r.shape).join(",") !== want) {
      errors[k] = `shape ${formatShape(r.shape)}, expected ${formatShape(options.expectShape)}`;
      return;
    }
    for (let i = 0; i < r.data.length; i++) {
      if (!Number.isFinite(r.data[i])) {
        errors[k] = `value ${i} is ${r.data[i]}`;
        return;
      }
    }
    data.set(r.data, k * width);
    ok[k] = 1;
  };
  const concurrency = Math.max(0, Math.floor(options.concurrency ?? 8));
  const paths = jobs.map((j) => j.path);
  if (concurrency === 0) {
    for (let k = 0; k < jobs.length; k++) accept(k, await readOne(paths[k]));
  } else {
    let next = 0;
    const reader = async () => {
      while (next < jobs.length) {
        const k = next++;
        accept(k, await readOne(paths[k]));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, reader));
  }
  const ids: string[] = [];
  const bad: LoadedVectors["bad"] = [];
  let kept = 0;
  for (let k = 0; k < jobs.length; k++) {
    if (ok[k]) {
      if (kept !== k) data.copyWithin(kept * width, k * width, (k + 1) * width);
      ids.push(jobs[k].id);
      kept++;
    } else {
      bad.push({ id: jobs[k].id, path: jobs[k].path, error: errors[k] ?? "unreadable" });
    }
  }
  return { ids, data: kept === jobs.length ? data : data.slice(0, kept * width), missing, bad };
}
