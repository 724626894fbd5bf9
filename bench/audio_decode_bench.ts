/**
 * Audio decoding, ours next to torchaudio.load in the same run: a 60 s
 * 44.1 kHz stereo tone plus pink noise, made by ffmpeg as WAV (PCM16), FLAC,
 * Ogg Opus (64 kb/s) and MP3 (128 kb/s), decoded to mono float32 by
 * decodeAudio() and by torchaudio (timed inside Python, interpreter start-up
 * not counted; torchaudio's sox backend may lack a codec: shown as "–").
 * Needs ffmpeg on PATH. Run: deno run -A bench/audio_decode_bench.ts
 */
import { decodeAudio } from "../src/io/audio/decode_audio.ts";
import { ffmpegAvailable } from "../src/io/audio/ffmpeg.ts";
import { fmt, printTable, pythonHas, timeIt } from "./_harness.ts";

if (!(await ffmpegAvailable())) {
  console.log("audio_decode_bench: ffmpeg is not on PATH; nothing to do");
  Deno.exit(0);
}
const dir = await Deno.makeTempDir({ prefix: "balr_audio_bench_" });
const seconds = 60;
const ff = async (args: string[]) => {
  const r = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-y", ...args],
    stdout: "null",
  }).output();
  if (!r.success) throw new Error(`ffmpeg ${args.join(" ")} failed`);
};
await ff([
  "-f",
  "lavfi",
  "-i",
  `sine=frequency=300:duration=${seconds}:sample_rate=44100`,
  "-f",
  "lavfi",
  "-i",
  `anoisesrc=d=${seconds}:c=pink:r=44100:a=0.1`,
  "-filter_complex",
  "[0][1]amerge=inputs=2",
  "-ac",
  "2",
  `${dir}/t.wav`,
]);
await ff(["-i", `${dir}/t.wav`, `${dir}/t.flac`]);
await ff(["-i", `${dir}/t.wav`, "-c:a", "libopus", "-b:a", "64k", `${dir}/t.opus`]);
await ff(["-i", `${dir}/t.wav`, "-b:a", "128k", `${dir}/t.mp3`]);

const files = ["t.wav", "t.flac", "t.opus", "t.mp3"];
const hasTorch = await pythonHas("torchaudio");
async function torchaudioSeconds(path: string): Promise<number | undefined> {
  if (!hasTorch) return undefined;
  const script = `
import time, torch, torchaudio
p = ${JSON.stringify(path)}
w, sr = torchaudio.load(p, normalize=True); w.mean(0)
ts = []
for _ in range(3):
    t0 = time.perf_counter(); w, sr = torchaudio.load(p, normalize=True); w.mean(0); ts.append(time.perf_counter() - t0)
print(min(ts))`;
  const r = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", script],
    stdout: "piped",
    stderr: "null",
  })
    .output();
  return r.success ? Number(new TextDecoder().decode(r.stdout).trim()) : undefined;
}

const rows: (string | number)[][] = [];
for (const f of files) {
  const path = `${dir}/${f}`;
  const t = await timeIt(() => decodeAudio(path), { warmup: 1, minRuns: 3, minSeconds: 0 });
  const peer = await torchaudioSeconds(path);
  rows.push([
    f.slice(2),
    t.min * 1000,
    seconds / t.min,
    peer === undefined ? "–" : fmt(peer * 1000),
    peer === undefined ? "–" : fmt(peer / t.min),
  ]);
}
printTable(
  `decodeAudio() on ${seconds} s of 44.1 kHz stereo (to mono float32)`,
  ["format", "ours ms", "× realtime", "torchaudio ms", "speed-up"],
  rows,
);
await Deno.remove(dir, { recursive: true });
