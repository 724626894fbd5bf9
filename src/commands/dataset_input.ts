/**
 * Loading a command's input dataset: the dataset itself (for save-path
 * planning) and the items this run handles (after `--shard`), plus the
 * report of files that were listed but are missing.
 * @module
 */
import type { Shard } from "../cli/handlers.ts";
import { type Dataset, type DatasetItem, describeProblem, loadDataset } from "../data/mod.ts";
import { selectShard } from "../data/shard.ts";

/** The request fields a dataset load needs. */
export interface DatasetRequest {
  input: string;
  audioFormats: readonly string[];
  rootDir: string | null;
  shard?: Shard | null;
}

/** The whole dataset and the items of this run. */
export interface PreparedDataset {
  dataset: Dataset;
  items: readonly DatasetItem[];
}

/** Loads the dataset and applies the shard; an empty dataset is an error naming the input. */
export async function prepareDataset(
  req: DatasetRequest,
  options: { needs: "audio" | "embedding" | "binaryAttributes" },
): Promise<PreparedDataset> {
  const dataset = await loadDataset(req.input, {
    audioFormats: req.audioFormats,
    rootDir: req.rootDir ?? undefined,
  });
  if (dataset.size === 0) {
    throw new Error(`${req.input}: the dataset is empty (no ${options.needs} items found)`);
  }
  const items = req.shard ? selectShard(dataset.items, req.shard) : dataset.items;
  return { dataset, items };
}

/** Prints the dataset's problems that concern this run's items. */
export function reportDatasetProblems(
  dataset: Dataset,
  items: readonly DatasetItem[],
  write: (text: string) => void,
): void {
  const ids = new Set(items.map((i) => i.id));
  const problems = dataset.problems.filter((p) => ids.has(p.id));
  for (const p of problems.slice(0, 20)) write(`warning: ${describeProblem(p)}\n`);
  if (problems.length > 20) write(`warning: … and ${problems.length - 20} more problems\n`);
}
