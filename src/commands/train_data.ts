/**
 * The training and validation data of `balr train`, loaded and checked
 * before any GPU work: every item needs a speaker label and an embedding of
 * `trainer.input_dim` finite values.
 *
 * An item without an embedding (or with an unreadable, wrongly sized or
 * NaN/Inf one) fails the command with one message listing the items at
 * fault, as upstream aborts training on the first sample without an
 * embedding: silently dropping training data would change the model.
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { describeProblem } from "../data/dataset.ts";
import { loadVectors } from "../data/vectors.ts";
import { formatShape } from "../io/host_tensor.ts";
import type { TrainSplit } from "../binary/trainer.ts";
import { speakerIndex } from "./scoring_data.ts";

/** Most items named in one error message. */
const LISTED = 10;

/** A dataset ready for {@link trainBae}, with what messages need. */
export interface LoadedTrainSplit extends TrainSplit {
  /** Speaker label of each row. */
  labels: string[];
  /** Item id of each row (dataset order). */
  ids: string[];
  /** Distinct speakers, sorted. */
  speakers: string[];
  /** Where the data came from (the TRAIN or VAL argument). */
  source: string;
}

/** Options of {@link loadTrainSplit}. */
export interface LoadTrainSplitOptions {
  /** `train` or `val`, for messages. */
  role: "train" | "val";
  /** Embedding size (`trainer.input_dim`). */
  inputDim: number;
  /** Embedding files read in flight (`data.num_workers`). */
  concurrency?: number;
}

/**
 * Loads a dataset's embeddings and speaker labels in dataset order; an
 * Error names the dataset and lists the items at fault (no speaker label;
 * missing, unreadable, wrongly sized or non-finite embedding).
 */
export async function loadTrainSplit(
  dataset: Dataset,
  options: LoadTrainSplitOptions,
): Promise<LoadedTrainSplit> {
  const { role, inputDim } = options;
  const purpose = `balr train (${role.toUpperCase()} dataset)`;
  if (dataset.size === 0) throw new Error(`${dataset.source}: the ${role} dataset is empty`);
  const { speakers } = speakerIndex(dataset, { ids: dataset.ids, purpose });
  const shape = [inputDim];
  const loaded = await loadVectors(dataset, "embedding", {
    expectShape: shape,
    concurrency: options.concurrency,
  });
  const faults: string[] = [];
  for (const id of loaded.missing) {
    const problem = dataset.problemsOf(id).find((p) => p.field === "embedding");
    faults.push(
      problem
        ? describeProblem(problem)
        : `id ${id}: no embedding (no <stem>_emb.txt/.pkl beside its audio and no embedding column)`,
    );
  }
  for (const b of loaded.bad) faults.push(`id ${b.id}: ${b.path}: ${b.error}`);
  if (faults.length > 0) {
    const shown = faults.slice(0, LISTED).map((l) => `\n  ${l}`).join("");
    const more = faults.length > LISTED ? `\n  … and ${faults.length - LISTED} more` : "";
    throw new Error(
      `${dataset.source}: ${faults.length} of ${dataset.size} items of the ${role} dataset have ` +
        `no usable embedding ${formatShape(shape)}; ${purpose} needs one for each ` +
        `(run balr extract first, or fix the files):${shown}${more}`,
    );
  }
  return {
    embeddings: loaded.data,
    labels: loaded.ids.map((id) => dataset.get(id)!.speaker!),
    ids: loaded.ids,
    speakers,
    source: dataset.source,
  };
}
