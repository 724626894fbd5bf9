/**
 * The batch loop shared by `extract` and `binarize`: skip items that are
 * done (resume), process the rest in batches, write each output atomically
 * as soon as its batch finishes, keep going past a bad item and report every
 * failure at the end.
 * @module
 */
import type { DatasetItem } from "../data/dataset.ts";
import type { SavePlan } from "../data/save_paths.ts";
import type { VectorKind } from "../data/vector_paths.ts";
import type { HostTensor } from "../io/host_tensor.ts";
import { writeVectorFile } from "../io/vector_file.ts";
import { Progress } from "../report/progress.ts";

/** The outcome for one item of a batch. */
export interface ItemResult {
  id: string;
  /** The output vector, when the item succeeded. */
  vector?: HostTensor;
  /** Why the item failed (names the file). */
  error?: string;
  /** Seconds of audio the item held (for the realtime factor). */
  audioSeconds?: number;
}

/** What one batch job needs. */
export interface VectorBatchOptions {
  /** Progress label, e.g. "extract". */
  label: string;
  /** Items to consider (already sharded). */
  items: readonly DatasetItem[];
  /** Where outputs go (computed on the whole dataset). */
  plan: SavePlan;
  /** Which vector the job writes. */
  outputKind: VectorKind;
  /** Output extension (upstream writes `.pkl`). */
  outputExt?: string;
  /** Also redo items whose output exists. */
  force: boolean;
  /** Write outputs (else only return them). */
  saveOutput: boolean;
  /** Items per batch (one GPU submit each). */
  batchSize: number;
  /** Reason to skip an item that cannot be processed (e.g. no embedding), or undefined. */
  skipReason(item: DatasetItem): string | undefined;
  /** Processes one batch; must return one result per item, in any order. */
  process(batch: DatasetItem[]): Promise<ItemResult[]>;
  /** Where progress and warnings go. */
  stderr: (text: string) => void;
  /** Stops between batches (Ctrl-C); finished outputs stay intact. */
  signal?: AbortSignal;
  /** Force a TTY or plain progress display (tests). */
  tty?: boolean;
}

/** What a batch job did. */
export interface VectorBatchSummary {
  /** Items processed successfully in this run. */
  processed: number;
  /** Items skipped because their output already existed (resume). */
  alreadyDone: number;
  /** Items skipped because they cannot be processed, with the reason. */
  skipped: Array<{ id: string; reason: string }>;
  /** Items that failed, with the error. */
  failed: Array<{ id: string; error: string }>;
  /** Output file per processed id (when saving). */
  outputs: Map<string, string>;
  /** Output vector per processed id (when not saving). */
  vectors: Map<string, HostTensor>;
  /** True when the signal stopped the job early. */
  interrupted: boolean;
  /** Wall seconds. */
  seconds: number;
  /** Seconds of audio processed (extract). */
  audioSeconds: number;
}

/** True when the item already has this output on disk (a known file, or the planned one). */
export function hasOutput(
  item: DatasetItem,
  kind: VectorKind,
  plannedPath: string | undefined,
): boolean {
  return isFile(item[kind]) || isFile(plannedPath);
}

function isFile(path: string | undefined): boolean {
  if (!path) return false;
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Runs the batch loop. */
export async function runVectorBatch(options: VectorBatchOptions): Promise<VectorBatchSummary> {
  const ext = options.outputExt ?? ".pkl";
  const summary: VectorBatchSummary = {
    processed: 0,
    alreadyDone: 0,
    skipped: [],
    failed: [],
    outputs: new Map(),
    vectors: new Map(),
    interrupted: false,
    seconds: 0,
    audioSeconds: 0,
  };
  const todo: DatasetItem[] = [];
  for (const item of options.items) {
    const reason = options.skipReason(item);
    if (reason) {
      summary.skipped.push({ id: item.id, reason });
      continue;
    }
    const planned = options.saveOutput
      ? options.plan.pathFor(item, options.outputKind, ext)
      : undefined;
    if (!options.force && hasOutput(item, options.outputKind, planned)) {
      summary.alreadyDone++;
      continue;
    }
    todo.push(item);
  }
  for (const s of summary.skipped) options.stderr(`warning: skipping ${s.id}: ${s.reason}\n`);
  if (todo.length === 0) {
    options.stderr(
      `warning: ${options.label}: nothing to do (${summary.alreadyDone} already done, ` +
        `${summary.skipped.length} skipped); use --force to redo existing outputs\n`,
    );
    return summary;
  }
  const progress = new Progress({
    label: options.label,
    total: todo.length,
    unit: "files",
    write: options.stderr,
    tty: options.tty,
  });
  const start = performance.now();
  for (let i = 0; i < todo.length; i += options.batchSize) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const batch = todo.slice(i, i + options.batchSize);
    let results: ItemResult[];
    try {
      results = await options.process(batch);
    } catch (e) {
      // A batch-level failure (GPU lost, …): record it for every item and go on.
      const msg = (e as Error).message;
      results = batch.map((b) => ({ id: b.id, error: msg }));
    }
    const byId = new Map(batch.map((b) => [b.id, b]));
    for (const r of results) {
      const item = byId.get(r.id);
      if (!item) continue;
      byId.delete(r.id);
      if (r.error !== undefined || !r.vector) {
        summary.failed.push({ id: r.id, error: r.error ?? "no output produced" });
        continue;
      }
      summary.audioSeconds += r.audioSeconds ?? 0;
      if (options.saveOutput) {
        const path = options.plan.pathFor(item, options.outputKind, ext);
        try {
          await writeVectorFile(path, r.vector);
          summary.outputs.set(r.id, path);
        } catch (e) {
          summary.failed.push({ id: r.id, error: (e as Error).message });
          continue;
        }
      } else {
        summary.vectors.set(r.id, r.vector);
      }
      summary.processed++;
    }
    for (const id of byId.keys()) summary.failed.push({ id, error: "no result returned" });
    const elapsed = (performance.now() - start) / 1000;
    progress.tick(
      batch.length,
      summary.audioSeconds > 0 ? { rtf: realtime(summary, elapsed) } : {},
    );
  }
  summary.seconds = (performance.now() - start) / 1000;
  progress.finish();
  return summary;
}

function realtime(summary: VectorBatchSummary, elapsed: number): string {
  return `${(summary.audioSeconds / Math.max(elapsed, 1e-9)).toFixed(1)}x`;
}

/** Prints the end-of-job report; returns the exit code (1 when anything failed). */
export function reportVectorBatch(
  label: string,
  summary: VectorBatchSummary,
  write: (text: string) => void,
): number {
  const parts = [`${summary.processed} done`];
  if (summary.alreadyDone) parts.push(`${summary.alreadyDone} already done (skipped)`);
  if (summary.skipped.length) parts.push(`${summary.skipped.length} skipped`);
  if (summary.failed.length) parts.push(`${summary.failed.length} failed`);
  if (summary.audioSeconds > 0 && summary.seconds > 0) {
    parts.push(`${(summary.audioSeconds / summary.seconds).toFixed(1)}x realtime`);
  }
  write(`${label}: ${parts.join(", ")}${summary.interrupted ? " (interrupted)" : ""}\n`);
  for (const f of summary.failed) write(`  failed ${f.id}: ${f.error}\n`);
  return summary.failed.length > 0 || summary.interrupted ? 1 : 0;
}
