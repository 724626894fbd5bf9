/**
 * Audio to features: Kaldi fbank (torchaudio.compliance.kaldi.fbank with
 * WeSpeaker's options) plus mean/variance normalisation. Every step over the
 * samples is a WGSL kernel recorded into the caller's run; the constant
 * tables they read (window, twiddles, mel bank, resampling filter) come from
 * constant_tables.ts.
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import { frontendFbank } from "../kernels/frontend_fbank.ts";
import { normalizeFeatures } from "./cmvn.ts";
import { frameCount, planFbank } from "./fbank_plan.ts";
import { type FeatureOptions, resolveFeatureOptions } from "./options.ts";
import { resampleOnGpu } from "./resample.ts";
import { fbankTablesOn } from "./tables.ts";

/**
 * Records the features [T, numMelBins] of `waveform` (samples in [-1, 1] at
 * options.sampleRate, default 16 kHz) into `run` and returns them (owned by
 * the caller: release when done). Throws a RangeError when the waveform is
 * shorter than one frame; the caller adds the file name.
 */
export function computeFeatures(
  run: GpuRun,
  waveform: GpuTensor,
  options: FeatureOptions = {},
): GpuTensor {
  const o = resolveFeatureOptions(options);
  const plan = planFbank(o);
  const frames = frameCount(waveform.size, plan);
  if (frames < 1) {
    throw new RangeError(
      `audio too short: ${waveform.size} samples at ${plan.sampleRate} Hz, one ${o.frameLength} ms ` +
        `frame needs ${plan.win}`,
    );
  }
  if (o.normalizeVar && frames < 2) {
    throw new RangeError(
      `audio too short for data.normalize_var: ${frames} frame (the variance needs 2)`,
    );
  }
  const tables = fbankTablesOn(run.gpu, plan);
  const feats = run.gpu.empty([frames, plan.nBins], "f32", { label: "frontend_fbank" });
  try {
    frontendFbank(run, waveform, feats, { ...tables, plan });
    normalizeFeatures(run, feats, {
      rows: frames,
      cols: plan.nBins,
      normalizeMean: o.normalizeMean,
      normalizeVar: o.normalizeVar,
    });
  } catch (e) {
    feats.release();
    throw e;
  }
  return feats;
}

/**
 * One-call feature extraction: uploads `samples` ([-1, 1] mono at
 * `sampleRate` Hz), resamples to options.sampleRate (16 kHz) when needed,
 * computes features and reads them back as a row-major [T, numMelBins] array.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const feats = await extractFeatures(gpu, samples, 24000);
 * console.log(feats.length / 80, "frames");
 * ```
 */
export async function extractFeatures(
  gpu: Gpu,
  samples: Float32Array,
  sampleRate: number,
  options: FeatureOptions = {},
): Promise<Float32Array> {
  const o = resolveFeatureOptions(options);
  if (samples.length === 0) throw new RangeError("audio too short: no samples");
  const run = gpu.run("extract_features");
  const owned: GpuTensor[] = [];
  try {
    const x = gpu.upload(samples);
    owned.push(x);
    let wave: GpuTensor = x;
    if (sampleRate !== o.sampleRate) {
      wave = resampleOnGpu(run, x, sampleRate, o.sampleRate);
      owned.push(wave);
    }
    const feats = computeFeatures(run, wave, o);
    owned.push(feats);
    run.read(feats);
    const [out] = await run.submit();
    return out as Float32Array;
  } finally {
    for (const t of owned) t.release();
  }
}
