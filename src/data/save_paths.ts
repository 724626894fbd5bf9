/**
 * Where outputs go.
 *
 * Vector files: beside the item's reference file (its audio, else its
 * embedding file, else its BA file) as `<stem>_emb.<ext>` / `<stem>_ba.<ext>`;
 * with a save dir, under it, mirroring the reference file's path relative to
 * the common ancestor folder of all the dataset's reference files. Compute
 * the plan on the whole dataset before taking a shard, so that every shard
 * mirrors the same layout.
 *
 * Divergences from upstream, on purpose: the common ancestor is taken over
 * the reference files' folders (upstream takes it over the files, so a
 * one-file dataset saved to `runs/x` lands in `runs/x_emb.pkl`, beside the
 * save dir; ours lands in `runs/x/<stem>_emb.pkl`), over all files (upstream
 * samples 1000 at random); and a vector reference file's own suffix is
 * dropped from the stem, so binarizing `utt_emb.pkl` writes `utt_ba.pkl`
 * (upstream: `utt_emb_ba.pkl`).
 *
 * Save dirs: `incrementSaveDir("runs/train")` → `runs/train`, or
 * `runs/train2`, `runs/train3`, … (the first that does not exist, as
 * upstream/ultralytics `increment_path`), created on the way.
 * @module
 */
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import type { Dataset, DatasetItem } from "./dataset.ts";
import { stemOf, VECTOR_SUFFIXES, vectorFileBeside, type VectorKind } from "./vector_paths.ts";

/** The file an item's outputs are placed by: audio, else embedding, else BA file. */
export function referencePath(
  item: DatasetItem,
): { path: string; field: "audio" | VectorKind } | undefined {
  if (item.audio) return { path: item.audio, field: "audio" };
  if (item.embedding) return { path: item.embedding, field: "embedding" };
  if (item.binaryAttributes) return { path: item.binaryAttributes, field: "binaryAttributes" };
  return undefined;
}

/** The deepest folder containing every given path's folder ("/" at worst). */
export function commonAncestor(paths: readonly string[]): string {
  if (paths.length === 0) throw new RangeError("commonAncestor: no paths");
  let parts = resolve(dirname(paths[0])).split(sep);
  for (let i = 1; i < paths.length && parts.length > 1; i++) {
    const other = resolve(dirname(paths[i])).split(sep);
    let k = 0;
    while (k < parts.length && k < other.length && parts[k] === other[k]) k++;
    parts = parts.slice(0, k);
  }
  return parts.join(sep) || sep;
}

/** Where to write each item's vector files. */
export interface SavePlan {
  /** The save dir, when outputs are mirrored under one. */
  readonly saveDir?: string;
  /** The folder whose layout is mirrored under `saveDir`. */
  readonly commonDir?: string;
  /** Path of `kind`'s vector file with extension `ext` (".pkl", "txt", …) for `item`. */
  pathFor(item: DatasetItem, kind: VectorKind, ext: string): string;
}

/** Plans vector output paths for a dataset (beside the reference files, or mirrored under `saveDir`). */
export function planVectorSaves(dataset: Dataset, options: { saveDir?: string } = {}): SavePlan {
  const refs = dataset.items.map((i) => referencePath(i)?.path).filter((p): p is string =>
    p !== undefined
  );
  const saveDir = options.saveDir !== undefined ? resolve(options.saveDir) : undefined;
  const commonDir = saveDir !== undefined && refs.length > 0 ? commonAncestor(refs) : undefined;
  return {
    saveDir,
    commonDir,
    pathFor(item, kind, ext) {
      const ref = referencePath(item);
      if (!ref) {
        throw new Error(
          `${dataset.source}: item "${item.id}" has no audio, embedding or BA file to save beside`,
        );
      }
      // A vector reference's stem without its own suffix: utt_emb.pkl → utt
      let base = ref.path;
      if (ref.field !== "audio") {
        const stem = stemOf(ref.path);
        const suffix = VECTOR_SUFFIXES[ref.field];
        if (stem.endsWith(suffix)) {
          base = join(dirname(ref.path), stem.slice(0, -suffix.length) + extname(ref.path));
        }
      }
      if (saveDir !== undefined && commonDir !== undefined) {
        base = join(saveDir, relative(commonDir, resolve(base)));
      }
      return vectorFileBeside(base, kind, ext);
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Creates and returns the save dir: `path` itself when it does not exist
 * or `existOk`; else the first free `path2`, `path3`, … (for an existing
 * file `name.ext`: `name2.ext`, …). Each candidate is claimed with a
 * non-recursive mkdir, so two runs started together get different folders.
 */
export async function incrementSaveDir(path: string, existOk: boolean): Promise<string> {
  const clean = path.length > 1 ? path.replace(/[\\/]+$/, "") : path;
  if (existOk || !(await exists(clean))) {
    await Deno.mkdir(clean, { recursive: true });
    return clean;
  }
  const info = await Deno.stat(clean);
  const suffix = info.isFile ? extname(clean) : "";
  const stem = suffix ? clean.slice(0, -suffix.length) : clean;
  await Deno.mkdir(dirname(clean), { recursive: true });
  for (let n = 2; n < 10000; n++) {
    const candidate = `${stem}${n}${suffix}`;
    try {
      await Deno.mkdir(candidate);
      return candidate;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        throw new Error(`cannot create save dir ${candidate}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
  }
  throw new Error(
    `${clean}: ${basename(clean)}2 … ${basename(clean)}9999 all exist; pass another save dir`,
  );
}
