/**
 * Per-trial explanations: the attributes whose LLR contributions speak most
 * for and against "same speaker", and the CSV that `balr score test
 * --explain K` writes.
 *
 * CSV layout (one row per trial and rank, same separator as the trials file):
 * `trial, enrollment, test, score, rank, for_attribute, for_llr,
 * against_attribute, against_llr`. Row r of a trial pairs its r-th strongest
 * supporting attribute (largest positive contribution) with its r-th
 * strongest opposing one (most negative); a side with fewer than r such
 * attributes leaves its two cells empty. Attributes are 0-based indices into
 * the BA vector; numbers are written with 4 decimals, as scores.csv.
 * @module
 */
import { writeFileAtomic } from "../io/atomic_write.ts";

/** One attribute and its LLR contribution. */
export interface Contribution {
  /** 0-based index of the attribute in the BA vector. */
  attribute: number;
  /** Its additive LLR contribution to the trial's score (> 0 speaks for same speaker). */
  llr: number;
}

/** The strongest contributions of one trial. */
export interface TopContributions {
  /** Largest positive contributions, strongest first. */
  for: Contribution[];
  /** Most negative contributions, strongest first. */
  against: Contribution[];
}

/** The k strongest positive and k strongest negative contributions (ties: lower index first). */
export function topContributions(contributions: ArrayLike<number>, k: number): TopContributions {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k needs k >= 1, got ${k}`);
  const pos: Contribution[] = [];
  const neg: Contribution[] = [];
  for (let a = 0; a < contributions.length; a++) {
    const v = contributions[a];
    if (v > 0) pos.push({ attribute: a, llr: v });
    else if (v < 0) neg.push({ attribute: a, llr: v });
  }
  pos.sort((x, y) => y.llr - x.llr || x.attribute - y.attribute);
  neg.sort((x, y) => x.llr - y.llr || x.attribute - y.attribute);
  return { for: pos.slice(0, k), against: neg.slice(0, k) };
}

/** One explained trial. */
export interface ExplainedTrial {
  /** Row index of the trial in the trials file (0-based). */
  trial: number;
  /** The enrolment cell as written in the trials file. */
  enrollment: string;
  /** The test cell as written in the trials file. */
  test: string;
  /** The trial's score, as written to scores.csv. */
  score: number;
  /** Per-attribute contributions (they sum to the score). */
  contributions: ArrayLike<number>;
}

/** Options of the explanation CSV. */
export interface ExplanationCsvOptions {
  /** Attributes per direction (the K of --explain K). */
  k: number;
  /** Column separator (default tab, as the trials file). */
  sep?: string;
}

/** Header of the explanation CSV. */
export const EXPLANATION_COLUMNS = [
  "trial",
  "enrollment",
  "test",
  "score",
  "rank",
  "for_attribute",
  "for_llr",
  "against_attribute",
  "against_llr",
] as const;

function cell(value: string, sep: string): string {
  return value.includes(sep) || value.includes('"') || value.includes("\n")
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** The CSV lines (header first) of explained trials. */
export function explanationCsvLines(
  trials: Iterable<ExplainedTrial>,
  options: ExplanationCsvOptions,
): string[] {
  const sep = options.sep ?? "\t";
  const lines = [EXPLANATION_COLUMNS.join(sep)];
  for (const t of trials) {
    const top = topContributions(t.contributions, options.k);
    appendExplanationCsvRows(lines, {
      trial: t.trial,
      enrollment: t.enrollment,
      test: t.test,
      score: t.score,
      top,
    }, { sep });
  }
  return lines;
}

/** A trial whose strongest contributions are already ranked (e.g. on the GPU). */
export interface RankedTrial extends Omit<ExplainedTrial, "contributions"> {
  top: TopContributions;
}

/** Appends the CSV rows of one ranked trial: the rows explanationCsvLines writes for it. */
export function appendExplanationCsvRows(
  lines: string[],
  trial: RankedTrial,
  options: { sep?: string } = {},
): void {
  const sep = options.sep ?? "\t";
  const top = trial.top;
  // The cells every rank row of the trial repeats, formatted once.
  const head = [
    String(trial.trial),
    cell(trial.enrollment, sep),
    cell(trial.test, sep),
    trial.score.toFixed(4),
  ].join(sep);
  const rows = Math.max(1, top.for.length, top.against.length);
  for (let r = 0; r < rows; r++) {
    const f = top.for[r];
    const g = top.against[r];
    lines.push([
      head,
      String(r + 1),
      f ? String(f.attribute) : "",
      f ? f.llr.toFixed(4) : "",
      g ? String(g.attribute) : "",
      g ? g.llr.toFixed(4) : "",
    ].join(sep));
  }
}

/** Writes the explanation CSV atomically. */
export async function writeExplanationCsv(
  path: string,
  trials: Iterable<ExplainedTrial>,
  options: ExplanationCsvOptions,
): Promise<void> {
  await writeFileAtomic(path, explanationCsvLines(trials, options).join("\n") + "\n");
}
