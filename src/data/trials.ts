/**
 * The files of `balr score test`: the trials list in, scores.csv and
 * metrics.json out.
 *
 * Trials: a delimited text file (default separator tab), first line a
 * header. The enrolment column is the one named `enrollment` (or
 * `enrolment`), the test column the one named `test` (case-insensitive);
 * without those names, the first column is enrolment and the next test.
 * Each cell is a comma-separated list of ids whose BA vectors are summed.
 * Quoted cells are read as csv (pandas does the same).
 *
 * scores.csv: the trials columns as read, plus `scores` (replacing a column
 * of that name), same separator, 4 decimals (pandas `float_format="%.4f"`:
 * round half to even on the binary value; NaN as an empty cell).
 *
 * metrics.json: EER, EER_thres, CLLR, TP, TN, FP, FN, FAR, FRR, DER,
 * threshold, precision, recall, F-score, MCC in that order, then any extra
 * keys; pretty-printed; non-finite values as null (JSON has no NaN).
 * @module
 */
import { writeFileAtomic } from "../io/atomic_write.ts";
import { type CsvRecord, parseCsvRecords, stringifyCsv } from "./csv.ts";
import type { Dataset } from "./dataset.ts";

/** One trial: enrolment and test id lists, and the row's cells as read. */
export interface TrialRow {
  /** Ids of the enrolment cell (its comma-separated list, trimmed; at least one). */
  enrollment: string[];
  /** Ids of the test cell (its comma-separated list, trimmed; at least one). */
  test: string[];
  /** Every cell of the row as read, one per header column (missing trailing cells ""). */
  raw: string[];
  /** Line of the row in the file (1-based). */
  line: number;
}

/** A parsed trials file. */
export interface Trials {
  /** The file it was read from (as given), for error messages. */
  path: string;
  /** Column names of the first line, trimmed. */
  header: string[];
  /** 0-based index of the enrolment column in `header`. */
  enrollmentColumn: number;
  /** 0-based index of the test column in `header`. */
  testColumn: number;
  /** The trials, in file order (at least one). */
  rows: TrialRow[];
}

function splitIds(cell: string, path: string, line: number, column: string): string[] {
  const ids = cell.split(",").map((s) => s.trim());
  if (cell.trim() === "" || ids.some((id) => id === "")) {
    throw new Error(`${path}: line ${line}: empty id in the ${column} cell "${cell}"`);
  }
  return ids;
}

function describeSep(sep: string): string {
  return sep === "\t" ? "tab" : JSON.stringify(sep);
}

/**
 * Reads a trials file. Errors name the file and line: empty file, no trial
 * rows, a single column, an empty cell or id.
 */
export async function readTrials(path: string, options: { sep?: string } = {}): Promise<Trials> {
  const sep = options.sep ?? "\t";
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read trials: ${(e as Error).message}`, { cause: e });
  }
  if (text.trim() === "") throw new Error(`${path}: trials file is empty`);
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(text, { delimiter: sep });
  } catch (e) {
    throw new Error(`${path}: malformed trials file: ${(e as Error).message}`, { cause: e });
  }
  const header = records[0].record.map((h) => h.trim());
  if (header.length < 2) {
    const other = [",", "\t", ";", " "].find((s) => s !== sep && header[0].includes(s));
    const hint = other ? `; it looks separated by ${describeSep(other)}: pass --sep` : "";
    throw new Error(
      `${path}: line 1: one column only, expected enrollment and test separated by ${
        describeSep(sep)
      }${hint}`,
    );
  }
  const lower = header.map((h) => h.toLowerCase());
  let enrollmentColumn = lower.findIndex((h) => h === "enrollment" || h === "enrolment");
  let testColumn = lower.indexOf("test");
  if (enrollmentColumn < 0) enrollmentColumn = testColumn === 0 ? 1 : 0;
  if (testColumn < 0) testColumn = header.findIndex((_, i) => i !== enrollmentColumn);
  if (records.length < 2) throw new Error(`${path}: trials file has a header but no trials`);
  const rows: TrialRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const line = info.lines;
    if (record.length > header.length) {
      throw new Error(
        `${path}: line ${line}: ${record.length} cells, the header has ${header.length}`,
      );
    }
    const cell = (i: number) => record[i] ?? "";
    rows.push({
      enrollment: splitIds(cell(enrollmentColumn), path, line, header[enrollmentColumn]),
      test: splitIds(cell(testColumn), path, line, header[testColumn]),
      raw: header.map((_, i) => cell(i)),
      line,
    });
  }
  return { path, header, enrollmentColumn, testColumn, rows };
}

/**
 * Trial labels: 1 when the enrolment and test speakers are equal, else 0.
 * Every id must be in the dataset with a speaker, and the ids of one cell
 * must share a speaker; errors name the trials file, line, ids and speakers.
 */
export function trialLabels(trials: Trials, dataset: Dataset): Uint8Array {
  const labels = new Uint8Array(trials.rows.length);
  const speakerOfCell = (ids: string[], row: TrialRow, column: string): string => {
    let speaker: string | undefined;
    for (const id of ids) {
      const item = dataset.get(id);
      if (!item) {
        throw new Error(
          `${trials.path}: line ${row.line}: id "${id}" is not in dataset ${dataset.source}`,
        );
      }
      if (item.speaker === undefined) {
        throw new Error(
          `${trials.path}: line ${row.line}: id "${id}" has no speaker label in ${dataset.source}`,
        );
      }
      if (speaker === undefined) speaker = item.speaker;
      else if (speaker !== item.speaker) {
        const who = ids.map((i) => `${i} (${dataset.get(i)?.speaker})`).join(", ");
        throw new Error(`${trials.path}: line ${row.line}: the ${column} ids mix speakers: ${who}`);
      }
    }
    return speaker!;
  };
  trials.rows.forEach((row, k) => {
    const e = speakerOfCell(row.enrollment, row, "enrollment");
    const t = speakerOfCell(row.test, row, "test");
    labels[k] = e === t ? 1 : 0;
  });
  return labels;
}

/**
 * `x` with 4 decimals as Python's "%.4f" writes it: round half to even on
 * the exact binary value (JavaScript's toFixed rounds those ties away from
 * zero), NaN as "" (pandas' na_rep), infinities as "inf"/"-inf".
 */
export function formatScore(x: number): string {
  if (Number.isNaN(x)) return "";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  // An exact tie at the 4th decimal is a double x = k/32 with k odd (x·10^4 = n + 1/2).
  const k = x * 32;
  if (Number.isInteger(k) && Math.abs(k) % 2 === 1 && Math.abs(x) < 2 ** 40) {
    const n = Math.floor(Math.abs(x) * 10000); // the candidate below the tie
    const even = n % 2 === 0 ? n : n + 1;
    const s = (even / 10000).toFixed(4);
    return x < 0 ? `-${s}` : s;
  }
  return x.toFixed(4);
}

/**
 * Writes scores.csv: the trials columns plus `scores` (one per row),
 * separated by `sep` (default tab), atomically.
 */
export async function writeScores(
  path: string,
  trials: Trials,
  scores: ArrayLike<number>,
  options: { sep?: string } = {},
): Promise<void> {
  if (scores.length !== trials.rows.length) {
    throw new RangeError(
      `${path}: ${scores.length} scores for ${trials.rows.length} trials in ${trials.path}`,
    );
  }
  const sep = options.sep ?? "\t";
  let scoreColumn = trials.header.indexOf("scores");
  const header = [...trials.header];
  if (scoreColumn < 0) {
    scoreColumn = header.length;
    header.push("scores");
  }
  const records = trials.rows.map((row, k) => {
    const cells = [...row.raw];
    cells[scoreColumn] = formatScore(scores[k]);
    return cells;
  });
  const text = stringifyCsv([header, ...records], { delimiter: sep });
  await writeFileAtomic(path, text);
}

/** The metric keys of metrics.json, in order. */
export const METRIC_KEYS = [
  "EER",
  "EER_thres",
  "CLLR",
  "TP",
  "TN",
  "FP",
  "FN",
  "FAR",
  "FRR",
  "DER",
  "threshold",
  "precision",
  "recall",
  "F-score",
  "MCC",
] as const;

/**
 * Writes metrics.json: METRIC_KEYS first (those present), then the other
 * keys in their given order; non-finite numbers as null; atomically.
 */
export async function writeMetrics(
  path: string,
  metrics: Record<string, number | string | boolean | null>,
): Promise<void> {
  const ordered: Record<string, unknown> = {};
  const keys = [
    ...METRIC_KEYS.filter((k) => k in metrics),
    ...Object.keys(metrics).filter((k) => !(METRIC_KEYS as readonly string[]).includes(k)),
  ];
  for (const k of keys) {
    const v = metrics[k];
    ordered[k] = typeof v === "number" && !Number.isFinite(v) ? null : v;
  }
  await writeFileAtomic(path, JSON.stringify(ordered, null, 2) + "\n");
}
