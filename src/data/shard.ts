/**
 * Splitting a batch over several runs.
 *
 * `--shard i/n` (0-based: `0/4`, `1/4`, `2/4`, `3/4`) takes the i-th of n
 * contiguous blocks of the sorted ids; block sizes differ by at most one,
 * and the same dataset always gives the same blocks (adding files shifts the
 * boundaries: finished items are then skipped as already done, unless
 * `--force`). Contiguous blocks keep each speaker's folder together.
 *
 * `--ids FILE` keeps only the ids listed in a text file, one per line
 * (blank lines ignored, duplicates allowed).
 * @module
 */
import type { Dataset } from "./dataset.ts";

/** Shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (0-based); anything else is a RangeError quoting the text. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new RangeError(`shard "${text}": expected i/n with 0 ≤ i < n, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) {
    throw new RangeError(`shard "${text}": need 0 ≤ i < n (shards are numbered from 0)`);
  }
  return { index, count };
}

/** The shard's contiguous block of `ids` (in their given order). */
export function selectShard<T>(ids: readonly T[], shard: Shard): T[] {
  const start = Math.floor((shard.index * ids.length) / shard.count);
  const end = Math.floor(((shard.index + 1) * ids.length) / shard.count);
  return ids.slice(start, end);
}

/** Reads an id list: one id per line, trimmed, blank lines skipped. Errors name the file. */
export async function readIdList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read id list: ${(e as Error).message}`, { cause: e });
  }
  const ids = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (ids.length === 0) throw new Error(`${path}: id list is empty`);
  return ids;
}

/**
 * The items of `dataset` whose ids are listed (dataset order). Ids not in
 * the dataset are an Error naming up to five of them and `options.source`.
 */
export function filterIds(
  dataset: Dataset,
  ids: Iterable<string>,
  options: { source?: string } = {},
): Dataset {
  const wanted = new Set(ids);
  const unknown = [...wanted].filter((id) => !dataset.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((id) => `"${id}"`).join(", ");
    const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : "";
    throw new Error(
      `${
        options.source ?? "id list"
      }: ${unknown.length} id(s) not in dataset ${dataset.source}: ${shown}${more}`,
    );
  }
  return dataset.subset(wanted);
}
