/**
 * From a trials file to what the scorer needs: each distinct cell (a
 * comma-separated id list) becomes one side, a recording's BA vector or the
 * sum of several (summed on the GPU), and each trial a pair of side indices.
 *
 * Checked before any GPU work, with the trials file and line in every
 * message: ids that are not in the dataset, cells of several ids for the
 * single-recording scorers (dna, speech, as upstream), and the BA vectors
 * of every id used (see scoring_data.ts).
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import type { TrialRow, Trials } from "../data/trials.ts";
import type { Gpu } from "../gpu/mod.ts";
import { sumGroups } from "../scoring/referential.ts";
import type { TrialPairs } from "../scoring/score_trials.ts";
import { type BaVectors, loadBaVectors } from "./scoring_data.ts";

/** The distinct cells of a trials file and where each id is first used. */
export interface TrialCells {
  /** Id list of each distinct cell. */
  cells: string[][];
  /** `[nTrials, 2]`: (enrolment cell, test cell) per trial. */
  pairs: Uint32Array;
  /** Every id used, in first-use order. */
  ids: string[];
  /** "trials.csv line 7" for the first use of each id and cell (by cell index). */
  usedAt: (id: string) => string;
  cellUsedAt: (cell: number) => string;
}

/** Options of {@link indexTrialCells}. */
export interface IndexTrialCellsOptions {
  /** The dataset every id must be in. */
  dataset: Dataset;
  /** Name of a scorer that takes one recording per side (dna, speech), or null. */
  singleRecording?: string | null;
}

/**
 * Gives every distinct cell an index; an id missing from the dataset, or a
 * cell of several ids for a single-recording scorer, is an Error naming the
 * trials file, line and id.
 */
export function indexTrialCells(trials: Trials, options: IndexTrialCellsOptions): TrialCells {
  const { dataset } = options;
  const cellOf = new Map<string, number>();
  const cells: string[][] = [];
  const cellRow: TrialRow[] = [];
  const idRow = new Map<string, TrialRow>();
  const pairs = new Uint32Array(2 * trials.rows.length);
  const columns = [trials.header[trials.enrollmentColumn], trials.header[trials.testColumn]];
  trials.rows.forEach((row, t) => {
    [row.enrollment, row.test].forEach((ids, side) => {
      const key = ids.join(",");
      let c = cellOf.get(key);
      if (c === undefined) {
        if (options.singleRecording && ids.length > 1) {
          throw new Error(
            `${trials.path}: line ${row.line}: the ${columns[side]} cell "${key}" lists ` +
              `${ids.length} ids; scorer=${options.singleRecording} scores one recording per ` +
              `side (as upstream): use beta, maxllr or cosine to sum recordings`,
          );
        }
        for (const id of ids) {
          if (idRow.has(id)) continue;
          if (!dataset.has(id)) {
            throw new Error(
              `${trials.path}: line ${row.line}: id "${id}" is not in the test dataset ` +
                `${dataset.source}`,
            );
          }
          idRow.set(id, row);
        }
        c = cells.length;
        cellOf.set(key, c);
        cells.push(ids);
        cellRow.push(row);
      }
      pairs[2 * t + side] = c;
    });
  });
  return {
    cells,
    pairs,
    ids: [...idRow.keys()],
    usedAt: (id) => `used on ${trials.path} line ${idRow.get(id)?.line}`,
    cellUsedAt: (c) => `${trials.path} line ${cellRow[c].line}`,
  };
}

/** Trials as sides and pairs, ready for scoreTrialPairs / explainTrials. */
export interface TrialSides extends TrialPairs {
  /** `[nSides, n, K]`: the recordings' BA vectors, then the summed cells. */
  sides: Float32Array;
  /** `[nTrials, 2]` side indices. */
  pairs: Uint32Array;
  /**
   * Names side i in error messages: its BA file and id, or the summed cell
   * and its trials-file line.
   */
  describeSide: (i: number) => string;
  /** Number of trials (rows of the trials file). */
  nTrials: number;
}

/** Options of {@link buildTrialSides}. */
export interface BuildTrialSidesOptions {
  /** Attributes per vector (`scorer.n_attributes`). */
  nAttributes: number;
  /** Columns per attribute (2; beta's `scorer.K`). */
  nCategories: number;
  /** BA files read in flight (`data.num_workers`). */
  concurrency?: number;
}

/**
 * Loads the BA vectors of the ids the trials use (errors name the id, file
 * and trials line) and sums the cells of several ids on the GPU.
 */
export async function buildTrialSides(
  gpu: Gpu,
  cells: TrialCells,
  options: BuildTrialSidesOptions & { dataset: Dataset; purpose: string },
): Promise<TrialSides & { vectors: BaVectors }> {
  const vectors = await loadBaVectors(options.dataset.subset(cells.ids), {
    nAttributes: options.nAttributes,
    nCategories: options.nCategories,
    concurrency: options.concurrency,
    purpose: options.purpose,
    usedAt: cells.usedAt,
  });
  const rowLen = options.nAttributes * options.nCategories;
  const nVectors = vectors.ids.length;
  // Side of each cell: its recording's row, or a summed side after the recordings.
  const sideOfCell = new Uint32Array(cells.cells.length);
  const multi: number[] = [];
  cells.cells.forEach((ids, c) => {
    if (ids.length === 1) {
      sideOfCell[c] = vectors.row.get(ids[0])!;
    } else {
      sideOfCell[c] = nVectors + multi.length;
      multi.push(c);
    }
  });
  let sides = vectors.data;
  if (multi.length > 0) {
    const offsets = new Uint32Array(multi.length + 1);
    const members: number[] = [];
    multi.forEach((c, g) => {
      for (const id of cells.cells[c]) members.push(vectors.row.get(id)!);
      offsets[g + 1] = members.length;
    });
    const summed = await sumGroups(gpu, vectors.data, {
      members,
      offsets,
      nAttributes: options.nAttributes,
      nCategories: options.nCategories,
      describeRow: (i) => `${vectors.paths[i]} (id ${vectors.ids[i]})`,
    });
    sides = new Float32Array((nVectors + multi.length) * rowLen);
    sides.set(vectors.data);
    sides.set(summed, nVectors * rowLen);
  }
  const pairs = cells.pairs.map((c) => sideOfCell[c]);
  return {
    sides,
    pairs,
    nTrials: pairs.length / 2,
    vectors,
    describeSide: (i) =>
      i < nVectors
        ? `${vectors.paths[i]} (id ${vectors.ids[i]})`
        : `cell "${cells.cells[multi[i - nVectors]].join(",")}" (${
          cells.cellUsedAt(multi[i - nVectors])
        })`,
  };
}
