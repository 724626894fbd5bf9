/**
 * The audio files below a folder: a recursive walk that follows links
 * (each real folder visited once, so link loops end; entries in name order,
 * so a folder reachable by two paths is always named by the same one), keeps files whose
 * extension is in the audio formats (case-insensitive), and names each by
 * its `/`-separated path relative to the folder, extension included.
 * @module
 */
import { extname, join } from "node:path";
import { normaliseFormats } from "./audio_formats.ts";
import type { DirectoryIndex } from "./directory_index.ts";

/**
 * Lists the audio files under `folder` (an absolute path). Listings are
 * recorded in `options.index` for the vector-file discovery that follows.
 */
export async function listAudioFiles(
  folder: string,
  options: { formats: readonly string[]; index: DirectoryIndex },
): Promise<Array<{ id: string; path: string }>> {
  const exts = normaliseFormats(options.formats);
  const out: Array<{ id: string; path: string }> = [];
  const visited = new Set<string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    const real = await Deno.realPath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    const names: string[] = [];
    const subdirs: string[] = [];
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    // sorted, so which path reaches a folder linked twice does not depend on readDir order
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      let isDir = e.isDirectory;
      let isFile = e.isFile;
      if (e.isSymlink) {
        try {
          const target = await Deno.stat(join(dir, e.name));
          isDir = target.isDirectory;
          isFile = target.isFile;
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) subdirs.push(e.name);
      else {
        names.push(e.name);
        if (isFile && exts.has(extname(e.name).toLowerCase())) {
          out.push({ id: rel ? `${rel}/${e.name}` : e.name, path: join(dir, e.name) });
        }
      }
    }
    options.index.remember(dir, names);
    for (const s of subdirs) await walk(join(dir, s), rel ? `${rel}/${s}` : s);
  };
  await walk(folder, "");
  return out;
}
