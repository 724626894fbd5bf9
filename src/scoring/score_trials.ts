/**
 * Scoring and explaining trials on the GPU. Sides (count matrices of one
 * recording or the sum of several) are validated and packed once; then each
 * trial takes the cheapest exact path (see _trial_paths.ts): a four-value
 * table per attribute when both sides are single recordings, a per-side
 * table when one side is a recording and the other is shared by several
 * trials, else the scorer's per-attribute kernel. Scores come back in one
 * readback as float64 (hi + lo); explanations as per-attribute rows or, for
 * the CSV, only each trial's strongest attributes (ranked on the GPU).
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import {
  NO_ATTRIBUTE,
  scoringTopContributions,
  topContributionsFits,
  type TopContributionsSource,
} from "../kernels/scoring_top_contributions.ts";
import { arraySource, type SideSource } from "./_sides.ts";
import {
  buildResidentTables,
  contributionRowsPerPass,
  ensureTable,
  generalBatch,
  type Prepared,
  prepareTrials,
  recordGeneralPath,
  recordSideTablePath,
  recordTablePath,
  type ResidentTables,
  sideTableBatches,
  sideTablesFor,
  splitPaths,
  tablesPerRun,
  type TrialPaths,
  uploadTablePath,
} from "./_trial_paths.ts";
import type { Scorer } from "./scorer.ts";

/** Trials as indices into a list of sides. */
export interface TrialPairs {
  /** Count matrices `[nSides, n_attributes, K]`: one BA vector, or the sum of several. */
  sides: Float32Array;
  /** `[nTrials, 2]`: (enrolment side, test side) per trial. */
  pairs: ArrayLike<number>;
  /** Names side i in error messages (default "side #i"). */
  describeSide?: (i: number) => string;
}

/** Trials as two aligned lists of count matrices. */
export interface TrialCounts {
  /** Enrolment counts `[nTrials, n_attributes, K]`. */
  enrol: Float32Array;
  /** Test counts `[nTrials, n_attributes, K]`. */
  test: Float32Array;
}

function pairsSource(trials: TrialPairs, rowLen: number): SideSource {
  if (trials.sides.length % rowLen !== 0) {
    throw new RangeError(
      `trial sides: ${trials.sides.length} values are not a whole number of count matrices of ${rowLen}`,
    );
  }
  return arraySource(trials.sides, rowLen, trials.describeSide ?? ((i) => `side #${i}`));
}

function countsSource(
  trials: TrialCounts,
  rowLen: number,
): { source: SideSource; pairs: Uint32Array } {
  const { enrol, test } = trials;
  if (enrol.length !== test.length || enrol.length % rowLen !== 0) {
    throw new RangeError(
      `trials: enrolment (${enrol.length} values) and test (${test.length}) must both be ` +
        `[trials, ${rowLen}] count matrices`,
    );
  }
  const n = enrol.length / rowLen;
  const source: SideSource = {
    count: 2 * n,
    row: (i) =>
      i < n
        ? enrol.subarray(i * rowLen, (i + 1) * rowLen)
        : test.subarray((i - n) * rowLen, (i - n + 1) * rowLen),
    describe: (i) => i < n ? `enrolment of trial ${i}` : `test of trial ${i - n}`,
  };
  const pairs = new Uint32Array(2 * n);
  for (let t = 0; t < n; t++) {
    pairs[2 * t] = t;
    pairs[2 * t + 1] = n + t;
  }
  return { source, pairs };
}

async function scorePrepared(gpu: Gpu, prep: Prepared): Promise<Float64Array> {
  const scorer = prep.scorer;
  const s = scorer.settings;
  const rowLen = s.nAttributes * s.nCategories;
  const out = gpu.empty([Math.max(1, prep.nTrials), 2], "f32", { label: "scoring_trials" });
  const paths = splitPaths(prep, Array.from({ length: prep.nTrials }, (_, t) => t));
  // Output rows: table trials, then side-table trials, then the rest.
  const order = [...paths.table, ...paths.sideTable, ...paths.general];
  try {
    if (paths.table.length > 0) {
      if (s.kind !== "cosine") await ensureTable(gpu, scorer);
      const run = gpu.run("scoring_table_trials");
      recordTablePath(run, prep, { trials: paths.table, out });
      await run.submit();
    }
    let first = paths.table.length;
    const batches = sideTableBatches(prep, paths.sideTable, {
      maxSides: tablesPerRun(gpu, s.nAttributes),
      maxTrials: 1 << 20,
    });
    for (const batch of batches) {
      const run = gpu.run("scoring_side_table_trials");
      recordSideTablePath(run, prep, { trials: batch, out, first });
      await run.submit();
      first += batch.length;
    }
    const chunk = generalBatch(gpu, s.nAttributes, rowLen);
    for (let start = 0; start < paths.general.length; start += chunk) {
      const trials = paths.general.slice(start, start + chunk);
      const run = gpu.run("scoring_trials_chunk");
      recordGeneralPath(run, prep, { trials, out, first: first + start });
      await run.submit();
    }
    const values = prep.nTrials > 0 ? await gpu.read(out) : new Float32Array(0);
    const scores = new Float64Array(prep.nTrials);
    order.forEach((t, i) => (scores[t] = values[2 * i] + values[2 * i + 1]));
    return scores;
  } finally {
    out.release();
    prep.bits?.release();
  }
}

/**
 * Scores trials given as pairs of sides: `[nTrials]` LLRs (cosine: similarity
 * products), float64 from the GPU's (hi, lo) pairs. Fails for an unfitted
 * scorer, bad counts (naming the side) and, for dna/speech, sides of more
 * than one recording.
 */
export async function scoreTrialPairs(
  gpu: Gpu,
  scorer: Scorer,
  trials: TrialPairs,
): Promise<Float64Array> {
  const rowLen = scorer.settings.nAttributes * scorer.settings.nCategories;
  const prep = await prepareTrials(gpu, scorer, {
    source: pairsSource(trials, rowLen),
    pairs: trials.pairs,
  });
  return await scorePrepared(gpu, prep);
}

/** Scores aligned enrolment/test count matrices (trial t = enrol[t] vs test[t]). */
export async function scoreTrials(
  gpu: Gpu,
  scorer: Scorer,
  trials: TrialCounts,
): Promise<Float64Array> {
  const rowLen = scorer.settings.nAttributes * scorer.settings.nCategories;
  const prep = await prepareTrials(gpu, scorer, countsSource(trials, rowLen));
  return await scorePrepared(gpu, prep);
}

/** The strongest contributions of a range of trials, `[count, 2, k]` (for, then against). */
export interface TopContributionArrays {
  /** Attributes per trial and rank, strongest first; -1 past the trial's last one. */
  attributes: Int32Array;
  /** Their contributions (0 where the attribute is -1). */
  llrs: Float64Array;
}

/** One group of trials of a chunk and its per-attribute rows on the GPU. */
interface ContributionGroup {
  trials: number[];
  contrib: GpuTensor;
}

/**
 * Per-attribute LLR contributions of a set of trials, prepared once (sides
 * validated, bits packed) and computed a chunk at a time: full rows
 * (`contributions`) or only the k strongest for and against each trial
 * (`top`). Call `release()` when done. Cosine cannot be explained.
 *
 * @example
 * ```ts ignore
 * const explainer = await TrialExplainer.open(gpu, scorer, { sides, pairs });
 * try {
 *   const top = await explainer.top(5, { start: 0, count: 1000 });
 * } finally {
 *   explainer.release();
 * }
 * ```
 */
export class TrialExplainer {
  readonly #gpu: Gpu;
  readonly #prep: Prepared;
  /** Tables of the summed sides that several trials share, built once (null: per chunk). */
  #resident: ResidentTables | null;

  private constructor(gpu: Gpu, prep: Prepared, resident: ResidentTables | null) {
    this.#gpu = gpu;
    this.#prep = prep;
    this.#resident = resident;
  }

  /** Validates the trials (as scoreTrialPairs) and derives what the paths need. */
  static async open(gpu: Gpu, scorer: Scorer, trials: TrialPairs): Promise<TrialExplainer> {
    const s = scorer.settings;
    if (s.kind === "cosine") {
      throw new Error(
        "cosine scores do not decompose over attributes (a product of per-column cosines); " +
          "explanations need an LLR scorer (beta, dna, speech, maxllr)",
      );
    }
    const rowLen = s.nAttributes * s.nCategories;
    const prep = await prepareTrials(gpu, scorer, {
      source: pairsSource(trials, rowLen),
      pairs: trials.pairs,
    });
    try {
      if (s.nCategories === 2) await ensureTable(gpu, scorer);
      return new TrialExplainer(gpu, prep, await buildResidentTables(gpu, prep));
    } catch (e) {
      prep.bits?.release();
      throw e;
    }
  }

  /** Number of trials. */
  get nTrials(): number {
    return this.#prep.nTrials;
  }

  /** Trials per GPU pass: per-attribute rows `[chunk, n, 2]` stay under 64 MiB. */
  get chunkTrials(): number {
    return Math.max(32, contributionRowsPerPass(this.#prep.scorer.settings.nAttributes));
  }

  /** `[count, n_attributes]` contributions of trials `start ..< start + count` (row sums = scores). */
  async contributions(range: { start?: number; count?: number } = {}): Promise<Float64Array> {
    const [start, count] = this.#range(range);
    const n = this.#prep.scorer.settings.nAttributes;
    const result = new Float64Array(count * n);
    for (let c0 = start; c0 < start + count; c0 += this.chunkTrials) {
      const c1 = Math.min(start + count, c0 + this.chunkTrials);
      const run = this.#gpu.run("scoring_explain");
      const groups = this.#record(run, c0, c1);
      for (const g of groups) run.read(g.contrib);
      const outs = await run.submit();
      groups.forEach((g, gi) => {
        const o = outs[gi];
        g.trials.forEach((t, i) => {
          const row = (t - start) * n;
          for (let a = 0; a < n; a++) result[row + a] = o[2 * (i * n + a)] + o[2 * (i * n + a) + 1];
        });
      });
    }
    return result;
  }

  /**
   * The k strongest positive and negative contributions of trials
   * `start ..< start + count`, ranked on the GPU (ties: lower attribute
   * first, as topContributions), straight from the lookup tables where the
   * trials take a table path. `k` must pass topContributionsFits.
   */
  async top(
    k: number,
    range: { start?: number; count?: number } = {},
  ): Promise<TopContributionArrays> {
    const prep = this.#prep;
    const s = prep.scorer.settings;
    const n = s.nAttributes;
    if (!topContributionsFits(n, k)) {
      throw new RangeError(
        `top contributions: k=${k} is too large for the GPU ranking of ${n} attributes`,
      );
    }
    const [start, count] = this.#range(range);
    const attributes = new Int32Array(count * 2 * k);
    const llrs = new Float64Array(count * 2 * k);
    for (let c0 = start; c0 < start + count; c0 += this.chunkTrials) {
      const c1 = Math.min(start + count, c0 + this.chunkTrials);
      const run = this.#gpu.run("scoring_explain_top");
      const groups: number[][] = [];
      const rank = (trials: number[], source: TopContributionsSource) => {
        const m = trials.length;
        const topAttr = run.scratch([m, 2, k], "u32");
        const topLlr = run.scratch([m, 2, k, 2], "f32");
        scoringTopContributions(run, { source, topAttr, topLlr, nTrials: m, nAttr: n, k });
        run.read(topAttr);
        run.read(topLlr);
        groups.push(trials);
      };
      const paths = this.#split(c0, c1);
      if (paths.table.length > 0) {
        const { pairs, llrs } = uploadTablePath(run, prep, paths.table);
        rank(paths.table, { table: llrs!, bits: prep.bits!, pairs });
      }
      for (const trials of this.#sideTableBatches(paths.sideTable)) {
        const { tables, lookup } = sideTablesFor(run, prep, { trials, resident: this.#resident });
        rank(trials, { sideTables: tables, bits: prep.bits!, pairs: lookup });
      }
      for (const trials of this.#generalBatches(paths.general)) {
        const rows = run.scratch([trials.length, n, 2], "f32");
        recordGeneralPath(run, prep, { trials, out: rows, perAttribute: true });
        rank(trials, { rows });
      }
      const outs = await run.submit();
      groups.forEach((trials, gi) => {
        const ids = outs[2 * gi];
        const vals = outs[2 * gi + 1];
        trials.forEach((t, i) => {
          const row = (t - start) * 2 * k;
          for (let r = 0; r < 2 * k; r++) {
            const a = ids[i * 2 * k + r];
            attributes[row + r] = a === NO_ATTRIBUTE ? -1 : a;
            llrs[row + r] = vals[2 * (i * 2 * k + r)] + vals[2 * (i * 2 * k + r) + 1];
          }
        });
      });
    }
    return { attributes, llrs };
  }

  /** Frees the packed bits and resident tables. */
  release(): void {
    this.#prep.bits?.release();
    this.#prep.bits = null;
    this.#resident?.tables.release();
    this.#resident = null;
  }

  #split(c0: number, c1: number): TrialPaths {
    const trials = Array.from({ length: c1 - c0 }, (_, i) => c0 + i);
    return splitPaths(this.#prep, trials, { resident: this.#resident });
  }

  #range(range: { start?: number; count?: number }): [number, number] {
    const total = this.#prep.nTrials;
    const start = range.start ?? 0;
    const count = range.count ?? total - start;
    if (
      !(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0) ||
      start + count > total
    ) {
      throw new RangeError(`trials [${start}, ${start + count}) outside [0, ${total})`);
    }
    return [start, count];
  }

  #sideTableBatches(trials: number[]): number[][] {
    if (this.#resident) return trials.length > 0 ? [trials] : [];
    return sideTableBatches(this.#prep, trials, {
      maxSides: tablesPerRun(this.#gpu, this.#prep.scorer.settings.nAttributes),
      maxTrials: this.chunkTrials,
    });
  }

  #generalBatches(trials: number[]): number[][] {
    const s = this.#prep.scorer.settings;
    const size = generalBatch(this.#gpu, s.nAttributes, s.nAttributes * s.nCategories);
    const out: number[][] = [];
    for (let i = 0; i < trials.length; i += size) out.push(trials.slice(i, i + size));
    return out;
  }

  /** Records the per-attribute rows of trials `c0 ..< c1`, one group per path batch. */
  #record(run: GpuRun, c0: number, c1: number): ContributionGroup[] {
    const prep = this.#prep;
    const n = prep.scorer.settings.nAttributes;
    const paths = this.#split(c0, c1);
    const groups: ContributionGroup[] = [];
    const record = (trials: number[], path: typeof recordTablePath) => {
      const contrib = run.scratch([trials.length, n, 2], "f32");
      path(run, prep, { trials, out: contrib, perAttribute: true, resident: this.#resident });
      groups.push({ trials, contrib });
    };
    if (paths.table.length > 0) record(paths.table, recordTablePath);
    for (const batch of this.#sideTableBatches(paths.sideTable)) {
      record(batch, recordSideTablePath);
    }
    for (const batch of this.#generalBatches(paths.general)) record(batch, recordGeneralPath);
    return groups;
  }
}

/**
 * Per-attribute LLR contributions `[nTrials, n_attributes]` whose row sums
 * are the trial scores (beta, dna, speech, maxllr). The cosine score is a
 * product of per-column cosines and does not split over attributes: an error.
 */
export async function explainTrialPairs(
  gpu: Gpu,
  scorer: Scorer,
  trials: TrialPairs,
): Promise<Float64Array> {
  const explainer = await TrialExplainer.open(gpu, scorer, trials);
  try {
    return await explainer.contributions();
  } finally {
    explainer.release();
  }
}

/** Per-attribute contributions `[n_attributes]` of one trial (enrolment vs test counts). */
export async function explainTrial(
  gpu: Gpu,
  scorer: Scorer,
  trial: TrialCounts,
): Promise<Float64Array> {
  const rowLen = scorer.settings.nAttributes * scorer.settings.nCategories;
  if (trial.enrol.length !== rowLen || trial.test.length !== rowLen) {
    throw new RangeError(`explainTrial: enrolment and test must each hold ${rowLen} counts`);
  }
  const sides = new Float32Array(2 * rowLen);
  sides.set(trial.enrol);
  sides.set(trial.test, rowLen);
  return await explainTrialPairs(gpu, scorer, { sides, pairs: [0, 1] });
}
