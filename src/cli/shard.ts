/**
 * `--shard i/n`: split a dataset across the jobs of a job array. Shards are
 * 0-based (`0/4` … `3/4`), so `--shard $SLURM_ARRAY_TASK_ID/$N` works with
 * `--array=0-(N-1)`. The parsing itself is the data layer's; this wrapper
 * turns its error into a usage error.
 * @module
 */
import { parseShard as parseShardText } from "../data/shard.ts";
import type { Shard } from "./handlers.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Parses `i/n` with `0 <= i < n`.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * console.assert(parseShard("2/8").index === 2);
 * ```
 */
export function parseShard(text: string): Shard {
  try {
    return parseShardText(text);
  } catch {
    throw new UsageError(
      `invalid --shard '${text}': expected i/n with 0 <= i < n (0-based shard index), e.g. 0/4`,
    );
  }
}
