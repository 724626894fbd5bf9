/**
 * `balr verify`: the merge/verify step after a sharded batch. Every item of
 * the dataset must have its output (embedding or BA vector) where the batch
 * writes it — beside the reference file or mirrored under `--save-dir` —
 * readable, of the right shape and finite. Optionally writes a manifest csv
 * (`id, audio, embedding|binary_attributes, speaker`) that the next command
 * reads as its dataset: the shards' outputs merged into one input.
 * @module
 */
import { relative, resolve } from "node:path";
import { stringifyCsv } from "../data/csv.ts";
import type { Dataset, DatasetItem } from "../data/dataset.ts";
import { planVectorSaves } from "../data/save_paths.ts";
import { DISCOVERY_EXTENSIONS, type VectorKind } from "../data/vector_paths.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { formatShape, toFloat32 } from "../io/host_tensor.ts";
import { readVectorFile } from "../io/vector_file.ts";
import type { CliIo, VerifyRequest } from "../cli/handlers.ts";
import { prepareDataset } from "./dataset_input.ts";

/** Options of {@link verifyOutputs}. */
export interface VerifyOptions {
  /** Which output to check. */
  kind: VectorKind;
  /** Where the batch mirrored its outputs (null: beside the reference files). */
  saveDir?: string | null;
  /** Expected shape (default [256] for embeddings, [512, 2] for BA vectors). */
  shape?: readonly number[];
}

/** What verification found. */
export interface VerifyResult {
  /** Output file per id, for the items that passed. */
  found: Map<string, string>;
  /** Items without an output file. */
  missing: string[];
  /** Items whose output could not be used. */
  bad: Array<{ id: string; path: string; error: string }>;
}

/** Where an item's output is: the planned path, in any readable vector format. */
function locate(item: DatasetItem, kind: VectorKind, plan: ReturnType<typeof planVectorSaves>) {
  for (const ext of DISCOVERY_EXTENSIONS) {
    const path = plan.pathFor(item, kind, ext);
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* try the next extension */ }
  }
  return item[kind];
}

/**
 * Checks every item's output.
 *
 * @example
 * ```ts ignore
 * const dataset = await loadDataset("audio/");
 * const r = await verifyOutputs(dataset, { kind: "embedding", saveDir: "runs/emb" });
 * console.log(r.found.size, "ok,", r.missing.length, "missing");
 * ```
 */
export async function verifyOutputs(
  dataset: Dataset,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const shape = options.shape ?? (options.kind === "embedding" ? [256] : [512, 2]);
  const plan = planVectorSaves(dataset, { saveDir: options.saveDir ?? undefined });
  const result: VerifyResult = { found: new Map(), missing: [], bad: [] };
  for (const item of dataset.items) {
    const path = locate(item, options.kind, plan);
    if (!path) {
      result.missing.push(item.id);
      continue;
    }
    try {
      const t = await readVectorFile(path);
      const squeezed = t.shape.filter((d) => d !== 1).join(",");
      if (squeezed !== shape.filter((d) => d !== 1).join(",")) {
        throw new Error(`shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
      }
      const values = toFloat32(t);
      const at = values.findIndex((v) => !Number.isFinite(v));
      if (at >= 0) throw new Error(`non-finite value ${values[at]} at index ${at}`);
      result.found.set(item.id, path);
    } catch (e) {
      result.bad.push({ id: item.id, path, error: (e as Error).message });
    }
  }
  return result;
}

/** Writes the merged dataset csv (paths relative to the csv's folder). */
export async function writeManifest(
  path: string,
  dataset: Dataset,
  result: VerifyResult,
  kind: VectorKind,
): Promise<void> {
  const dir = resolve(path, "..");
  const column = kind === "embedding" ? "embedding" : "binary_attributes";
  const rows = dataset.items.filter((i) => result.found.has(i.id)).map((i) => [
    i.id,
    i.audio ? relative(dir, i.audio) : "",
    relative(dir, result.found.get(i.id)!),
    i.speaker ?? "",
  ]);
  await writeFileAtomic(path, stringifyCsv([["id", "audio", column, "speaker"], ...rows]));
}

/** The CLI handler of `balr verify`; exit 1 when anything is missing or bad. */
export async function runVerify(req: VerifyRequest): Promise<number> {
  const io: CliIo = req.io;
  const { dataset } = await prepareDataset(req, { needs: "audio" });
  const result = await verifyOutputs(dataset, { kind: req.kind, saveDir: req.saveDir });
  const what = req.kind === "embedding" ? "embeddings" : "BA vectors";
  io.stdout(
    `verify: ${result.found.size} of ${dataset.size} ${what} present and valid` +
      (result.missing.length ? `, ${result.missing.length} missing` : "") +
      (result.bad.length ? `, ${result.bad.length} bad` : "") + "\n",
  );
  for (const id of result.missing.slice(0, 20)) io.stdout(`  missing ${id}\n`);
  if (result.missing.length > 20) io.stdout(`  … and ${result.missing.length - 20} more missing\n`);
  for (const b of result.bad.slice(0, 20)) io.stdout(`  bad ${b.id}: ${b.path}: ${b.error}\n`);
  if (req.manifest) {
    await writeManifest(req.manifest, dataset, result, req.kind);
    io.stdout(`manifest: ${req.manifest} (${result.found.size} rows)\n`);
  }
  return result.missing.length || result.bad.length ? 1 : 0;
}
