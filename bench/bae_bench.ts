/**
 * BAE throughput, ours next to PyTorch on the CPU in the same run:
 * - training: embeddings/s of full steps (forward, MSE + triplet, backward,
 *   Adam) at batch 512 = 32 speakers × 16, 256 → 512;
 * - binarize: embeddings/s of the eval-mode encoder (b and Z read back).
 * PyTorch runs through /usr/bin/python3 when it has torch (same model, the
 * plain-torch losses of tools/make_bae_fixtures.py with pytorch-metric-
 * learning's semantics), with its default thread count.
 * Run: deno run -A bench/bae_bench.ts [--steps 6] [--rows 16384]
 */
import { openGpu } from "../src/gpu/mod.ts";
import { syntheticPopulation } from "../src/data/synthetic_population.ts";
import { initBaeWeights } from "../src/binary/bae_weights.ts";
import { SeededRandom } from "../src/binary/seeded_random.ts";
import { createBaeModel, releaseBaeModel } from "../src/binary/bae_model.ts";
import {
  createTrainState,
  recordStep,
  releaseTrainState,
  uploadBatchLabels,
} from "../src/binary/bae_train_step.ts";
import { lossSpecs } from "../src/binary/losses.ts";
import { binarizeEmbeddings } from "../src/binary/binarize.ts";
import { alignedStride, gpuMatrix } from "../src/kernels/_bae_matrix.ts";
import { printTable, pythonHas } from "./_harness.ts";

const args = Deno.args;
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = arg("steps", 6);
const ROWS = arg("rows", 16384);
const N = 32, M = 16, B = N * M, D = 256, H = 512;

const gpu = await openGpu("auto", { onWarning: () => {} });
console.log(`adapter: ${gpu.report.name} (${gpu.report.isSoftware ? "software" : "hardware"})`);

// ---- ours: training steps
const pop = syntheticPopulation({ speakers: N, utterancesPerSpeaker: M, seed: 1 });
const labels = pop.speakers.map((s) => Number(s.slice(3)) - 1);
const weights = initBaeWeights({ inputDim: D, internalDim: H }, new SeededRandom(1234));
const model = createBaeModel(gpu, weights);
const losses = lossSpecs({
  mse: { weight: 1 },
  triplet: { margin: 0.3, type_of_triplets: "all", weight: 1 },
});
const state = createTrainState(model, losses, {
  lr: 1e-3,
  classes: N,
  samplesPerClass: M,
  rng: new SeededRandom(1),
});
const data = gpu.upload(pop.embeddings, [B * alignedStride(D)]);
const x = gpuMatrix(data, B, D);
const step = () => {
  const run = gpu.run("bench_step");
  const batch = uploadBatchLabels(run, state, x, labels);
  const rec = recordStep(run, state, batch, { train: true });
  run.read(rec.batchLosses, 3);
  return run.submit();
};
await step(); // compile and warm up
const t0 = performance.now();
const inFlight: Array<Promise<unknown>> = [];
for (let i = 0; i < STEPS; i++) {
  inFlight.push(step());
  if (inFlight.length >= 2) await inFlight.shift();
}
await Promise.all(inFlight);
const oursTrain = (STEPS * B) / ((performance.now() - t0) / 1000);
releaseTrainState(state);
releaseBaeModel(model);
data.release();

// ---- ours: binarize
const big = syntheticPopulation({ speakers: ROWS / 16, utterancesPerSpeaker: 16, seed: 2 });
await binarizeEmbeddings(gpu, weights, big.embeddings.subarray(0, 1024 * D));
const t1 = performance.now();
await binarizeEmbeddings(gpu, weights, big.embeddings);
const oursBin = ROWS / ((performance.now() - t1) / 1000);

// ---- PyTorch on the CPU
interface TorchResult {
  train: number;
  binarize: number;
  threads: string;
}
const torchRuns: TorchResult[] = [];
if (await pythonHas("torch")) {
  const tools = new URL("../tools/", import.meta.url).pathname;
  const script = `
import os, sys, time, torch
if os.environ.get("BAE_BENCH_THREADS"):
    torch.set_num_threads(int(os.environ["BAE_BENCH_THREADS"]))
sys.path.insert(0, ${JSON.stringify(tools)})
from make_bae_fixtures import AutoEncoder, triplet_loss
import torch.nn.functional as F
torch.manual_seed(0)
model = AutoEncoder(${D}, ${H}); model.train()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(${B}, ${D}); labels = torch.arange(${N}).repeat_interleave(${M})
def step():
    opt.zero_grad()
    recon, b, z = model(x)
    loss = F.mse_loss(recon, x) + triplet_loss(b, labels, 0.3, "all")
    loss.backward(); opt.step()
step()
t = time.time()
for _ in range(${STEPS}): step()
train = ${STEPS * B} / (time.time() - t)
model.eval()
xb = torch.randn(${ROWS}, ${D})
with torch.no_grad():
    model(xb[:1024])
    t = time.time()
    for i in range(0, ${ROWS}, 4096):
        _, b, z = model(xb[i:i + 4096]); b.numpy(); z.numpy()
    binarize = ${ROWS} / (time.time() - t)
print(train, binarize, torch.get_num_threads())
`;
  // PyTorch's default thread count, then every core.
  for (const threads of ["", String(navigator.hardwareConcurrency)]) {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", script],
      env: { BAE_BENCH_THREADS: threads },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      console.warn(`PyTorch peer failed: ${new TextDecoder().decode(out.stderr).slice(-400)}`);
      break;
    }
    const [a, b, th] = new TextDecoder().decode(out.stdout).trim().split(/\s+/);
    if (torchRuns.some((r) => r.threads === th)) continue;
    torchRuns.push({ train: Number(a), binarize: Number(b), threads: th });
  }
}

const TRAIN = `train step, batch ${B} (${N}x${M}), MSE + triplet`;
const BIN = `binarize ${ROWS} embeddings`;
const rows: (string | number)[][] = [[TRAIN, "ours", oursTrain, ""], [BIN, "ours", oursBin, ""]];
for (const r of torchRuns) {
  const peer = `PyTorch CPU, ${r.threads} thread(s)`;
  rows.push([TRAIN, peer, r.train, oursTrain / r.train], [
    BIN,
    peer,
    r.binarize,
    oursBin / r.binarize,
  ]);
}
if (torchRuns.length === 0) rows.push(["PyTorch peer", "not available", "", ""]);
rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
printTable(`BAE throughput on ${gpu.report.name}`, [
  "task",
  "engine",
  "embeddings/s",
  "ours / peer",
], rows);
