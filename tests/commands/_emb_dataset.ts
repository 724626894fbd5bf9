/**
 * Small embedding datasets in temp dirs for the binarize and train command
 * tests: a seeded synthetic speaker population written as `<stem>_emb.pkl`
 * files, either beside empty `.wav` files in a folder (the audio is never
 * decoded by these commands) or listed by a csv with `id, embedding,
 * speaker` columns.
 */
import { dirname, join } from "node:path";
import { main } from "../../cli.ts";
import {
  type SyntheticPopulation,
  syntheticPopulation,
} from "../../src/data/synthetic_population.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { writeVectorFile } from "../../src/io/vector_file.ts";

/** The shared BAE checkpoint (SPEC §6). */
export const SHARED_BAE = new URL("../../../shared/models/BAE/BAE_mse.pt", import.meta.url)
  .pathname;

/** Why tests needing the shared checkpoint skip, or null when it is there. */
export function missingBae(): string | null {
  try {
    Deno.statSync(SHARED_BAE);
    return null;
  } catch {
    return `SKIPPING: ${SHARED_BAE} is absent (the shared BAE_mse.pt checkpoint)`;
  }
}

/** A population written to disk. */
export interface EmbeddingDataset {
  /** The temp dir holding everything. */
  dir: string;
  /** What to pass as INPUT/TRAIN/VAL: the folder or the csv. */
  input: string;
  /** Dataset ids, in the population's order. */
  ids: string[];
  /** Embedding file of each id. */
  embPath: Map<string, string>;
  /** Where the BA vector of each id lands without --save-dir. */
  baPath: Map<string, string>;
  population: SyntheticPopulation;
}

/** Options of {@link writeEmbeddingDataset}. */
export interface EmbeddingDatasetOptions {
  speakers: number;
  utterancesPerSpeaker: number;
  seed: number;
  /** `folder`: `<spk>/<utt>.wav` + `_emb.pkl` beside; `csv`: `<name>.csv` + `emb/<spk>/<utt>_emb.pkl`. */
  layout: "folder" | "csv";
  /** Name of the csv (default `data`). */
  name?: string;
  /** Prefix of speaker ids (default `spk`). */
  speakerPrefix?: string;
  /** Write the csv without its speaker column. */
  noSpeakers?: boolean;
  /** Existing dir to write into (default: a new temp dir). */
  dir?: string;
}

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** A new temp dir removed when the test process ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  made.push(dir);
  return dir;
}

/** Writes a synthetic population as a folder or csv dataset (see the options). */
export async function writeEmbeddingDataset(
  options: EmbeddingDatasetOptions,
): Promise<EmbeddingDataset> {
  const population = syntheticPopulation({
    speakers: options.speakers,
    utterancesPerSpeaker: options.utterancesPerSpeaker,
    seed: options.seed,
    speakerPrefix: options.speakerPrefix,
  });
  const dir = options.dir ?? await tempDir("balr_emb_cmd_");
  const name = options.name ?? "data";
  const ids: string[] = [];
  const embPath = new Map<string, string>();
  const baPath = new Map<string, string>();
  const rows = [options.noSpeakers ? "id,embedding" : "id,embedding,speaker"];
  for (const [k, utt] of population.ids.entries()) {
    const emb = float32Tensor(population.embeddings.slice(k * 256, (k + 1) * 256), [256]);
    let id: string;
    let path: string;
    if (options.layout === "folder") {
      id = `${utt}.wav`;
      const wav = join(dir, name, id);
      await Deno.mkdir(dirname(wav), { recursive: true });
      await Deno.writeFile(wav, new Uint8Array());
      path = wav.replace(/\.wav$/, "_emb.pkl");
    } else {
      id = utt;
      path = join(dir, "emb", `${utt}_emb.pkl`);
      const rel = `emb/${utt}_emb.pkl`;
      rows.push(options.noSpeakers ? `${id},${rel}` : `${id},${rel},${population.speakers[k]}`);
    }
    await writeVectorFile(path, emb);
    ids.push(id);
    embPath.set(id, path);
    baPath.set(id, path.replace(/_emb\.pkl$/, "_ba.pkl"));
  }
  let input = join(dir, name);
  if (options.layout === "csv") {
    input = join(dir, `${name}.csv`);
    await Deno.writeTextFile(input, rows.join("\n") + "\n");
  }
  return { dir, input, ids, embPath, baPath, population };
}

/** What a `balr` command line did. */
export interface BalrRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `balr <args>` with the real handlers, capturing output. */
export async function balr(args: string[]): Promise<BalrRun> {
  let out = "";
  let err = "";
  const code = await main(args, {}, {
    env: () => undefined,
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s) },
  });
  return { code, out, err };
}

/** Every file below `dir` (relative paths, sorted). */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
