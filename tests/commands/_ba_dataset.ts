/**
 * A temp copy of ../shared/data/voxceleb/voxceleb2 with BA vectors: the csv
 * files are copied, the wav files linked, and every recording gets a
 * `<stem>_ba.pkl` drawn from a seeded speaker-dependent generator (each
 * speaker has its own activation probability per attribute, high or low;
 * a recording draws its bits from them), so scores separate speakers. We
 * have no WeSpeaker weights here, so these stand in for binarized embeddings.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../cli.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { writeVectorFile } from "../../src/io/vector_file.ts";
import { Rng } from "../_helpers/random.ts";

/** The shared VoxCeleb2 sample (train.csv, test.csv, trials.csv, metadata.csv). */
export const VOXCELEB2 = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/data/voxceleb/voxceleb2",
);

/** Why the end-to-end tests skip, or null when the shared data is there. */
export function missingData(): string | null {
  try {
    Deno.statSync(join(VOXCELEB2, "metadata.csv"));
    return null;
  } catch {
    return `SKIPPING: ${VOXCELEB2}/metadata.csv is absent (shared VoxCeleb2 sample data)`;
  }
}

/** Parses a small comma-separated csv with a header into records. */
export function readCsv(path: string, sep = ","): Record<string, string>[] {
  const [head, ...rows] = Deno.readTextFileSync(path).trim().split(/\r?\n/);
  const keys = head.split(sep);
  return rows.map((r) => Object.fromEntries(r.split(sep).map((v, i) => [keys[i], v])));
}

/** One BA vector `[nAttr, 2]` drawn from activation probabilities. */
export function drawBaVector(rng: Rng, probabilities: Float64Array): Float32Array {
  const v = new Float32Array(probabilities.length * 2);
  for (let a = 0; a < probabilities.length; a++) {
    const b = rng.next() < probabilities[a] ? 1 : 0;
    v[2 * a] = b;
    v[2 * a + 1] = 1 - b;
  }
  return v;
}

/** Per-speaker activation probabilities; a few attributes never or always fire for everyone. */
export function speakerProfile(rng: Rng, nAttr: number): Float64Array {
  const p = new Float64Array(nAttr);
  for (let a = 0; a < nAttr; a++) {
    if (a % 64 === 0) p[a] = 0;
    else if (a % 64 === 1) p[a] = 1;
    else p[a] = rng.next() < 0.5 ? rng.uniform(0.75, 0.95) : rng.uniform(0.05, 0.25);
  }
  return p;
}

/** The temp dataset. */
export interface BaDataset {
  dir: string;
  train: string;
  test: string;
  trials: string;
  metadata: string;
  /** BA file of each id. */
  baPath: (id: string) => string;
}

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/**
 * Writes the temp copy with BA vectors of `nAttr` attributes for every
 * recording (removed when the test process ends).
 */
export async function makeBaDataset(seed: number, nAttr = 512): Promise<BaDataset> {
  const rng = new Rng(seed);
  const dir = await Deno.makeTempDir({ prefix: "balr_score_cmd_" });
  made.push(dir);
  for (const f of ["train.csv", "test.csv", "trials.csv", "metadata.csv"]) {
    await Deno.copyFile(join(VOXCELEB2, f), join(dir, f));
  }
  const rows = readCsv(join(VOXCELEB2, "metadata.csv"));
  const profiles = new Map<string, Float64Array>();
  const baPath = (id: string) => join(dir, `${id}_ba.pkl`);
  for (const { id, audio, speaker } of rows) {
    if (!profiles.has(speaker)) profiles.set(speaker, speakerProfile(rng, nAttr));
    await Deno.mkdir(dirname(join(dir, audio)), { recursive: true });
    await Deno.symlink(join(VOXCELEB2, audio), join(dir, audio));
    const v = drawBaVector(rng, profiles.get(speaker)!);
    await writeVectorFile(baPath(id), float32Tensor(v, [nAttr, 2]));
  }
  return {
    dir,
    train: join(dir, "train.csv"),
    test: join(dir, "test.csv"),
    trials: join(dir, "trials.csv"),
    metadata: join(dir, "metadata.csv"),
    baPath,
  };
}

/** What a `balr` command line did. */
export interface BalrRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `balr <args>` in `cwd` with the real handlers, capturing output. */
export async function balr(args: string[], cwd: string): Promise<BalrRun> {
  let out = "";
  let err = "";
  const code = await main(args, {}, {
    cwd,
    env: () => undefined,
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s) },
  });
  return { code, out, err };
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
