/**
 * Scoring trials on the GPU. Sides (count matrices of one recording or the
 * sum of several) are validated and packed once; single-recording trials of
 * the LLR scorers take one table lookup per attribute (scoring_table_trials),
 * the others run the scorer's per-attribute kernel and a pair-precision row
 * sum, in chunks; scores come back in one readback as float64 (hi + lo).
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { scoringBetaAttrLlr } from "../kernels/scoring_beta_attr_llr.ts";
import { scoringCosineBits } from "../kernels/scoring_cosine_bits.ts";
import { scoringCosineTrials } from "../kernels/scoring_cosine_trials.ts";
import { scoringMaxllrAttrLlr } from "../kernels/scoring_maxllr_attr_llr.ts";
import { MAXLLR_PARAMS } from "../kernels/scoring_maxllr_em.ts";
import { scoringRowSum } from "../kernels/scoring_row_sum.ts";
import { scoringTableTrials } from "../kernels/scoring_table_trials.ts";
import { arraySource, inspectSides, type SideSource, sidesPerChunk } from "./_sides.ts";
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

/**
 * Trials per chunk of the per-attribute path: contributions stay under 64 MiB,
 * and a multiple of 32 keeps output views 256-byte aligned.
 */
function trialsPerChunk(gpu: Gpu, nAttr: number, rowLen: number): number {
  const byContrib = Math.floor((16 * 1024 * 1024) / (2 * nAttr));
  const bySides = Math.floor(sidesPerChunk(gpu, rowLen) / 2);
  return Math.max(32, Math.floor(Math.min(byContrib, bySides) / 32) * 32);
}

interface Prepared {
  source: SideSource;
  pairs: Uint32Array;
  nTrials: number;
  bits: GpuTensor | null;
  /** Trials that take the table path, then the others. */
  fast: number[];
  slow: number[];
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

async function prepare(
  gpu: Gpu,
  scorer: Scorer,
  source: SideSource,
  rawPairs: ArrayLike<number>,
): Promise<Prepared> {
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
  // Single-recording trials take the bit path: table lookups, or popcounts for cosine.
  const tableKinds = s.nCategories === 2;
  const info = await inspectSides(gpu, source, {
    nAttr: s.nAttributes,
    nCat: s.nCategories,
    pack: tableKinds,
    label: "scoring_trials",
  });
  const fast: number[] = [];
  const slow: number[] = [];
  for (let t = 0; t < nTrials; t++) {
    const single = info.oneHot[pairs[2 * t]] && info.oneHot[pairs[2 * t + 1]];
    if (tableKinds && single) {
      fast.push(t);
    } else {
      if (s.kind === "dna" || s.kind === "speech") {
        info.bits?.release();
        const side = info.oneHot[pairs[2 * t]] ? pairs[2 * t + 1] : pairs[2 * t];
        throw new RangeError(
          `${s.kind} scorer scores one recording per side (as upstream); trial ${t}: ` +
            `${source.describe(side)} is not a single binary attribute vector`,
        );
      }
      slow.push(t);
    }
  }
  return { source, pairs, nTrials, bits: info.bits, fast, slow };
}

/** The single-recording table `[2, n, 2]` of a beta (K = 2) or MaxLLR scorer, derived once. */
async function ensureTable(gpu: Gpu, scorer: Scorer): Promise<Float32Array> {
  if (scorer.table) return scorer.table;
  const n = scorer.settings.nAttributes;
  // Side 0: every attribute active; side 1: none. Trials (e, t): AA, AI, IA, II.
  const sides = new Float32Array(4 * n);
  for (let a = 0; a < n; a++) {
    sides[2 * a] = 1;
    sides[2 * n + 2 * a + 1] = 1;
  }
  const pairs = new Uint32Array([0, 0, 0, 1, 1, 0, 1, 1]);
  const contrib = await attributeLlrs(gpu, scorer, sides, pairs);
  const table = new Float32Array(4 * n);
  for (let trial = 0; trial < 4; trial++) {
    const e = trial < 2 ? 1 : 0;
    const t = trial % 2 === 0 ? 1 : 0;
    for (let a = 0; a < n; a++) {
      table[(1 - t) * 2 * n + 2 * a + (1 - e)] = contrib[trial * n + a];
    }
  }
  scorer.table = table;
  return table;
}

/** Per-attribute LLRs `[nTrials, n]` of small trial sets (one run, one readback). */
async function attributeLlrs(
  gpu: Gpu,
  scorer: Scorer,
  sides: Float32Array,
  pairs: Uint32Array,
): Promise<Float64Array> {
  const s = scorer.settings;
  const nTrials = pairs.length / 2;
  const run = gpu.run("scoring_attribute_llrs");
  const sideT = run.scratch([
    sides.length / (s.nAttributes * s.nCategories),
    s.nAttributes,
    s.nCategories,
  ], "f32");
  gpu.write(sideT, sides);
  const pairT = run.scratch([nTrials, 2], "u32");
  gpu.write(pairT, pairs);
  const out = run.scratch([nTrials, s.nAttributes, 2], "f32");
  recordAttributeLlrs(run, scorer, { sides: sideT, pairs: pairT, out, nTrials });
  run.read(out);
  const [o] = await run.submit();
  const values = new Float64Array(nTrials * s.nAttributes);
  for (let i = 0; i < values.length; i++) values[i] = o[2 * i] + o[2 * i + 1];
  return values;
}

function recordAttributeLlrs(
  run: ReturnType<Gpu["run"]>,
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

/** Gathers the distinct sides of some trials into one array and remaps their pairs. */
function gatherSides(
  prep: Prepared,
  trials: number[],
  rowLen: number,
): { sides: Float32Array; pairs: Uint32Array } {
  const index = new Map<number, number>();
  const pairs = new Uint32Array(2 * trials.length);
  trials.forEach((t, i) => {
    for (let k = 0; k < 2; k++) {
      const side = prep.pairs[2 * t + k];
      let j = index.get(side);
      if (j === undefined) index.set(side, j = index.size);
      pairs[2 * i + k] = j;
    }
  });
  const sides = new Float32Array(index.size * rowLen);
  for (const [side, j] of index) sides.set(prep.source.row(side), j * rowLen);
  return { sides, pairs };
}

async function scorePrepared(gpu: Gpu, scorer: Scorer, prep: Prepared): Promise<Float64Array> {
  const s = scorer.settings;
  const rowLen = s.nAttributes * s.nCategories;
  const out = gpu.empty([Math.max(1, prep.nTrials), 2], "f32", { label: "scoring_trials" });
  const order = [...prep.fast, ...prep.slow];
  try {
    if (prep.fast.length > 0) {
      const table = s.kind === "cosine" ? null : await ensureTable(gpu, scorer);
      const run = gpu.run("scoring_table_trials");
      const pairs = run.scratch([prep.fast.length, 2], "u32");
      const fastPairs = new Uint32Array(2 * prep.fast.length);
      prep.fast.forEach((t, i) => {
        fastPairs[2 * i] = prep.pairs[2 * t];
        fastPairs[2 * i + 1] = prep.pairs[2 * t + 1];
      });
      gpu.write(pairs, fastPairs);
      const common = {
        bits: prep.bits!,
        pairs,
        out,
        nTrials: prep.fast.length,
        nAttr: s.nAttributes,
      };
      if (table) {
        const llrs = run.scratch([2, s.nAttributes, 2], "f32");
        gpu.write(llrs, table);
        scoringTableTrials(run, { ...common, llrs });
      } else {
        scoringCosineBits(run, { ...common, dim: s.dim, eps: s.eps });
      }
      await run.submit();
    }
    const chunk = trialsPerChunk(gpu, s.nAttributes, rowLen);
    for (let start = 0; start < prep.slow.length; start += chunk) {
      const trials = prep.slow.slice(start, start + chunk);
      const { sides, pairs } = gatherSides(prep, trials, rowLen);
      const run = gpu.run("scoring_trials_chunk");
      const sideT = run.scratch([sides.length / rowLen, s.nAttributes, s.nCategories], "f32");
      gpu.write(sideT, sides);
      const pairT = run.scratch([trials.length, 2], "u32");
      gpu.write(pairT, pairs);
      const first = prep.fast.length + start;
      if (s.kind === "cosine") {
        // Chunk-local pairs: the kernel writes rows 0 ..< n of a view of out from row `first`,
        // whose byte offset must be a multiple of 256.
        const view = first % 32 === 0 ? null : run.scratch([trials.length, 2], "f32");
        scoringCosineTrials(run, {
          sides: sideT,
          pairs: pairT,
          out: view ?? { buffer: out.buffer, offset: first * 8, size: trials.length * 8 },
          nTrials: trials.length,
          nAttr: s.nAttributes,
          nCat: s.nCategories,
          dim: s.dim,
          eps: s.eps,
        });
        if (view) run.copy(view, out, trials.length * 8, 0, first * 8);
      } else {
        const contrib = run.scratch([trials.length, s.nAttributes, 2], "f32");
        recordAttributeLlrs(run, scorer, {
          sides: sideT,
          pairs: pairT,
          out: contrib,
          nTrials: trials.length,
        });
        scoringRowSum(run, { x: contrib, out, nRows: trials.length, nCols: s.nAttributes, first });
      }
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
  const prep = await prepare(gpu, scorer, pairsSource(trials, rowLen), trials.pairs);
  return await scorePrepared(gpu, scorer, prep);
}

/** Scores aligned enrolment/test count matrices (trial t = enrol[t] vs test[t]). */
export async function scoreTrials(
  gpu: Gpu,
  scorer: Scorer,
  trials: TrialCounts,
): Promise<Float64Array> {
  const rowLen = scorer.settings.nAttributes * scorer.settings.nCategories;
  const { source, pairs } = countsSource(trials, rowLen);
  const prep = await prepare(gpu, scorer, source, pairs);
  return await scorePrepared(gpu, scorer, prep);
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
  const s = scorer.settings;
  if (s.kind === "cosine") {
    throw new Error(
      "cosine scores do not decompose over attributes (a product of per-column cosines); " +
        "explanations need an LLR scorer (beta, dna, speech, maxllr)",
    );
  }
  const rowLen = s.nAttributes * s.nCategories;
  const prep = await prepare(gpu, scorer, pairsSource(trials, rowLen), trials.pairs);
  const n = s.nAttributes;
  const result = new Float64Array(prep.nTrials * n);
  try {
    if (s.kind === "dna" || s.kind === "speech") {
      const run = gpu.run("scoring_explain_table");
      const pairs = run.scratch([prep.nTrials, 2], "u32");
      gpu.write(pairs, prep.pairs);
      const llrs = run.scratch([2, n, 2], "f32");
      gpu.write(llrs, scorer.table!);
      const out = run.scratch([prep.nTrials, n, 2], "f32");
      scoringTableTrials(run, {
        bits: prep.bits!,
        pairs,
        llrs,
        out,
        nTrials: prep.nTrials,
        nAttr: n,
        perAttribute: true,
      });
      run.read(out);
      const [o] = await run.submit();
      for (let i = 0; i < result.length; i++) result[i] = o[2 * i] + o[2 * i + 1];
      return result;
    }
    const all = Array.from({ length: prep.nTrials }, (_, t) => t);
    const chunk = trialsPerChunk(gpu, n, rowLen);
    for (let start = 0; start < all.length; start += chunk) {
      const trials = all.slice(start, start + chunk);
      const { sides, pairs } = gatherSides(prep, trials, rowLen);
      result.set(await attributeLlrs(gpu, scorer, sides, pairs), start * n);
    }
    return result;
  } finally {
    prep.bits?.release();
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
