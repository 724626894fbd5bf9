/**
 * Front-end throughput: Kaldi fbank (+ mean normalisation) and resampling
 * through our kernels, next to torchaudio (/usr/bin/python3, timed inside
 * Python, interpreter start-up not counted) in the same run, as realtime
 * factors (seconds of audio per second). Inputs are a synthetic voice-like
 * signal (harmonics + noise). `--long` also pushes 30 minutes of 48 kHz
 * audio through extractFeatures (resampling chunked over the binding limit).
 * Run: deno run -A bench/frontend_bench.ts [--long]
 */
import { openGpu } from "../src/gpu/mod.ts";
import {
  computeFeatures,
  extractFeatures,
  frameCount,
  planFbank,
  resampleOnGpu,
} from "../src/frontend/mod.ts";
import { fmt, printTable, pythonHas, timeIt } from "./_harness.ts";

const gpu = await openGpu("auto", { onWarning: () => {} });
const hasTorch = await pythonHas("torchaudio");

function voiceLike(seconds: number, rate: number): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    const t = i / rate;
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.5 * t);
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    x[i] = 0.1 * v + 0.01 * (s / 4294967296 - 0.5);
  }
  return x;
}

async function torchSeconds(kind: "fbank" | "resample", seconds: number, rate: number) {
  if (!hasTorch) return undefined;
  const script = `
import time, math, torch, torchaudio
import torchaudio.compliance.kaldi as kaldi
n = round(${seconds} * ${rate}); t = torch.arange(n, dtype=torch.float64) / ${rate}
f0 = 120 + 30 * torch.sin(2 * math.pi * 0.5 * t)
x = sum(torch.sin(2 * math.pi * f0 * h * t) / h for h in range(1, 13)).mul(0.1).float()[None]
def fbank():
    f = kaldi.fbank(x * 32768, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0.0,
                    sample_frequency=16000, window_type="hamming", use_energy=False)
    return f - f.mean(0)
rs = torchaudio.transforms.Resample(${rate}, 16000) if ${rate} != 16000 else None
fn = fbank if "${kind}" == "fbank" else (lambda: rs(x))
fn()
ts = []
for _ in range(5):
    t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
ts.sort(); print(ts[len(ts) // 2], torch.get_num_threads())`;
  const r = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", script],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!r.success) return undefined;
  const [sec, threads] = new TextDecoder().decode(r.stdout).trim().split(/\s+/).map(Number);
  return { sec, threads };
}

const rows: (string | number)[][] = [];
let threads = 0;
for (const seconds of [10, 60]) {
  const x = gpu.upload(voiceLike(seconds, 16000));
  const frames = frameCount(x.size, planFbank());
  const ours = await timeIt(async () => {
    const run = gpu.run("frontend_bench");
    const feats = computeFeatures(run, x);
    run.read(feats);
    await run.submit();
    feats.release();
  }, { minRuns: 3, minSeconds: 2 });
  const peer = await torchSeconds("fbank", seconds, 16000);
  if (peer) threads = peer.threads;
  rows.push([
    `fbank + CMN, ${seconds} s @ 16 kHz (${frames} frames)`,
    ours.median * 1e3,
    seconds / ours.median,
    peer ? seconds / peer.sec : "–",
    peer ? peer.sec / ours.median : "–",
  ]);
  x.release();
}
for (const rate of [24000, 44100]) {
  const seconds = 60;
  const x = gpu.upload(voiceLike(seconds, rate));
  const ours = await timeIt(async () => {
    const run = gpu.run("frontend_bench");
    const y = resampleOnGpu(run, x, rate, 16000);
    run.read(y);
    await run.submit();
    y.release();
  }, { minRuns: 3, minSeconds: 2 });
  const peer = await torchSeconds("resample", seconds, rate);
  rows.push([
    `resample ${rate / 1000} kHz -> 16 kHz, ${seconds} s`,
    ours.median * 1e3,
    seconds / ours.median,
    peer ? seconds / peer.sec : "–",
    peer ? peer.sec / ours.median : "–",
  ]);
  x.release();
}
{
  const seconds = 60;
  const samples = voiceLike(seconds, 24000);
  const ours = await timeIt(() => extractFeatures(gpu, samples, 24000), { minRuns: 3 });
  rows.push([
    `extractFeatures (upload, resample 24 kHz, fbank, CMN, read), ${seconds} s`,
    ours.median * 1e3,
    seconds / ours.median,
    "–",
    "–",
  ]);
}
printTable(
  `Front-end on ${gpu.report.name}; torchaudio ${
    hasTorch ? `on ${threads} CPU threads` : "absent"
  }`,
  ["case", "ours ms", "ours × realtime", "torchaudio × realtime", "ours / torchaudio"],
  rows,
);

if (Deno.args.includes("--long")) {
  const seconds = 30 * 60;
  const samples = voiceLike(seconds, 48000);
  const t0 = performance.now();
  const feats = await extractFeatures(gpu, samples, 48000);
  const s = (performance.now() - t0) / 1000;
  const frames = feats.length / 80;
  const finite = feats.every(Number.isFinite);
  console.log(
    `\n30 min @ 48 kHz through extractFeatures: ${fmt(s)} s (${fmt(seconds / s)}× realtime), ` +
      `${frames} frames (expected ${
        frameCount(seconds * 16000, planFbank())
      }), all finite: ${finite}`,
  );
}
