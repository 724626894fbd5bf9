/**
 * The integer geometry of Kaldi's fbank (window and hop in samples, FFT
 * size, mel edges) derived from FeatureOptions exactly as
 * torchaudio.compliance.kaldi computes it.
 * @module
 */
import { type FeatureOptions, resolveFeatureOptions, type WindowType } from "./options.ts";

/** Largest FFT the fbank kernel holds in workgroup memory. */
export const MAX_FFT = 1024;

/** Everything the fbank kernels need, resolved from FeatureOptions. */
export interface FbankPlan {
  /** Sample rate of the waveform, Hz. */
  sampleRate: number;
  /** Samples per frame (Kaldi's window_size). */
  win: number;
  /** Samples between frame starts (window_shift). */
  shift: number;
  /** FFT size: the next power of two >= win. */
  nFft: number;
  /** log2(nFft). */
  log2Fft: number;
  /** Mel bins. */
  nBins: number;
  /** Analysis window. */
  windowType: WindowType;
  /** Waveform scale applied before everything else. */
  scale: number;
  /** Dither standard deviation (0: none). */
  dither: number;
  /** Dither seed. */
  seed: number;
  /** Pre-emphasis coefficient (Kaldi default 0.97). */
  preemph: number;
  /** Blackman window coefficient (Kaldi default 0.42). */
  blackmanCoeff: number;
  /** Lowest mel edge, Hz (Kaldi default 20). */
  lowFreq: number;
  /** Highest mel edge, Hz (Nyquist). */
  highFreq: number;
}

/** Resolves options into kernel geometry, rejecting what the kernels cannot do. */
export function planFbank(options: FeatureOptions = {}): FbankPlan {
  const o = resolveFeatureOptions(options);
  // Same float expression as torchaudio: int(sample_frequency * frame_length * 0.001).
  const win = Math.trunc(o.sampleRate * o.frameLength * 0.001);
  const shift = Math.trunc(o.sampleRate * o.frameShift * 0.001);
  if (win < 2) {
    throw new RangeError(
      `frame_length ${o.frameLength} ms gives ${win} samples at ${o.sampleRate} Hz; need at least 2`,
    );
  }
  if (shift < 1) {
    throw new RangeError(
      `frame_shift ${o.frameShift} ms gives ${shift} samples at ${o.sampleRate} Hz; need at least 1`,
    );
  }
  const log2Fft = Math.ceil(Math.log2(win));
  const nFft = 2 ** log2Fft;
  if (nFft > MAX_FFT) {
    throw new RangeError(
      `frame_length ${o.frameLength} ms needs a ${nFft}-point FFT; at most ${MAX_FFT} is supported`,
    );
  }
  if (o.numMelBins > nFft / 2) {
    throw new RangeError(
      `num_mel_bins ${o.numMelBins} exceeds the ${nFft / 2} FFT bins of ${o.frameLength} ms frames`,
    );
  }
  return {
    sampleRate: o.sampleRate,
    win,
    shift,
    nFft,
    log2Fft,
    nBins: o.numMelBins,
    windowType: o.windowType,
    scale: o.scale,
    dither: o.dither,
    seed: o.seed,
    preemph: 0.97,
    blackmanCoeff: 0.42,
    lowFreq: 20,
    highFreq: o.sampleRate / 2,
  };
}

/** Frames Kaldi's snip_edges framing yields for `nSamples` samples (0 when shorter than a frame). */
export function frameCount(nSamples: number, plan: Pick<FbankPlan, "win" | "shift">): number {
  if (nSamples < plan.win) return 0;
  return 1 + Math.floor((nSamples - plan.win) / plan.shift);
}
