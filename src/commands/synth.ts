/**
 * `balr synth OUT_DIR`: writes a synthetic embedding corpus to disk, so the
 * rest of the pipeline (`train`, `binarize`, `score train`, `score test`,
 * `verify`) can be tried without a WeSpeaker model or any audio. Speakers
 * are split into four disjoint sets, as the demo does:
 *
 * ```
 * OUT_DIR/train.csv  val.csv  reference.csv  test.csv   (id, embedding, speaker)
 * OUT_DIR/trials.csv                                    (enrollment<TAB>test)
 * OUT_DIR/<set>/<speaker>/utt<k>_emb.pkl                (float32 [256])
 * ```
 *
 * Trials pair the first recording of each test speaker with every other
 * test recording.
 * @module
 */
import { join } from "node:path";
import type { SynthRequest } from "../cli/handlers.ts";
import { stringifyCsv } from "../data/csv.ts";
import { syntheticPopulation } from "../data/synthetic_population.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { float32Tensor } from "../io/host_tensor.ts";
import { writeVectorFile } from "../io/vector_file.ts";
import { DEMO_POPULATION } from "./demo.ts";

/** Sizes of a synthetic corpus. */
export interface SynthOptions {
  /** Speakers in the training set (validation gets a quarter, reference as many, test half). */
  speakers: number;
  /** Recordings per speaker. */
  utterances: number;
  /** Seed of the population. */
  seed?: number;
  /** Embedding size (default 256). */
  dim?: number;
}

/** What was written. */
export interface SynthResult {
  /** csv path per set. */
  csv: Record<"train" | "val" | "reference" | "test", string>;
  trials: string;
  recordings: number;
}

/**
 * Writes a synthetic corpus under `dir`.
 *
 * @example
 * ```ts ignore
 * const r = await writeSyntheticCorpus("runs/synth", { speakers: 64, utterances: 8 });
 * console.log(r.csv.train, r.trials);
 * ```
 */
export async function writeSyntheticCorpus(
  dir: string,
  options: SynthOptions,
): Promise<SynthResult> {
  const { speakers, utterances } = options;
  if (!Number.isInteger(speakers) || speakers < 4) {
    throw new RangeError(`--speakers must be an integer >= 4, got ${speakers}`);
  }
  if (!Number.isInteger(utterances) || utterances < 2) {
    throw new RangeError(`--utterances must be an integer >= 2, got ${utterances}`);
  }
  const seed = options.seed ?? 1234;
  const sets = {
    train: speakers,
    val: Math.max(2, Math.round(speakers / 4)),
    reference: speakers,
    test: Math.max(2, Math.round(speakers / 2)),
  } as const;
  const csv = {} as SynthResult["csv"];
  let recordings = 0;
  let testIds: string[] = [];
  let offset = 0;
  for (const [name, count] of Object.entries(sets) as Array<[keyof typeof sets, number]>) {
    const p = syntheticPopulation({
      speakers: count,
      utterancesPerSpeaker: utterances,
      dim: options.dim ?? 256,
      seed: seed + offset++,
      speakerPrefix: `${name}_spk`,
      ...DEMO_POPULATION,
    });
    const rows: string[][] = [["id", "embedding", "speaker"]];
    for (let i = 0; i < p.ids.length; i++) {
      const file = `${name}/${p.ids[i]}_emb.pkl`;
      await writeVectorFile(
        join(dir, file),
        float32Tensor(p.embeddings.slice(i * p.dim, (i + 1) * p.dim), [p.dim]),
      );
      rows.push([`${name}/${p.ids[i]}`, file, p.speakers[i]]);
    }
    csv[name] = join(dir, `${name}.csv`);
    await writeFileAtomic(csv[name], stringifyCsv(rows));
    recordings += p.ids.length;
    if (name === "test") {
      testIds = p.ids.map((id) => `test/${id}`);
    }
  }
  const lines = ["enrollment\ttest"];
  for (let e = 0; e < testIds.length; e += utterances) {
    for (let t = 0; t < testIds.length; t++) {
      if (t % utterances !== 0) lines.push(`${testIds[e]}\t${testIds[t]}`);
    }
  }
  const trials = join(dir, "trials.csv");
  await writeFileAtomic(trials, lines.join("\n") + "\n");
  return { csv, trials, recordings };
}

/** The CLI handler of `balr synth`. */
export async function runSynth(req: SynthRequest): Promise<number> {
  const r = await writeSyntheticCorpus(req.outDir, {
    speakers: req.speakers,
    utterances: req.utterances,
    seed: req.seed,
    dim: req.config.trainer.input_dim,
  });
  req.io.stdout(
    `synth: ${r.recordings} embeddings in ${req.outDir}: ${
      Object.values(r.csv).join(", ")
    }, ${r.trials}\n`,
  );
  return 0;
}
