/**
 * The three ways a trial's per-attribute LLRs are computed, all exact to the
 * same per-attribute kernels:
 * - table: both sides single recordings of a K = 2 scorer; each attribute's
 *   LLR is one of four values (`scorer.table`, derived once);
 * - side table: one side a single recording, the other (e.g. a sum of
 *   recordings) used by several trials of a batch: the scorer's per-attribute
 *   kernel tabulates that side once against an all-active and an all-inactive
 *   recording (the only rows a single recording of K = 2 can hold), then each
 *   trial is one lookup per attribute (scoring_side_table_trials);
 * - general: the per-attribute kernel for every trial (summed against summed,
 *   K != 2, sides used once).
 * Table and side-table values are bit for bit what the per-attribute kernel
 * gives for the trial itself (the table rounds each value to f32 once).
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import { scoringBetaAttrLlr } from "../kernels/scoring_beta_attr_llr.ts";
import { scoringCosineBits } from "../kernels/scoring_cosine_bits.ts";
import { scoringCosineTrials } from "../kernels/scoring_cosine_trials.ts";
import { scoringMaxllrAttrLlr } from "../kernels/scoring_maxllr_attr_llr.ts";
import { MAXLLR_PARAMS } from "../kernels/scoring_maxllr_em.ts";
import { scoringRowSum } from "../kernels/scoring_row_sum.ts";
import { scoringSideTableTrials } from "../kernels/scoring_side_table_trials.ts";
import { scoringTableTrials } from "../kernels/scoring_table_trials.ts";
import { inspectSides, type SideSource, sidesPerChunk } from "./_sides.ts";
import type { Scorer } from "./scorer.ts";

/** Trials with validated sides, ready for any path. */
export interface Prepared {
  scorer: Scorer;
  source: SideSource;
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: Uint32Array;
  nTrials: number;
  /** Activation bits of every side (K = 2 only). */
  bits: GpuTensor | null;
  /** Per side: a single recording. */
  oneHot: Uint8Array;
}

/** Trials of one batch by path; side-table trials sorted by their tabulated side. */
export interface TrialPaths {
  table: number[];
  sideTable: number[];
  general: number[];
}

/** Validates pairs and sides (errors name the trial or side) and packs activation bits. */
export async function prepareTrials(
  gpu: Gpu,
  scorer: Scorer,
  trials: { source: SideSource; pairs: ArrayLike<number> },
): Promise<Prepared> {
  const { source, pairs: rawPairs } = trials;
  const s = scorer.settings;
  scorer.params();
  if (rawPairs.length % 2 !== 0) throw new RangeError(`trial pairs: odd length ${rawPairs.length}`);
  const nTrials = rawPairs.length / 2;
  const pairs = new Uint32Array(rawPairs.length);
  for (let i = 0; i < rawPairs.length; i++) {
    const v = rawPairs[i];
    if (!Number.isInteger(v) || v < 0 || v >= source.count) {
      throw new RangeError(
        `trial ${i >> 1}: ${i & 1 ? "test" : "enrolment"} side ${v} outside [0, ${source.count})`,
      );
    }
    pairs[i] = v;
  }
  const info = await inspectSides(gpu, source, {
    nAttr: s.nAttributes,
    nCat: s.nCategories,
    pack: s.nCategories === 2,
    label: "scoring_trials",
  });
  if (s.kind === "dna" || s.kind === "speech") {
    for (let t = 0; t < nTrials; t++) {
      const e = pairs[2 * t];
      const x = pairs[2 * t + 1];
      if (!(info.oneHot[e] && info.oneHot[x])) {
        info.bits?.release();
        throw new RangeError(
          `${s.kind} scorer scores one recording per side (as upstream); trial ${t}: ` +
            `${source.describe(info.oneHot[e] ? x : e)} is not a single binary attribute vector`,
        );
      }
    }
  }
  return { scorer, source, pairs, nTrials, bits: info.bits, oneHot: info.oneHot };
}

/** Key of a trial's tabulated side: 2 * side + (1 when it is the test side); -1 when none. */
function sideKey(prep: Prepared, t: number): number {
  const e = prep.pairs[2 * t];
  const x = prep.pairs[2 * t + 1];
  const singleE = prep.oneHot[e] === 1;
  const singleX = prep.oneHot[x] === 1;
  if (singleE === singleX) return -1;
  return singleE ? 2 * x + 1 : 2 * e;
}

/** The side keys of side-table trials sorted by key, each once. */
function distinctKeys(prep: Prepared, trials: number[]): number[] {
  const keys: number[] = [];
  for (const t of trials) {
    const key = sideKey(prep, t);
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys;
}

/** Side tables kept on the GPU for a whole set of trials, and the table of each side key. */
export interface ResidentTables {
  /** `[nTables, 2, nAttr, 2]` (hi, lo). */
  tables: GpuTensor;
  index: Map<number, number>;
}

/**
 * Splits `trials` by path. A side is tabulated when it has a resident table
 * or, without resident tables, when at least two trials of the batch use it
 * (in the same role): once, the per-attribute kernel on the trial is cheaper
 * than the two rows of a table.
 */
export function splitPaths(
  prep: Prepared,
  trials: ArrayLike<number>,
  options: { resident?: ResidentTables | null } = {},
): TrialPaths {
  const resident = options.resident ?? null;
  const s = prep.scorer.settings;
  const paths: TrialPaths = { table: [], sideTable: [], general: [] };
  const bitKinds = s.nCategories === 2;
  const tabulates = bitKinds && (s.kind === "beta" || s.kind === "maxllr");
  const keys = new Int32Array(trials.length);
  const uses = new Map<number, number>();
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i];
    const single = prep.oneHot[prep.pairs[2 * t]] && prep.oneHot[prep.pairs[2 * t + 1]];
    keys[i] = bitKinds && single ? -2 : tabulates ? sideKey(prep, t) : -1;
    if (keys[i] >= 0) uses.set(keys[i], (uses.get(keys[i]) ?? 0) + 1);
  }
  const tabulated: number[] = [];
  for (let i = 0; i < trials.length; i++) {
    const key = keys[i];
    if (key === -2) paths.table.push(trials[i]);
    else if (key >= 0 && (resident ? resident.index.has(key) : uses.get(key)! >= 2)) {
      tabulated.push(i);
    } else paths.general.push(trials[i]);
  }
  tabulated.sort((a, b) => keys[a] - keys[b] || a - b);
  paths.sideTable = tabulated.map((i) => trials[i]);
  return paths;
}

/**
 * Tabulates, once for all trials, every side that at least two of them use
 * against a single recording, when the tables fit one binding (else null:
 * the trials' batches tabulate their own sides).
 */
export async function buildResidentTables(
  gpu: Gpu,
  prep: Prepared,
): Promise<ResidentTables | null> {
  const all = Array.from({ length: prep.nTrials }, (_, t) => t);
  const keys = distinctKeys(prep, splitPaths(prep, all).sideTable);
  const n = prep.scorer.settings.nAttributes;
  if (keys.length === 0 || keys.length > tablesPerRun(gpu, n)) return null;
  const tables = gpu.empty([keys.length, 2, n, 2], "f32", { label: "scoring_side_tables" });
  try {
    const run = gpu.run("scoring_side_tables");
    recordTablesOf(run, prep, keys, tables);
    await run.submit();
  } catch (e) {
    tables.release();
    throw e;
  }
  return { tables, index: new Map(keys.map((key, j) => [key, j])) };
}

/** Trials whose per-attribute rows `[trials, nAttr, 2]` (f32 hi, lo) fit 64 MiB. */
export function contributionRowsPerPass(nAttr: number): number {
  return Math.floor((16 * 1024 * 1024) / (2 * nAttr));
}

/**
 * Trials per batch of the general path: contributions stay under 64 MiB,
 * and a multiple of 32 keeps output views 256-byte aligned.
 */
export function generalBatch(gpu: Gpu, nAttr: number, rowLen: number): number {
  const byContrib = contributionRowsPerPass(nAttr);
  const bySides = Math.floor(sidesPerChunk(gpu, rowLen) / 2);
  return Math.max(32, Math.floor(Math.min(byContrib, bySides) / 32) * 32);
}

/** Sides tabulated per run: tables `[n, 2, nAttr, 2]` and their counts stay under 64 MiB. */
export function tablesPerRun(gpu: Gpu, nAttr: number): number {
  const limit = Math.min(gpu.maxBindingElements, 16 * 1024 * 1024);
  return Math.max(1, Math.floor(limit / (4 * nAttr)) - 2);
}

/** Splits side-table trials (sorted by side) into batches of at most `maxSides` sides and `maxTrials` trials. */
export function sideTableBatches(
  prep: Prepared,
  trials: number[],
  limits: { maxSides: number; maxTrials: number },
): number[][] {
  const out: number[][] = [];
  let batch: number[] = [];
  let sides = 0;
  let last = -1;
  for (const t of trials) {
    const key = sideKey(prep, t);
    const fresh = key !== last;
    if (batch.length === limits.maxTrials || (fresh && sides === limits.maxSides)) {
      out.push(batch);
      batch = [];
      sides = 0;
      last = -1;
    }
    if (key !== last) sides++;
    last = key;
    batch.push(t);
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** Sets rows `row` and `row + 1` of `[rows, n, 2]` counts to an all-active and an all-inactive recording. */
function setActiveAndInactiveRows(sides: Float32Array, row: number, n: number): void {
  for (let a = 0; a < n; a++) {
    sides[row * 2 * n + 2 * a] = 1;
    sides[(row + 1) * 2 * n + 2 * a + 1] = 1;
  }
}

/** The single-recording table `[2, n, 2]` of a beta (K = 2) or MaxLLR scorer, derived once. */
export async function ensureTable(gpu: Gpu, scorer: Scorer): Promise<Float32Array> {
  if (scorer.table) return scorer.table;
  const n = scorer.settings.nAttributes;
  // Side 0: every attribute active; side 1: none. Trials (e, t): AA, AI, IA, II.
  const sides = new Float32Array(4 * n);
  setActiveAndInactiveRows(sides, 0, n);
  const pairs = new Uint32Array([0, 0, 0, 1, 1, 0, 1, 1]);
  const run = gpu.run("scoring_single_table");
  const sideT = run.scratch([2, n, 2], "f32");
  gpu.write(sideT, sides);
  const pairT = run.scratch([4, 2], "u32");
  gpu.write(pairT, pairs);
  const out = run.scratch([4, n, 2], "f32");
  recordAttributeLlrs(run, scorer, { sides: sideT, pairs: pairT, out, nTrials: 4 });
  run.read(out);
  const [o] = await run.submit();
  const table = new Float32Array(4 * n);
  for (let trial = 0; trial < 4; trial++) {
    const e = trial < 2 ? 1 : 0;
    const t = trial % 2 === 0 ? 1 : 0;
    for (let a = 0; a < n; a++) {
      const i = trial * n + a;
      table[(1 - t) * 2 * n + 2 * a + (1 - e)] = o[2 * i] + o[2 * i + 1];
    }
  }
  scorer.table = table;
  return table;
}

/** Records the scorer's per-attribute kernel (beta or MaxLLR) for `nTrials` pairs of sides. */
export function recordAttributeLlrs(
  run: GpuRun,
  scorer: Scorer,
  t: { sides: GpuTensor; pairs: GpuTensor; out: GpuTensor; nTrials: number },
): void {
  const s = scorer.settings;
  const p = scorer.params();
  if (p.kind === "beta") {
    const alpha = run.scratch([s.nAttributes, s.nCategories], "f32");
    run.gpu.write(alpha, p.alpha);
    scoringBetaAttrLlr(run, { ...t, alpha, nAttr: s.nAttributes, nCat: s.nCategories });
  } else if (p.kind === "maxllr") {
    const params = run.scratch([s.nAttributes, MAXLLR_PARAMS], "f32");
    run.gpu.write(params, p.params);
    scoringMaxllrAttrLlr(run, { ...t, params, nAttr: s.nAttributes });
  } else {
    throw new Error(`${s.kind} scorer has no per-attribute kernel for summed counts`);
  }
}

/** Trials of one path and where they go: sums at rows `first ..`, or per-attribute rows `[trials, nAttr, 2]`. */
export interface PathArgs {
  trials: number[];
  out: GpuTensor;
  /** First output row (sums only; per-attribute output starts at row 0). */
  first?: number;
  perAttribute?: boolean;
  /** Side-table path: tables built for all trials (else the batch builds its own). */
  resident?: ResidentTables | null;
}

/** The table path's inputs on the GPU: `pairs` of `trials` and, but for cosine, the table. */
export function uploadTablePath(
  run: GpuRun,
  prep: Prepared,
  trials: number[],
): { pairs: GpuTensor; llrs: GpuTensor | null } {
  const s = prep.scorer.settings;
  const pairs = run.scratch([trials.length, 2], "u32");
  run.gpu.write(pairs, pickPairs(prep, trials));
  if (s.kind === "cosine") return { pairs, llrs: null };
  const llrs = run.scratch([2, s.nAttributes, 2], "f32");
  run.gpu.write(llrs, prep.scorer.table!);
  return { pairs, llrs };
}

/** Records the table path (or, for cosine, popcount similarities) of `trials`. */
export function recordTablePath(run: GpuRun, prep: Prepared, target: PathArgs): void {
  const s = prep.scorer.settings;
  const trials = target.trials;
  if (trials.length === 0) return;
  if (target.first && !target.perAttribute) {
    throw new RangeError("table path: sums start at output row 0");
  }
  const { pairs, llrs } = uploadTablePath(run, prep, trials);
  const common = {
    bits: prep.bits!,
    pairs,
    out: target.out,
    nTrials: trials.length,
    nAttr: s.nAttributes,
  };
  if (llrs) {
    scoringTableTrials(run, { ...common, llrs, perAttribute: target.perAttribute });
  } else {
    scoringCosineBits(run, { ...common, dim: s.dim, eps: s.eps });
  }
}

/**
 * Records the tables of side keys (2 * side + 1 when it is the test side)
 * into `out` `[keys, 2, nAttr, 2]`: row 2j + state is side j against an
 * all-active (state 0) or all-inactive recording, in the side's role.
 */
function recordTablesOf(run: GpuRun, prep: Prepared, keys: number[], out: GpuTensor): void {
  const n = prep.scorer.settings.nAttributes;
  const rowLen = 2 * n;
  const nKeys = keys.length;
  // Counts of the tabulated sides, then an all-active and an all-inactive recording.
  const sides = new Float32Array((nKeys + 2) * rowLen);
  keys.forEach((key, j) => sides.set(prep.source.row(key >> 1), j * rowLen));
  setActiveAndInactiveRows(sides, nKeys, n);
  const build = new Uint32Array(4 * nKeys);
  keys.forEach((key, j) => {
    for (let state = 0; state < 2; state++) {
      const other = nKeys + state;
      const asTest = (key & 1) === 1;
      build[2 * (2 * j + state)] = asTest ? other : j;
      build[2 * (2 * j + state) + 1] = asTest ? j : other;
    }
  });
  const sideT = run.scratch([nKeys + 2, n, 2], "f32");
  run.gpu.write(sideT, sides);
  const buildT = run.scratch([2 * nKeys, 2], "u32");
  run.gpu.write(buildT, build);
  recordAttributeLlrs(run, prep.scorer, { sides: sideT, pairs: buildT, out, nTrials: 2 * nKeys });
}

/** Uploads the lookups (table, recording side) of side-table trials. */
function uploadLookups(
  run: GpuRun,
  prep: Prepared,
  trials: number[],
  tableOf: (key: number) => number,
): GpuTensor {
  const lookup = new Uint32Array(2 * trials.length);
  trials.forEach((t, i) => {
    const key = sideKey(prep, t);
    lookup[2 * i] = tableOf(key);
    lookup[2 * i + 1] = prep.pairs[2 * t + (key & 1 ? 0 : 1)];
  });
  const out = run.scratch([trials.length, 2], "u32");
  run.gpu.write(out, lookup);
  return out;
}

/**
 * The tables and lookups (table, recording side) of side-table trials:
 * resident tables, or (for one batch of sideTableBatches) tables of the
 * batch's distinct sides recorded into `run`.
 */
export function sideTablesFor(
  run: GpuRun,
  prep: Prepared,
  args: { trials: number[]; resident?: ResidentTables | null },
): { tables: GpuTensor; lookup: GpuTensor } {
  const { trials, resident } = args;
  if (resident) {
    return {
      tables: resident.tables,
      lookup: uploadLookups(run, prep, trials, (key) => resident.index.get(key)!),
    };
  }
  const keys = distinctKeys(prep, trials);
  const tables = run.scratch([keys.length, 2, prep.scorer.settings.nAttributes, 2], "f32");
  recordTablesOf(run, prep, keys, tables);
  const index = new Map(keys.map((key, j) => [key, j]));
  return { tables, lookup: uploadLookups(run, prep, trials, (key) => index.get(key)!) };
}

/**
 * Records the side-table path of `trials`: with resident tables, the
 * lookups; else (one batch of sideTableBatches) the batch's tables, then
 * the lookups.
 */
export function recordSideTablePath(run: GpuRun, prep: Prepared, target: PathArgs): void {
  const { trials } = target;
  if (trials.length === 0) return;
  const { tables, lookup } = sideTablesFor(run, prep, target);
  scoringSideTableTrials(run, {
    bits: prep.bits!,
    pairs: lookup,
    tables,
    out: target.out,
    nTrials: trials.length,
    nAttr: prep.scorer.settings.nAttributes,
    first: target.perAttribute ? 0 : target.first ?? 0,
    perAttribute: target.perAttribute,
  });
}

/**
 * Records the general path of `trials` (at most generalBatch of them): the
 * distinct sides go to the GPU, then the per-attribute kernel and, for sums,
 * a pair-precision row sum (cosine: its own kernel).
 */
export function recordGeneralPath(run: GpuRun, prep: Prepared, target: PathArgs): void {
  const trials = target.trials;
  if (trials.length === 0) return;
  const s = prep.scorer.settings;
  const rowLen = s.nAttributes * s.nCategories;
  const { sides, pairs } = gatherSides(prep.pairs, trials, (side) => prep.source.row(side), rowLen);
  const sideT = run.scratch([sides.length / rowLen, s.nAttributes, s.nCategories], "f32");
  run.gpu.write(sideT, sides);
  const pairT = run.scratch([trials.length, 2], "u32");
  run.gpu.write(pairT, pairs);
  const first = target.first ?? 0;
  if (s.kind === "cosine") {
    if (target.perAttribute) throw new Error("cosine has no per-attribute values");
    // The kernel writes rows 0 ..< n of its output: a view of out from row `first`, whose byte
    // offset must be a multiple of 256, or a scratch copied into place.
    const view = first % 32 === 0 ? null : run.scratch([trials.length, 2], "f32");
    scoringCosineTrials(run, {
      sides: sideT,
      pairs: pairT,
      out: view ?? { buffer: target.out.buffer, offset: first * 8, size: trials.length * 8 },
      nTrials: trials.length,
      nAttr: s.nAttributes,
      nCat: s.nCategories,
      dim: s.dim,
      eps: s.eps,
    });
    if (view) run.copy(view, target.out, trials.length * 8, 0, first * 8);
    return;
  }
  const contrib = target.perAttribute
    ? target.out
    : run.scratch([trials.length, s.nAttributes, 2], "f32");
  recordAttributeLlrs(run, prep.scorer, {
    sides: sideT,
    pairs: pairT,
    out: contrib,
    nTrials: trials.length,
  });
  if (!target.perAttribute) {
    scoringRowSum(run, {
      x: contrib,
      out: target.out,
      nRows: trials.length,
      nCols: s.nAttributes,
      first,
    });
  }
}

function pickPairs(prep: Prepared, trials: number[]): Uint32Array {
  const out = new Uint32Array(2 * trials.length);
  trials.forEach((t, i) => {
    out[2 * i] = prep.pairs[2 * t];
    out[2 * i + 1] = prep.pairs[2 * t + 1];
  });
  return out;
}

/**
 * Gathers the distinct sides of some trials into one array (`original[j]` is
 * gathered side j) and remaps their pairs to it.
 */
export function gatherSides(
  allPairs: ArrayLike<number>,
  trials: ArrayLike<number>,
  rowOf: (side: number) => Float32Array,
  rowLen: number,
): { sides: Float32Array; pairs: Uint32Array; original: number[] } {
  const index = new Map<number, number>();
  const original: number[] = [];
  const pairs = new Uint32Array(2 * trials.length);
  for (let i = 0; i < trials.length; i++) {
    for (let k = 0; k < 2; k++) {
      const side = allPairs[2 * trials[i] + k];
      let j = index.get(side);
      if (j === undefined) {
        index.set(side, j = original.length);
        original.push(side);
      }
      pairs[2 * i + k] = j;
    }
  }
  const sides = new Float32Array(original.length * rowLen);
  original.forEach((side, j) => sides.set(rowOf(side), j * rowLen));
  return { sides, pairs, original };
}
