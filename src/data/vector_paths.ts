/**
 * Names of the vector files that sit beside an audio file, and their
 * discovery.
 *
 * `<dir>/<stem>.<audio ext>` has its embedding in `<dir>/<stem>_emb.<ext>` and
 * its BA vector in `<dir>/<stem>_ba.<ext>`. Discovery takes the first that
 * exists of `.txt`, `.pkl`, `.npy`, `.safetensors`, in that order (upstream
 * looks for `.txt` then `.pkl` only; the two binary formats are our
 * additions). The stem is the file name without its last extension, so
 * `spk1.utt1.wav` → `spk1.utt1_emb.txt` (upstream's `with_suffix` would
 * make that `spk1.txt`, colliding across files: a deliberate divergence).
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import type { DirectoryIndex } from "./directory_index.ts";

/** The two kinds of vector file. */
export type VectorKind = "embedding" | "binaryAttributes";

/** File-name suffix of each kind. */
export const VECTOR_SUFFIXES: Readonly<Record<VectorKind, string>> = {
  embedding: "_emb",
  binaryAttributes: "_ba",
};

/** Extensions looked for beside an audio file, in order of preference. */
export const DISCOVERY_EXTENSIONS = [".txt", ".pkl", ".npy", ".safetensors"] as const;

/** The file name without its last extension. */
export function stemOf(path: string): string {
  const name = basename(path);
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/**
 * The vector file of `kind` beside `base` (an audio path, or a path whose
 * stem is the item's bare stem), with extension `ext` (".pkl", "txt", …).
 */
export function vectorFileBeside(base: string, kind: VectorKind, ext: string): string {
  const dot = ext.startsWith(".") ? ext : `.${ext}`;
  return join(dirname(base), `${stemOf(base)}${VECTOR_SUFFIXES[kind]}${dot}`);
}

/** The vector files of both kinds that exist beside `audioPath`. */
export async function discoverVectorFiles(
  audioPath: string,
  index: DirectoryIndex,
): Promise<Partial<Record<VectorKind, string>>> {
  const names = await index.names(dirname(audioPath));
  const found: Partial<Record<VectorKind, string>> = {};
  const stem = stemOf(audioPath);
  for (const kind of ["embedding", "binaryAttributes"] as const) {
    for (const ext of DISCOVERY_EXTENSIONS) {
      const name = `${stem}${VECTOR_SUFFIXES[kind]}${ext}`;
      if (names.has(name)) {
        found[kind] = join(dirname(audioPath), name);
        break;
      }
    }
  }
  return found;
}
