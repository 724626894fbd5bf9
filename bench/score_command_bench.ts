/**
 * `balr score train` and `balr score test` end to end (in-process `main`,
 * real files) on a synthetic population: S speakers x R recordings with
 * `<id>_ba.pkl` BA vectors, and a trials file of T random single-recording
 * pairs (plus runs where enrolment cells sum 3 recordings). Times include
 * reading the trials and BA files, scoring on the GPU, metrics, plots and
 * writing scores.csv; `--explain 5` adds explanations.csv for every trial.
 * No peer: the reference toolkit is not installed here (bench/scoring_bench.ts
 * compares the scoring kernels with PyTorch).
 * Run: deno run -A bench/score_command_bench.ts [--speakers S] [--recordings R] [--trials T]
 */
import { join } from "node:path";
import { main } from "../cli.ts";
import { openGpu } from "../src/gpu/mod.ts";
import { float32Tensor } from "../src/io/host_tensor.ts";
import { writeVectorFile } from "../src/io/vector_file.ts";
import { printTable } from "./_harness.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const SPEAKERS = arg("speakers", 200);
const RECORDINGS = arg("recordings", 10);
const TRIALS = arg("trials", 100_000);
const N_ATTR = 512;

/** mulberry32 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function balr(args: string[]): Promise<number> {
  const t0 = performance.now();
  let err = "";
  const code = await main(args, {}, {
    io: { stdout: () => {}, stderr: (s) => (err += s) },
    env: () => undefined,
  });
  if (code !== 0) throw new Error(`balr ${args.join(" ")} failed (${code}): ${err}`);
  return (performance.now() - t0) / 1000;
}

const gpu = await openGpu("auto", { onWarning: () => {} });
const dir = await Deno.makeTempDir({ prefix: "balr_score_bench_" });
try {
  const next = rng(1234);
  const ids: string[] = [];
  const speakerOf: number[] = [];
  const lines = ["id,binary_attributes,speaker"];
  const t0 = performance.now();
  for (let s = 0; s < SPEAKERS; s++) {
    const p = Float64Array.from({ length: N_ATTR }, () => (next() < 0.5 ? 0.85 : 0.15));
    for (let r = 0; r < RECORDINGS; r++) {
      const id = `spk${s}/utt${r}`;
      const v = new Float32Array(2 * N_ATTR);
      for (let a = 0; a < N_ATTR; a++) {
        const b = next() < p[a] ? 1 : 0;
        v[2 * a] = b;
        v[2 * a + 1] = 1 - b;
      }
      await writeVectorFile(join(dir, `${id}_ba.pkl`), float32Tensor(v, [N_ATTR, 2]));
      ids.push(id);
      speakerOf.push(s);
      lines.push(`${id},${id}_ba.pkl,spk${s}`);
    }
  }
  const dataset = join(dir, "data.csv");
  await Deno.writeTextFile(dataset, lines.join("\n") + "\n");
  const pick = () => Math.floor(next() * ids.length);
  const single = ["enrollment\ttest"];
  const summed = ["enrollment\ttest"];
  for (let t = 0; t < TRIALS; t++) {
    // Half the trials target: a second recording of the same speaker.
    const e = pick();
    const s = speakerOf[e];
    const test = next() < 0.5 ? s * RECORDINGS + Math.floor(next() * RECORDINGS) : pick();
    single.push(`${ids[e]}\t${ids[test]}`);
    const enrol = [0, 1, 2].map((k) => ids[s * RECORDINGS + ((e + k) % RECORDINGS)]);
    summed.push(`${enrol.join(",")}\t${ids[test]}`);
  }
  await Deno.writeTextFile(join(dir, "single.tsv"), single.join("\n") + "\n");
  await Deno.writeTextFile(join(dir, "summed.tsv"), summed.join("\n") + "\n");
  console.log(
    `data: ${ids.length} recordings, ${TRIALS} trials written in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s; adapter ${gpu.report.name}`,
  );

  const rows: (string | number)[][] = [];
  const out = (name: string) => join(dir, "runs", name);
  for (const scorer of ["beta", "maxllr", "dna"]) {
    const fit = await balr([
      "score",
      "train",
      dataset,
      `scorer=${scorer}`,
      "--save-dir",
      out(scorer),
    ]);
    rows.push([
      `score train ${scorer}`,
      `${ids.length} recordings, ${SPEAKERS} speakers`,
      fit,
      "-",
    ]);
    const ckpt = `scorer.checkpoint_path=${join(out(scorer), "scorer.pt")}`;
    const runs: [string, string, string[]][] = [
      ["single", "single.tsv", []],
      ["single --explain 5", "single.tsv", ["--explain", "5"]],
    ];
    if (scorer !== "dna") {
      runs.push(["3-recording enrolment", "summed.tsv", []]);
      runs.push(["3-recording enrolment --explain 5", "summed.tsv", ["--explain", "5"]]);
    }
    for (const [what, file, extra] of runs) {
      const s = await balr([
        "score",
        "test",
        dataset,
        join(dir, file),
        `scorer=${scorer}`,
        ckpt,
        "--save-dir",
        out(`${scorer}_test`),
        ...extra,
      ]);
      rows.push([`score test ${scorer}`, what, s, Math.round(TRIALS / s)]);
    }
  }
  const cos = await balr([
    "score",
    "test",
    dataset,
    join(dir, "single.tsv"),
    "scorer=cosine",
    "--save-dir",
    out("cosine"),
  ]);
  rows.push(["score test cosine", "single", cos, Math.round(TRIALS / cos)]);
  printTable(
    `balr score commands end to end (${TRIALS} trials, ${gpu.report.name})`,
    ["command", "trials", "seconds", "trials/s"],
    rows,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
