/**
 * Vector-file and checkpoint reading, ours next to Python in the same run:
 * - 10,000 `<stem>_emb.pkl` files ([256] float32, protocol 5, written by our
 *   writer into a temp dir), read one after another with readVectorFile();
 *   Python: open + pickle.load in a loop
 *   (timed inside Python, so interpreter start-up is not counted);
 * - the same files parsed from memory (no file I/O) on both sides;
 * - BAE_mse.pt: readStateDict() vs torch.load (when ../shared has it).
 * No GPU is involved. Run: deno run -A bench/io_bench.ts [N_FILES]
 */
import { fileURLToPath } from "node:url";
import { readVectorFile, writeVectorFile } from "../src/io/vector_file.ts";
import { decodeNumpyPickle } from "../src/io/numpy_pickle.ts";
import { readStateDict } from "../src/io/torch_checkpoint.ts";
import { fmt, printTable, pythonHas, timeIt } from "./_harness.ts";
import { Rng } from "../tests/_helpers/random.ts";

const N = Number(Deno.args[0] ?? 10_000);
const dir = await Deno.makeTempDir({ prefix: "balr_io_bench_" });
const rng = new Rng(1234);
const paths: string[] = [];
for (let i = 0; i < N; i++) {
  const path = `${dir}/spk${i % 100}/utt${i}_emb.pkl`;
  await writeVectorFile(path, { dtype: "float32", shape: [256], data: rng.normals(256) });
  paths.push(path);
}
await Deno.writeTextFile(`${dir}/list.txt`, paths.join("\n"));
console.log(`${N} pickled [256] float32 vectors (protocol 5) in ${dir}`);

const rows: (string | number)[][] = [];
const rate = (seconds: number) => N / seconds;

// Ours: one file after another (readVectorFile reads small files synchronously).
const seq = await timeIt(async () => {
  for (const p of paths) await readVectorFile(p);
}, { warmup: 1, minRuns: 3, minSeconds: 0 });
const blobs = await Promise.all(paths.map((p) => Deno.readFile(p)));
const parse = await timeIt(() => {
  for (const b of blobs) decodeNumpyPickle(b);
}, { warmup: 1, minRuns: 5, minSeconds: 0 });

// Python peer, same files, same machine.
let py: { read: number; parse: number } | undefined;
if (await pythonHas("numpy", "pickle")) {
  const script = `
import pickle, sys, time
paths = open(sys.argv[1]).read().split("\\n")
def read_all():
    for p in paths:
        with open(p, "rb") as f:
            pickle.load(f)
blobs = [open(p, "rb").read() for p in paths]
def parse_all():
    for b in blobs:
        pickle.loads(b)
def best(fn, runs):
    fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2]
print(best(read_all, 3), best(parse_all, 5))
`;
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", script, `${dir}/list.txt`],
    stdout: "piped",
  }).output();
  if (out.success) {
    const [read, parseSeconds] = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(
      Number,
    );
    py = { read, parse: parseSeconds };
  }
}

rows.push([
  "read files, sequential",
  fmt(rate(seq.median)),
  py ? fmt(rate(py.read)) : "n/a",
  py ? fmt(py.read / seq.median) : "n/a",
]);
rows.push([
  "parse only (bytes in memory)",
  fmt(rate(parse.median)),
  py ? fmt(rate(py.parse)) : "n/a",
  py ? fmt(py.parse / parse.median) : "n/a",
]);
printTable(
  `Reading ${N} .pkl vector files (files/s; ratio > 1: ours faster)`,
  ["case", "ours files/s", "python pickle files/s", "ours / python"],
  rows,
);

// Checkpoint loading.
const bae = fileURLToPath(new URL("../../shared/models/BAE/BAE_mse.pt", import.meta.url));
try {
  await Deno.stat(bae);
  const ours = await timeIt(() => readStateDict(bae), { warmup: 1, minRuns: 5, minSeconds: 1 });
  const noCrc = await timeIt(() => readStateDict(bae, { verifyCrc: false }), {
    warmup: 1,
    minRuns: 5,
    minSeconds: 1,
  });
  let torchSeconds: number | undefined;
  if (await pythonHas("torch")) {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        "-c",
        `import torch, time, sys
torch.load(sys.argv[1], map_location="cpu")
ts = []
for _ in range(5):
    t = time.perf_counter(); torch.load(sys.argv[1], map_location="cpu"); ts.append(time.perf_counter() - t)
ts.sort(); print(ts[2])`,
        bae,
      ],
      stdout: "piped",
    }).output();
    if (out.success) torchSeconds = Number(new TextDecoder().decode(out.stdout).trim());
  }
  const row = (label: string, seconds: number) => [
    label,
    fmt(seconds * 1000),
    torchSeconds ? fmt(torchSeconds * 1000) : "n/a",
    torchSeconds ? fmt(torchSeconds / seconds) : "n/a",
  ];
  printTable(
    "Loading BAE_mse.pt (3.2 MB, 13 tensors; torch.load checks no CRC)",
    ["case", "ours ms", "torch.load ms", "ours / torch"],
    [
      row("readStateDict, CRC checked", ours.median),
      row("readStateDict, verifyCrc: false", noCrc.median),
    ],
  );
} catch {
  console.log("BAE_mse.pt not found: checkpoint benchmark skipped");
}

await Deno.remove(dir, { recursive: true });
