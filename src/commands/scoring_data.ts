/**
 * The binary attribute vectors and speaker labels a scoring command needs,
 * loaded and checked before any GPU work starts.
 *
 * Every item asked for must have a BA vector (discovered beside its audio as
 * `<stem>_ba.txt|.pkl|…`, or named in a `binary_attributes` column) of shape
 * `[n_attributes, K]` whose rows are one-hot (`[b, 1 - b]` with b ∈ {0, 1}
 * for K = 2). A missing, unreadable or malformed vector fails the command
 * with one message listing the items at fault: upstream's `score train`
 * refuses an item without a BA vector too, and a silently skipped recording
 * would change the fitted model or drop trials.
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { compareCodePoints, describeProblem } from "../data/dataset.ts";
import { loadVectors } from "../data/vectors.ts";
import { formatShape } from "../io/host_tensor.ts";

/** Most items named in one error message. */
const LISTED = 10;

/** BA vectors of a list of items, stacked in dataset order. */
export interface BaVectors {
  /** Item ids, in the order of `data`. */
  ids: string[];
  /** Row of each id in `data`. */
  row: Map<string, number>;
  /** The BA file each vector came from. */
  paths: string[];
  /** `[ids.length, nAttributes, nCategories]` counts. */
  data: Float32Array;
  nAttributes: number;
  nCategories: number;
}

/** Options of {@link loadBaVectors}. */
export interface LoadBaVectorsOptions {
  /** Attributes per vector (`scorer.n_attributes`). */
  nAttributes: number;
  /** Columns per attribute (2 for BA vectors; beta's `scorer.K`). */
  nCategories: number;
  /** Reads in flight (`data.num_workers`). */
  concurrency?: number;
  /** What needs the vectors, for messages (e.g. "balr score train"). */
  purpose: string;
  /** Where an id is used, appended to its line in messages (e.g. the trials line). */
  usedAt?: (id: string) => string;
}

/**
 * Why a vector of `[nAttr, nCat]` counts is not one BA vector (a row not
 * one-hot), or null when it is one.
 */
export function baVectorDefect(
  v: Float32Array,
  shape: { nAttributes: number; nCategories: number },
): string | null {
  const { nAttributes: nAttr, nCategories: nCat } = shape;
  for (let a = 0; a < nAttr; a++) {
    let sum = 0;
    let binary = true;
    for (let c = 0; c < nCat; c++) {
      const x = v[a * nCat + c];
      if (x < 0) {
        return `attribute ${a} holds a negative count (${x}); counts must be non-negative`;
      }
      if (x !== 0 && x !== 1) binary = false;
      sum += x;
    }
    if (!binary || sum !== 1) {
      const row = Array.from(v.subarray(a * nCat, (a + 1) * nCat));
      const want = nCat === 2 ? "[b, 1 - b] with b in {0, 1}" : `one-hot over ${nCat} columns`;
      return `attribute ${a} is [${row.join(", ")}]; a BA vector row is ${want}`;
    }
  }
  return null;
}

function listed(lines: string[]): string {
  const shown = lines.slice(0, LISTED).map((l) => `\n  ${l}`).join("");
  return lines.length > LISTED ? `${shown}\n  … and ${lines.length - LISTED} more` : shown;
}

/**
 * Loads and checks the BA vectors of every item of `dataset` (pass a
 * `dataset.subset(ids)` for fewer); any missing or bad vector is an Error
 * naming the ids, files and reasons.
 */
export async function loadBaVectors(
  dataset: Dataset,
  options: LoadBaVectorsOptions,
): Promise<BaVectors> {
  const { nAttributes, nCategories } = options;
  const shape = [nAttributes, nCategories];
  const loaded = await loadVectors(dataset, "binaryAttributes", {
    expectShape: shape,
    concurrency: options.concurrency,
  });
  const where = (id: string) => (options.usedAt ? ` (${options.usedAt(id)})` : "");
  const faults: string[] = [];
  for (const id of loaded.missing) {
    const problem = dataset.problemsOf(id).find((p) => p.field === "binaryAttributes");
    faults.push(
      problem
        ? `${describeProblem(problem)}${where(id)}`
        : `id ${id}: no binary attribute vector (no <stem>_ba.txt/.pkl beside its audio and ` +
          `no binary_attributes column)${where(id)}`,
    );
  }
  for (const b of loaded.bad) faults.push(`id ${b.id}: ${b.path}: ${b.error}${where(b.id)}`);
  const width = nAttributes * nCategories;
  const pathOf = new Map(dataset.items.map((i) => [i.id, i.binaryAttributes ?? ""]));
  loaded.ids.forEach((id, k) => {
    const defect = baVectorDefect(loaded.data.subarray(k * width, (k + 1) * width), options);
    if (defect) faults.push(`id ${id}: ${pathOf.get(id)}: ${defect}${where(id)}`);
  });
  if (faults.length > 0) {
    throw new Error(
      `${dataset.source}: ${faults.length} of ${dataset.size} items have no usable binary ` +
        `attribute vector ${formatShape(shape)}; ${options.purpose} needs one for each ` +
        `(run balr binarize first, or fix the files):${listed(faults)}`,
    );
  }
  return {
    ids: loaded.ids,
    row: new Map(loaded.ids.map((id, k) => [id, k])),
    paths: loaded.ids.map((id) => pathOf.get(id) ?? ""),
    data: loaded.data,
    nAttributes,
    nCategories,
  };
}

/** Speaker labels as indices. */
export interface SpeakerIndex {
  /** Distinct speakers, sorted. */
  speakers: string[];
  /** Speaker index of each listed id. */
  index: Int32Array;
}

/**
 * The speaker index of each of `options.ids`: every item must carry a speaker label
 * (an Error naming the dataset and the first unlabelled ids otherwise).
 */
export function speakerIndex(
  dataset: Dataset,
  options: { ids: readonly string[]; purpose: string },
): SpeakerIndex {
  const { ids, purpose } = options;
  const unlabelled = ids.filter((id) => dataset.get(id)?.speaker === undefined);
  if (unlabelled.length === ids.length && ids.length > 0) {
    throw new Error(
      `${dataset.source}: the dataset has no speaker labels; ${purpose} needs the speaker of ` +
        `every recording (a "speaker" column in the csv)`,
    );
  }
  if (unlabelled.length > 0) {
    throw new Error(
      `${dataset.source}: ${unlabelled.length} of ${ids.length} items have no speaker label; ` +
        `${purpose} needs the speaker of every recording:${
          listed(unlabelled.map((id) => `id ${id}`))
        }`,
    );
  }
  const speakers = [...new Set(ids.map((id) => dataset.get(id)!.speaker!))].sort(compareCodePoints);
  const of = new Map(speakers.map((s, k) => [s, k]));
  return { speakers, index: Int32Array.from(ids, (id) => of.get(dataset.get(id)!.speaker!)!) };
}
