/**
 * Per-trial explanations of `balr score test` (ours, beyond the reference):
 * the per-attribute LLR contributions of each trial (they sum to its score),
 * computed on the GPU a chunk of trials at a time so a million trials never
 * hold a million contribution rows, streamed into `explanations.csv` (the
 * top K attributes for and against each trial, see src/scoring/explanations.ts)
 * and drawn as bar charts `explain/trial_<i>.svg` for the first trials.
 * @module
 */
import { basename, dirname, join } from "node:path";
import type { Trials } from "../data/trials.ts";
import type { Gpu } from "../gpu/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { explanationPlotSvg } from "../report/explanation_plot.ts";
import {
  appendExplanationCsvRows,
  type Contribution,
  type ExplainedTrial,
  EXPLANATION_COLUMNS,
  type TopContributions,
} from "../scoring/explanations.ts";
import { topContributionsFits } from "../kernels/scoring_top_contributions.ts";
import { gatherSides } from "../scoring/_trial_paths.ts";
import {
  explainTrialPairs,
  type TopContributionArrays,
  TrialExplainer,
  type TrialPairs,
} from "../scoring/score_trials.ts";
import type { Scorer } from "../scoring/scorer.ts";

/** Which trials to explain: `[start, start + count)` of the pairs (default: all). */
export interface ExplainRange {
  start?: number;
  count?: number;
}

/**
 * Per-attribute LLR contributions `[count, n_attributes]` of a range of
 * trials (row sums are the trial scores); only the sides those trials use
 * go to the GPU. Cosine cannot be explained (an Error).
 *
 * @example
 * ```ts ignore
 * const c = await explainTrials(gpu, scorer, { sides, pairs, start: 0, count: 10 });
 * ```
 */
export async function explainTrials(
  gpu: Gpu,
  scorer: Scorer,
  trials: TrialPairs & ExplainRange,
): Promise<Float64Array> {
  const { nAttributes: n, nCategories: k } = scorer.settings;
  const rowLen = n * k;
  const total = trials.pairs.length / 2;
  const start = trials.start ?? 0;
  const count = trials.count ?? total - start;
  if (
    !(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0) ||
    start + count > total
  ) {
    throw new RangeError(
      `explainTrials: trials [${start}, ${start + count}) outside [0, ${total})`,
    );
  }
  if (count === 0) return new Float64Array(0);
  // Only the sides of the range go to the GPU (and are validated), renumbered.
  const range = Array.from({ length: count }, (_, i) => start + i);
  const { sides, pairs, original } = gatherSides(
    trials.pairs,
    range,
    (side) => trials.sides.subarray(side * rowLen, (side + 1) * rowLen),
    rowLen,
  );
  const describe = trials.describeSide ?? ((i: number) => `side #${i}`);
  return await explainTrialPairs(gpu, scorer, {
    sides,
    pairs,
    describeSide: (j) => describe(original[j]),
  });
}

/**
 * The k largest positive and k most negative of `values`, strongest first
 * (ties: lower index first, as topContributions), by insertion into lists
 * of k instead of sorting every attribute.
 */
function strongest(values: Float64Array, k: number): TopContributions {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let a = 0; a < values.length; a++) {
    const v = values[a];
    if (v === 0 || Number.isNaN(v)) continue;
    const list = v > 0 ? pos : neg;
    const stronger = (i: number) => (v > 0 ? v > values[i] : v < values[i]);
    if (list.length === k && !stronger(list[k - 1])) continue;
    // Insertion into a list kept strongest first; equal values keep the earlier index first.
    let j = Math.min(list.length, k - 1);
    if (list.length < k) list.push(a);
    while (j > 0 && stronger(list[j - 1])) {
      list[j] = list[j - 1];
      j--;
    }
    list[j] = a;
  }
  const of = (list: number[]) => list.map((a) => ({ attribute: a, llr: values[a] }));
  return { for: of(pos), against: of(neg) };
}

/** Trial i's lists of a GPU ranking (`[count, 2, k]`, -1 past the last attribute). */
function gpuRanked(top: TopContributionArrays, i: number, k: number): TopContributions {
  const list = (side: number) => {
    const out: Contribution[] = [];
    for (let r = 0; r < k; r++) {
      const j = (2 * i + side) * k + r;
      if (top.attributes[j] >= 0) out.push({ attribute: top.attributes[j], llr: top.llrs[j] });
    }
    return out;
  };
  return { for: list(0), against: list(1) };
}

/** Options of {@link writeExplanations}. */
export interface WriteExplanationsOptions {
  /** The trials file (cells are copied as written). */
  trials: Trials;
  /** Its sides and pairs. */
  sides: TrialPairs;
  /** The trial scores (from scoreTrialPairs). */
  scores: Float64Array;
  /** Folder that receives explanations.csv and explain/. */
  saveDir: string;
  /** Attributes per direction in the CSV; null = no CSV. */
  k: number | null;
  /** Bar charts for the first `plots` trials (0 = none). */
  plots: number;
  /** CSV separator (the trials file's). */
  sep: string;
}

/** What was written. */
export interface WrittenExplanations {
  csv: string | null;
  plots: string[];
}

/** A file written chunk by chunk into a temp file, renamed over `path` at the end. */
class StreamingFile {
  readonly #path: string;
  readonly #tmp: string;
  #file: Deno.FsFile | null = null;
  readonly #encoder = new TextEncoder();

  constructor(path: string) {
    this.#path = path;
    this.#tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  }

  async write(text: string): Promise<void> {
    if (!this.#file) {
      await Deno.mkdir(dirname(this.#path), { recursive: true });
      this.#file = await Deno.open(this.#tmp, { write: true, create: true, truncate: true });
    }
    let bytes = this.#encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(await this.#file.write(bytes));
  }

  async commit(): Promise<void> {
    if (!this.#file) await this.write("");
    this.#file!.close();
    this.#file = null;
    await Deno.rename(this.#tmp, this.#path);
  }

  async abort(): Promise<void> {
    try {
      this.#file?.close();
    } catch { /* already closed */ }
    this.#file = null;
    await Deno.remove(this.#tmp).catch(() => {});
  }
}

/**
 * Writes `explanations.csv` (top K for and against per trial, when `k` is
 * set) and `explain/trial_<i>.svg` for the first `plots` trials (i is the
 * 0-based trial row, as the CSV's `trial` column), explaining a chunk of
 * trials at a time; the GPU ranks each trial's attributes (k <= 32; larger k
 * ranks full rows here). The CSV appears only once complete.
 */
export async function writeExplanations(
  gpu: Gpu,
  scorer: Scorer,
  options: WriteExplanationsOptions,
): Promise<WrittenExplanations> {
  const { trials, scores, k, sep, saveDir } = options;
  const nTrials = trials.rows.length;
  const plots = Math.min(options.plots, nTrials);
  const upTo = k !== null ? nTrials : plots;
  const n = scorer.settings.nAttributes;
  const csvPath = join(saveDir, "explanations.csv");
  const csv = k !== null ? new StreamingFile(csvPath) : null;
  const written: string[] = [];
  if (upTo === 0) {
    await csv?.commit();
    return { csv: csv ? csvPath : null, plots: written };
  }
  const explainer = await TrialExplainer.open(gpu, scorer, options.sides);
  const gpuTop = k !== null && topContributionsFits(n, k);
  const chunk = explainer.chunkTrials;
  const cellsOf = (t: number): Omit<ExplainedTrial, "contributions"> => {
    const row = trials.rows[t];
    return {
      trial: t,
      enrollment: row.raw[trials.enrollmentColumn],
      test: row.raw[trials.testColumn],
      score: scores[t],
    };
  };
  // The GPU ranks the next chunk while this one is formatted.
  const rank = (c0: number) =>
    gpuTop && c0 < upTo
      ? explainer.top(k, { start: c0, count: Math.min(upTo, c0 + chunk) - c0 })
      : null;
  let pending = rank(0);
  try {
    for (let c0 = 0; c0 < upTo; c0 += chunk) {
      const count = Math.min(upTo, c0 + chunk) - c0;
      const top = await pending;
      pending = rank(c0 + chunk);
      const full = top === null || c0 < plots
        ? await explainer.contributions({
          start: c0,
          count: top ? Math.min(count, plots - c0) : count,
        })
        : null;
      if (csv && k !== null) {
        const lines: string[] = c0 === 0 ? [EXPLANATION_COLUMNS.join(sep)] : [];
        for (let i = 0; i < count; i++) {
          const ranked = top
            ? gpuRanked(top, i, k)
            : strongest(full!.subarray(i * n, (i + 1) * n), k);
          appendExplanationCsvRows(lines, { ...cellsOf(c0 + i), top: ranked }, { sep });
        }
        await csv.write(lines.join("\n") + "\n");
      }
      for (let i = 0; i < Math.min(count, plots - c0); i++) {
        const e = { ...cellsOf(c0 + i), contributions: full!.subarray(i * n, (i + 1) * n) };
        const path = join(saveDir, "explain", `trial_${e.trial}.svg`);
        const svg = explanationPlotSvg(e.contributions, e.score, {
          k: k ?? 10,
          title: `Trial ${e.trial}: ${e.enrollment} vs ${e.test} (LLR ${e.score.toFixed(2)})`,
        });
        await writeFileAtomic(path, svg);
        written.push(path);
      }
    }
    await csv?.commit();
  } catch (e) {
    await pending?.catch(() => {});
    await csv?.abort();
    throw e;
  } finally {
    explainer.release();
  }
  return { csv: csv ? csvPath : null, plots: written };
}
