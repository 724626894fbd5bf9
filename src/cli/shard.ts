/**
 * `--shard i/n`: split a dataset across the jobs of a job array. Shards are
 * 0-based (`0/4` … `3/4`), so `--shard $SLURM_ARRAY_TASK_ID/$N` works with
 * `--array=0-(N-1)`.
 * @module
 */
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
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count || !Number.isSafeInteger(count)) {
    throw new UsageError(
      `invalid --shard '${text}': expected i/n with 0 <= i < n (0-based shard index), e.g. 0/4`,
    );
  }
  return { index, count };
}
