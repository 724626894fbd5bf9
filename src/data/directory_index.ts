/**
 * Existence checks by directory listing: each folder is read once and its
 * names kept, so checking millions of dataset files (csv rows, `<stem>_emb.*`
 * discovery) costs one `readDir` per folder instead of several `stat` calls
 * per file.
 * @module
 */
import { basename, dirname } from "node:path";

/** A cache of folder listings (names of files and links to files). */
export class DirectoryIndex {
  readonly #listings = new Map<string, Promise<Set<string>>>();

  /** Records a listing already known (e.g. from a folder walk). */
  remember(dir: string, names: Iterable<string>): void {
    this.#listings.set(dir, Promise.resolve(new Set(names)));
  }

  /** The names in `dir` (empty when it does not exist or cannot be read). */
  names(dir: string): Promise<Set<string>> {
    let p = this.#listings.get(dir);
    if (!p) {
      p = (async () => {
        const names = new Set<string>();
        try {
          for await (const e of Deno.readDir(dir)) if (!e.isDirectory) names.add(e.name);
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) {
            throw e;
          }
        }
        return names;
      })();
      this.#listings.set(dir, p);
    }
    return p;
  }

  /** Whether a (non-directory) entry exists at `path`. */
  async exists(path: string): Promise<boolean> {
    return (await this.names(dirname(path))).has(basename(path));
  }
}
