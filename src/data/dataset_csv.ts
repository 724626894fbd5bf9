/**
 * Datasets from a csv file with a header row. Columns among `id`, `audio`,
 * `embedding`, `binary_attributes`, `speaker` are used, others ignored.
 * Without `id`, the `audio` value (as written) is the id; without both, the
 * csv is refused. Relative paths resolve against `rootDir` or the csv's
 * folder. Header names and cells are trimmed; empty cells mean "absent".
 * Values are kept as text (pandas would turn an id "007" into 7).
 *
 * An audio file's vector files are discovered beside it unless the csv names
 * them (upstream lets discovery override the csv; we let the csv win).
 * A listed file that does not exist, or a row naming no file at all, is a
 * problem of that item (see dataset.ts), not an error.
 * @module
 */
import { dirname, resolve } from "node:path";
import { type CsvRecord, parseCsvRecords } from "./csv.ts";
import type { DatasetItem, DatasetProblem } from "./dataset.ts";
import type { DirectoryIndex } from "./directory_index.ts";
import { discoverVectorFiles } from "./vector_paths.ts";

const FILE_COLUMNS = [
  ["audio", "audio"],
  ["embedding", "embedding"],
  ["binary_attributes", "binaryAttributes"],
] as const;

/** Reads a dataset csv; see the module docs. Errors name the csv (and line). */
export async function readCsvDataset(
  path: string,
  options: { rootDir?: string; index: DirectoryIndex },
): Promise<{ items: DatasetItem[]; problems: DatasetProblem[] }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read csv: ${(e as Error).message}`, { cause: e });
  }
  let rows: CsvRecord[];
  try {
    rows = parseCsvRecords(text);
  } catch (e) {
    throw new Error(`${path}: malformed csv: ${(e as Error).message}`, { cause: e });
  }
  if (rows.length === 0) throw new Error(`${path}: csv is empty (a header row is needed)`);
  const header = rows[0].record.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const idCol = col("id");
  const audioCol = col("audio");
  const speakerCol = col("speaker");
  const fileCols = FILE_COLUMNS.map(([name, field]) => ({ name, field, index: col(name) })).filter((
    c,
  ) => c.index >= 0);
  if (idCol < 0 && audioCol < 0) {
    throw new Error(
      `${path}: csv needs an "id" or an "audio" column; its columns are: ${header.join(", ")}`,
    );
  }
  if (fileCols.length === 0) {
    throw new Error(
      `${path}: csv needs an "audio", "embedding" or "binary_attributes" column; its columns are: ${
        header.join(", ")
      }`,
    );
  }
  const base = options.rootDir !== undefined ? resolve(options.rootDir) : dirname(resolve(path));
  const lineOf = new Map<string, number>();
  const problems: DatasetProblem[] = [];
  const items: DatasetItem[] = [];
  const checks: Array<Promise<void>> = [];
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    const line = info.lines;
    const cell = (i: number) => (i >= 0 && i < record.length ? record[i].trim() : "");
    const id = idCol >= 0 ? cell(idCol) : cell(audioCol);
    if (!id) {
      throw new Error(
        `${path}: line ${line}: empty ${idCol >= 0 ? "id" : "audio"} cell (every row needs an id)`,
      );
    }
    const earlier = lineOf.get(id);
    if (earlier !== undefined) {
      throw new Error(`${path}: duplicate id "${id}" on lines ${earlier} and ${line}`);
    }
    lineOf.set(id, line);
    const item: DatasetItem = { id };
    const speaker = cell(speakerCol);
    if (speaker) item.speaker = speaker;
    for (const c of fileCols) {
      const value = cell(c.index);
      if (value) item[c.field] = resolve(base, value);
    }
    items.push(item);
    if (!item.audio && !item.embedding && !item.binaryAttributes) {
      problems.push({
        id,
        line,
        message: "row names no audio, embedding or binary_attributes file",
      });
      continue;
    }
    checks.push((async () => {
      for (const c of fileCols) {
        const p = item[c.field];
        if (p && !(await options.index.exists(p))) {
          problems.push({ id, field: c.field, path: p, line, message: `${c.name} file not found` });
        }
      }
      if (item.audio) {
        const found = await discoverVectorFiles(item.audio, options.index);
        item.embedding ??= found.embedding;
        item.binaryAttributes ??= found.binaryAttributes;
        if (!item.embedding) delete item.embedding;
        if (!item.binaryAttributes) delete item.binaryAttributes;
      } else if (item.embedding && !item.binaryAttributes) {
        // Audio-less rows: `binarize` writes <stem>_ba.* beside the <stem>_emb.* file.
        const base = item.embedding.replace(/_emb(\.[^./\\]*)$/, "$1");
        const found = await discoverVectorFiles(base, options.index);
        if (found.binaryAttributes) item.binaryAttributes = found.binaryAttributes;
      }
    })());
  }
  await Promise.all(checks);
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { items, problems };
}
