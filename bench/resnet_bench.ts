/**
 * WeSpeaker ResNet34 (full width, m = 32, random hash-based weights) on 10 s
 * utterances (998 frames): our WGSL kernels next to onnxruntime-web (wasm,
 * one thread) and onnxruntime-web's WebGPU provider on the same adapter, in
 * one process, plus PyTorch CPU as an outside reference when Debian's python3
 * has torch. Also measures the adapter's matmul peak with our best GEMM
 * kernel (36 batched 512x512x512 products).
 *
 * Run: deno run -A bench/resnet_bench.ts [--runs N] [--frames T] [--skip-webgpu]
 * The ONNX model is exported by tools/make_resnet_fixtures.py (needs
 * /usr/bin/python3 with torch); without it only our kernels are timed.
 * @module
 */
import { openGpu } from "../src/gpu/mod.ts";
import { createResNetModel, type EmbeddingModel, loadModelPlan } from "../src/embeddings/mod.ts";
import { planFromStateDict } from "../src/embeddings/resnet_state_dict.ts";
import { resnetWinoGemm } from "../src/kernels/resnet_wino_gemm.ts";
import { createTexelTexture, pitchOf } from "../src/kernels/resnet_layout.ts";
import { hashedFeatures, hashedStateDict } from "../tests/embeddings/_hash_values.ts";
import { fmt, printTable, pythonHas } from "./_harness.ts";

/** ResNet34 cost per second of audio (SPEC §10). */
const GFLOP_PER_AUDIO_SECOND = 4.54;

/** Options of runResnetBench. */
export interface ResnetBenchOptions {
  /** Timed runs per engine (after one warm-up). */
  runs?: number;
  /** Frames per utterance (998 = 10 s). */
  frames?: number;
  /** Skip onnxruntime-web's WebGPU provider (slow on software adapters). */
  skipWebgpu?: boolean;
}

interface Row {
  engine: string;
  seconds: number;
  cpuSeconds?: number;
  note: string;
}

/** Runs the comparison and prints the tables; returns the rows for callers. */
export async function runResnetBench(options: ResnetBenchOptions = {}): Promise<Row[]> {
  const runs = options.runs ?? 5;
  const frames = options.frames ?? 998;
  const audioSeconds = frames / 100 + 0.015;
  const gpu = await openGpu("auto", { onWarning: () => {} });
  console.log(
    `adapter: ${gpu.report.name} (${gpu.profile}), ${navigator.hardwareConcurrency} CPUs`,
  );
  const feats = hashedFeatures(1, frames);
  const rows: Row[] = [];

  const havePython = await pythonHas("torch", "onnx");
  let onnxPath: string | null = null;
  if (havePython) {
    onnxPath = await Deno.makeTempFile({ suffix: ".onnx" });
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("../tools/make_resnet_fixtures.py", import.meta.url).pathname,
        "--bench-onnx",
        onnxPath,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      console.log(`(ONNX export failed: ${new TextDecoder().decode(out.stderr).slice(-300)})`);
      onnxPath = null;
    }
  } else {
    console.log("(/usr/bin/python3 with torch+onnx not found: timing our kernels only)");
  }

  // Ours: the same weights through our ONNX loader when available.
  const plan = onnxPath ? await loadModelPlan({ model_dir: onnxPath }) : planFromStateDict(
    hashedStateDict("ResNet34", 32, 256, false),
    { model: "ResNet34" },
    "hashed",
  );
  const model = createResNetModel(gpu, plan);
  const ours = await timeOurs(gpu, model, feats, frames, runs);
  rows.push({
    engine: "balr WGSL kernels",
    seconds: ours.seconds,
    cpuSeconds: ours.cpu,
    note: gpu.report.name,
  });

  let reference: Float32Array | null = ours.embedding;
  if (onnxPath) {
    const bytes = await Deno.readFile(onnxPath);
    const wasm = await timeOrt("wasm", bytes, feats, frames, runs);
    rows.push({
      engine: "onnxruntime-web wasm (1 thread)",
      seconds: wasm.seconds,
      cpuSeconds: wasm.cpu,
      note: `max |diff| vs ours ${fmt(maxDiff(wasm.embedding, reference))}`,
    });
    if (!options.skipWebgpu) {
      const webgpu = await timeOrt("webgpu", bytes, feats, frames, Math.min(runs, 3));
      rows.push({
        engine: "onnxruntime-web webgpu",
        seconds: webgpu.seconds,
        cpuSeconds: webgpu.cpu,
        note: `same adapter; max |diff| ${fmt(maxDiff(webgpu.embedding, reference))}`,
      });
    }
    const torch = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("../tools/make_resnet_fixtures.py", import.meta.url).pathname,
        "--time-torch",
        String(frames),
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (torch.success) {
      const r = JSON.parse(new TextDecoder().decode(torch.stdout));
      rows.push({
        engine: `PyTorch CPU (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
        seconds: r.seconds,
        note: "outside reference, separate process",
      });
    }
    await Deno.remove(onnxPath);
    reference = null;
  }
  model.dispose();

  const peak = await gemmPeak(gpu);
  const gflop = GFLOP_PER_AUDIO_SECOND * audioSeconds;
  printTable(
    `ResNet34 (m = 32) on ${frames} frames (${audioSeconds.toFixed(2)} s of audio), batch 1`,
    ["engine", "s / utterance", "CPU s", "realtime x", "GFLOP/s", "vs ours", "note"],
    rows.map((r) => [
      r.engine,
      r.seconds,
      r.cpuSeconds ?? "-",
      audioSeconds / r.seconds,
      gflop / r.seconds,
      r.seconds / rows[0].seconds,
      r.note,
    ]),
  );
  printTable(
    "Adapter matmul peak (resnet_wino_gemm, 36 x 512x512x512)",
    ["GFLOP/s", "ours / peak"],
    [
      [peak, gflop / rows[0].seconds / peak],
    ],
  );
  console.log(
    "\nGFLOP/s counts the direct-convolution cost (4.54 GFLOP per audio second); our Winograd " +
      "F(4x4,3x3) path performs about a quarter of those multiplications, so it can exceed the matmul peak.",
  );
  return rows;
}

async function timeOurs(
  gpu: Awaited<ReturnType<typeof openGpu>>,
  model: EmbeddingModel,
  feats: Float32Array,
  frames: number,
  runs: number,
): Promise<{ seconds: number; cpu: number; embedding: Float32Array }> {
  const x = gpu.upload(feats, [1, frames, 80]);
  let embedding = new Float32Array(0);
  const once = async () => {
    const run = gpu.run("resnet_bench");
    const y = model.embed(run, x);
    run.read(y);
    const [out] = await run.submit();
    y.release();
    embedding = Float32Array.from(out as Float32Array);
  };
  const t = await timed(once, runs);
  x.release();
  return { ...t, embedding };
}

async function timeOrt(
  provider: "wasm" | "webgpu",
  bytes: Uint8Array,
  feats: Float32Array,
  frames: number,
  runs: number,
): Promise<{ seconds: number; cpu: number; embedding: Float32Array }> {
  // deno-lint-ignore no-explicit-any
  const ort: any = provider === "wasm"
    ? await import("onnxruntime-web")
    : await import("onnxruntime-web/webgpu");
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
  const x = new ort.Tensor("float32", feats, [1, frames, 80]);
  let embedding = new Float32Array(0);
  const t = await timed(async () => {
    const out = await session.run({ feats: x });
    embedding = Float32Array.from(out.embs.data as Float32Array);
  }, runs);
  await session.release();
  return { ...t, embedding };
}

/** Median wall seconds and mean process CPU seconds of `runs` calls after one warm-up. */
async function timed(
  fn: () => Promise<void>,
  runs: number,
): Promise<{ seconds: number; cpu: number }> {
  await fn();
  const walls: number[] = [];
  const c0 = cpuSeconds();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    walls.push((performance.now() - t0) / 1000);
  }
  const cpu = (cpuSeconds() - c0) / runs;
  walls.sort((a, b) => a - b);
  return { seconds: walls[Math.floor(walls.length / 2)], cpu };
}

/** Process CPU time (all threads, including the software rasteriser's) or NaN off Linux. */
function cpuSeconds(): number {
  try {
    const s = Deno.readTextFileSync("/proc/self/stat");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function maxDiff(a: Float32Array, b: Float32Array | null): number {
  if (!b || a.length !== b.length) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function gemmPeak(gpu: Awaited<ReturnType<typeof openGpu>>): Promise<number> {
  const cin = 512, cout = 512, texels = 128, rows = 1;
  const pitch = pitchOf(texels);
  const v = createTexelTexture(gpu, [pitch, rows * cin, 36], "bench_v");
  const w = createTexelTexture(gpu, [cout / 4, cin, 36], "bench_w");
  const m = gpu.empty([36 * rows * cout * pitch * 4]);
  const once = async () => {
    const run = gpu.run("gemm_peak");
    resnetWinoGemm(run, { v, w, m }, { cin, coutPad: cout, rows, texels, pitch });
    await run.submit();
    await gpu.device.queue.onSubmittedWorkDone();
  };
  const { seconds } = await timed(once, 3);
  v.destroy();
  w.destroy();
  m.release();
  return (2 * 36 * cin * cout * texels * 4) / seconds / 1e9;
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : undefined;
  };
  await runResnetBench({
    runs: arg("--runs"),
    frames: arg("--frames"),
    skipWebgpu: Deno.args.includes("--skip-webgpu"),
  });
}
