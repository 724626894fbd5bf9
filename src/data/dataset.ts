/**
 * Datasets: a map id → {audio?, embedding?, binaryAttributes?, speaker?},
 * ids sorted (by code point, as Python sorts strings), built from
 *
 * - a single audio file: id = the file stem;
 * - a folder: every file below it (recursive, following links) whose
 *   extension is in the audio formats (case-insensitive); id = the path
 *   relative to the folder, extension included, `/`-separated;
 * - a csv with a header (see dataset_csv.ts).
 *
 * Every audio file's vector files are discovered beside it (vector_paths.ts).
 * Paths are absolute.
 *
 * Missing files do not stop loading: each becomes an entry of
 * `dataset.problems` (id, field, path, message) and the commands skip or
 * report those items, so one bad row does not cost a whole batch. Pass
 * `{strict: true}` to fail at load time instead, as upstream does.
 * @module
 */
import { basename, extname, resolve } from "node:path";
import { DEFAULT_AUDIO_FORMATS, normaliseFormats } from "./audio_formats.ts";
import { DirectoryIndex } from "./directory_index.ts";
import { readCsvDataset } from "./dataset_csv.ts";
import { listAudioFiles } from "./dataset_folder.ts";
import { discoverVectorFiles, stemOf, type VectorKind } from "./vector_paths.ts";

/** One recording: its files (absolute paths) and speaker label. */
export interface DatasetItem {
  /** Unique id: a csv's id (else audio) cell, a folder-relative path, or a single file's stem. */
  id: string;
  /** Absolute path of the audio file, when there is one. */
  audio?: string;
  /**
   * Absolute path of the embedding vector file (`<stem>_emb.<ext>` beside
   * the audio, or a csv cell).
   */
  embedding?: string;
  /** Absolute path of the binary-attribute (BA) vector file (`<stem>_ba.<ext>`, or a csv cell). */
  binaryAttributes?: string;
  /** Speaker label, when the dataset gives one (csv speaker column). */
  speaker?: string;
}

/** The file fields of an item. */
export type DatasetFileField = "audio" | VectorKind;

/** Something wrong with one item that does not stop the others (a missing file, an empty row). */
export interface DatasetProblem {
  /** Id of the item concerned. */
  id: string;
  /** The field concerned, when it is about one file. */
  field?: DatasetFileField;
  /** The absolute path concerned (e.g. the missing file), when there is one. */
  path?: string;
  /** csv line, when the dataset came from a csv. */
  line?: number;
  /** What is wrong, in plain words (e.g. "audio file not found"). */
  message: string;
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Audio extensions for folders and single files (default: upstream's seven). */
  audioFormats?: readonly string[];
  /** Base of relative paths in a csv (default: the csv's folder). */
  rootDir?: string;
  /** Throw on any problem (missing file, empty row) instead of listing it. */
  strict?: boolean;
}

/** Orders strings by Unicode code point, as Python's `sorted` does. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // skip the low surrogate of both (equal code points)
  }
  return a.length - b.length;
}

/** A set of recordings, sorted by id. */
export class Dataset {
  /** What it was loaded from (file, folder or csv path), for messages. */
  readonly source: string;
  /** Items sorted by id. */
  readonly items: readonly DatasetItem[];
  /** Ids in order. */
  readonly ids: readonly string[];
  /** Problems found while loading (missing files, empty rows); see the module docs. */
  readonly problems: readonly DatasetProblem[];
  readonly #byId: Map<string, DatasetItem>;

  /** Sorts `items` by id; a duplicate id is an Error naming it. */
  constructor(
    items: DatasetItem[],
    options: { source: string; problems?: DatasetProblem[]; sorted?: boolean },
  ) {
    this.source = options.source;
    const sorted = options.sorted
      ? items
      : [...items].sort((a, b) => compareCodePoints(a.id, b.id));
    this.#byId = new Map();
    for (const item of sorted) {
      if (this.#byId.has(item.id)) throw new Error(`${this.source}: duplicate id "${item.id}"`);
      this.#byId.set(item.id, item);
    }
    this.items = sorted;
    this.ids = sorted.map((i) => i.id);
    this.problems = options.problems ?? [];
  }

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The item with this id, or undefined. */
  get(id: string): DatasetItem | undefined {
    return this.#byId.get(id);
  }

  /** Whether the id is in the dataset. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The distinct speaker labels, sorted. */
  speakers(): string[] {
    const s = new Set<string>();
    for (const i of this.items) if (i.speaker !== undefined) s.add(i.speaker);
    return [...s].sort(compareCodePoints);
  }

  /** Problems of one item. */
  problemsOf(id: string): DatasetProblem[] {
    return this.problems.filter((p) => p.id === id);
  }

  /**
   * The items with the given ids (in dataset order), sharing this dataset's
   * item objects; an unknown id is an Error naming it.
   */
  subset(ids: Iterable<string>): Dataset {
    const keep = new Set<string>();
    for (const id of ids) {
      if (!this.#byId.has(id)) throw new Error(`${this.source}: no item with id "${id}"`);
      keep.add(id);
    }
    return new Dataset(this.items.filter((i) => keep.has(i.id)), {
      source: this.source,
      problems: this.problems.filter((p) => keep.has(p.id)),
      sorted: true,
    });
  }

  /** Records a file written for an item (e.g. a freshly saved embedding). */
  setFile(id: string, field: DatasetFileField, path: string): void {
    const item = this.#byId.get(id);
    if (!item) throw new Error(`${this.source}: no item with id "${id}"`);
    item[field] = path;
  }

  /** Counts for a one-line summary: items, audio, embedding and BA files, speakers. */
  summary(): {
    size: number;
    audio: number;
    embeddings: number;
    binaryAttributes: number;
    speakers: number;
  } {
    let audio = 0;
    let embeddings = 0;
    let binaryAttributes = 0;
    for (const i of this.items) {
      if (i.audio) audio++;
      if (i.embedding) embeddings++;
      if (i.binaryAttributes) binaryAttributes++;
    }
    return {
      size: this.size,
      audio,
      embeddings,
      binaryAttributes,
      speakers: this.speakers().length,
    };
  }
}

/**
 * Loads a dataset from an audio file, a folder or a csv (see the module docs).
 * Errors name the input: missing input, empty folder (with the extensions
 * looked for), csv without id/audio column (with the columns found), a
 * duplicate id; with `strict`, any problem.
 */
export async function loadDataset(
  input: string,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  const formats = options.audioFormats ?? DEFAULT_AUDIO_FORMATS;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(input);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`${input}: input does not exist`);
    throw new Error(`${input}: cannot read input: ${(e as Error).message}`, { cause: e });
  }
  const index = new DirectoryIndex();
  let dataset: Dataset;
  if (info.isDirectory) {
    const folder = resolve(input);
    const files = await listAudioFiles(folder, { formats, index });
    if (files.length === 0) {
      throw new Error(
        `${input}: folder holds no audio file with extension ${
          [...normaliseFormats(formats)].join(", ")
        }`,
      );
    }
    const items = await Promise.all(files.map(async ({ id, path }) => ({
      id,
      audio: path,
      ...(await discoverVectorFiles(path, index)),
    })));
    dataset = new Dataset(items, { source: input });
  } else if (extname(input).toLowerCase() === ".csv") {
    const { items, problems } = await readCsvDataset(input, { rootDir: options.rootDir, index });
    dataset = new Dataset(items, { source: input, problems });
  } else {
    const ext = extname(input).toLowerCase();
    if (!normaliseFormats(formats).has(ext)) {
      throw new Error(
        `${input}: not a folder, a csv or an audio file with extension ` +
          `${[...normaliseFormats(formats)].join(", ")} (add --audio-formats ${
            ext.slice(1) || "…"
          } to accept it)`,
      );
    }
    const audio = resolve(input);
    dataset = new Dataset([{
      id: stemOf(basename(audio)),
      audio,
      ...(await discoverVectorFiles(audio, index)),
    }], {
      source: input,
    });
  }
  if (options.strict && dataset.problems.length > 0) {
    const shown = dataset.problems.slice(0, 5).map((p) => `  ${describeProblem(p)}`).join("\n");
    const more = dataset.problems.length > 5 ? `\n  … and ${dataset.problems.length - 5} more` : "";
    throw new Error(`${input}: ${dataset.problems.length} problem(s):\n${shown}${more}`);
  }
  return dataset;
}

/** "line 4, id spk1/u2: audio file not found: /data/spk1/u2.wav" */
export function describeProblem(p: DatasetProblem): string {
  const where = p.line !== undefined ? `line ${p.line}, ` : "";
  return `${where}id ${p.id}: ${p.message}${p.path ? `: ${p.path}` : ""}`;
}
