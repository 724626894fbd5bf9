/**
 * Where file-format readers get their bytes: a path (read whole) or bytes
 * already in memory, with the name that errors show.
 * @module
 */

/** Bytes to parse and the name to show in errors. */
export interface SourceBytes {
  bytes: Uint8Array;
  name: string;
}

/**
 * Reads `source` when it is a path; passes bytes through. The name is
 * `options.name`, else the path, else `fallback`.
 */
export async function readSource(
  source: string | Uint8Array,
  options: { name?: string; fallback?: string } = {},
): Promise<SourceBytes> {
  if (typeof source !== "string") {
    return { bytes: source, name: options.name ?? options.fallback ?? "<bytes>" };
  }
  const name = options.name ?? source;
  try {
    return { bytes: await Deno.readFile(source), name };
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new Error(`${name}: cannot read: ${why}`, { cause: e });
  }
}

/**
 * Synchronous {@link readSource}. For small files (vector files) this is
 * several times faster than an awaited read, whose async file operation
 * costs ~30 µs each.
 */
export function readSourceSync(
  source: string | Uint8Array,
  options: { name?: string; fallback?: string } = {},
): SourceBytes {
  if (typeof source !== "string") {
    return { bytes: source, name: options.name ?? options.fallback ?? "<bytes>" };
  }
  const name = options.name ?? source;
  try {
    return { bytes: Deno.readFileSync(source), name };
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new Error(`${name}: cannot read: ${why}`, { cause: e });
  }
}

/** The lower-case extension of a path, with its dot (`.pkl`), or "". */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}
