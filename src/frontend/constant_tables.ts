/**
 * The front-end's constant tables, built on the CPU and uploaded once, like
 * weights: the resampling filter bank, the analysis window, the FFT
 * twiddles and the mel filter bank.
 *
 * Why the CPU: the features must agree with torchaudio's float32 pipeline,
 * and near the Nyquist frequency of loud frames a mel bin can sit 70 dB
 * below the frame's energy, where a 1e-7 difference in a table entry moves
 * the log-mel value by ~1e-3. So each table reproduces the exact float32
 * values torchaudio uses: the filter bank is evaluated in float64 and
 * rounded once (transforms.Resample's default), the window and mel bank
 * replay torchaudio's float32 operations one rounding at a time
 * (`Math.fround` after each step), the twiddles are float64 values rounded
 * once (as pocketfft's are). WGSL's sin/cos/log only promise a few ulp
 * (2^-11 absolute for sin/cos), which is not enough.
 * @module
 */
import type { ResamplePlan } from "./resample_plan.ts";
import type { WindowType } from "./options.ts";

const fr = Math.fround;

/**
 * torchaudio's `_get_sinc_resample_kernel` (sinc_interp_hann) as
 * transforms.Resample builds it: float64, except that the phase offsets
 * `-p / new` come out of an integer arange as float32; then rounded to
 * float32. Row p of the [rateOut, taps] result holds phase p's taps.
 */
export function resampleFilterTable(plan: ResamplePlan): Float32Array {
  const { rateIn, rateOut, width, taps, lpw, rolloff } = plan;
  const base = Math.min(rateIn, rateOut) * rolloff;
  const scale = base / rateIn;
  const out = new Float32Array(rateOut * taps);
  for (let p = 0; p < rateOut; p++) {
    const phase = fr(-p / rateOut);
    for (let k = 0; k < taps; k++) {
      let t = (phase + (k - width) / rateIn) * base;
      t = Math.min(lpw, Math.max(-lpw, t));
      const w = Math.cos(t * Math.PI / lpw / 2) ** 2;
      const x = t * Math.PI;
      const sinc = x === 0 ? 1 : Math.sin(x) / x;
      out[p * taps + k] = sinc * (w * scale);
    }
  }
  return out;
}

/**
 * Each phase's span of nonzero taps [rateOut, 2] = (first, end) in a
 * resampleFilterTable: outside |t| < lowpass_filter_width the window is
 * cos(pi/2)^2 and the taps round to 0, so a 44.1 kHz -> 16 kHz phase has
 * ~35 nonzero taps of 475 and skipping the zeros leaves every sum unchanged.
 */
export function resampleFilterSpans(table: Float32Array, plan: ResamplePlan): Uint32Array {
  const spans = new Uint32Array(2 * plan.rateOut);
  for (let p = 0; p < plan.rateOut; p++) {
    let first = -1;
    let end = 0;
    for (let k = 0; k < plan.taps; k++) {
      if (table[p * plan.taps + k] !== 0) {
        if (first < 0) first = k;
        end = k + 1;
      }
    }
    spans[2 * p] = Math.max(first, 0);
    spans[2 * p + 1] = end;
  }
  return spans;
}

/**
 * Kaldi's analysis window of `win` samples as torchaudio computes it in
 * float32 (torch.hamming_window / hann_window with periodic=False; povey =
 * hann^0.85; torchaudio's own blackman formula; rectangular = 1).
 */
export function windowTable(win: number, type: WindowType, blackmanCoeff = 0.42): Float32Array {
  const out = new Float32Array(win);
  const cosine = (alpha: number, beta: number, n: number) => {
    // torch: arange(N).mul_(2π/(N-1)).cos_().mul_(-beta).add_(alpha), all float32.
    const c = fr(Math.cos(fr(n * fr(2 * Math.PI / (win - 1)))));
    return fr(fr(c * fr(-beta)) + fr(alpha));
  };
  for (let n = 0; n < win; n++) {
    switch (type) {
      case "hamming":
        out[n] = cosine(0.54, 0.46, n);
        break;
      case "hanning":
        out[n] = cosine(0.5, 0.5, n);
        break;
      case "povey":
        out[n] = fr(Math.pow(cosine(0.5, 0.5, n), fr(0.85)));
        break;
      case "blackman": {
        const a = 2 * Math.PI / (win - 1);
        const c1 = fr(Math.cos(fr(fr(a) * n)));
        const c2 = fr(Math.cos(fr(fr(2 * a) * n)));
        out[n] = fr(fr(fr(blackmanCoeff) - fr(0.5 * c1)) + fr(fr(0.5 - blackmanCoeff) * c2));
        break;
      }
      default:
        out[n] = 1;
    }
  }
  return out;
}

/** e^{-2πi m / nFft} for m < nFft/2, interleaved (re, im), float64 rounded once. */
export function twiddleTable(nFft: number): Float32Array {
  const out = new Float32Array(nFft);
  for (let m = 0; m < nFft / 2; m++) {
    out[2 * m] = Math.cos(2 * Math.PI * m / nFft);
    out[2 * m + 1] = -Math.sin(2 * Math.PI * m / nFft);
  }
  return out;
}

/** Geometry of a mel bank. */
export interface MelBankSpec {
  /** Mel bins. */
  nBins: number;
  /** FFT size (the bank has nFft / 2 + 1 columns). */
  nFft: number;
  /** Sample rate, Hz. */
  sampleRate: number;
  /** Lowest edge, Hz. */
  lowFreq: number;
  /** Highest edge, Hz. */
  highFreq: number;
}

/** Kaldi's mel scale in float64 (torchaudio's mel_scale_scalar). */
export function melScale(f: number): number {
  return 1127 * Math.log(1 + f / 700);
}

/**
 * torchaudio.compliance.kaldi.get_mel_banks (no VTLN) replayed in float32,
 * padded with the zero Nyquist column: weights [nBins, nFft/2 + 1] and each
 * bin's nonzero range [nBins, 2] = (first, end), (0, 0) when empty.
 */
export function melBankTable(spec: MelBankSpec): { bank: Float32Array; range: Uint32Array } {
  const half = spec.nFft / 2;
  const cols = half + 1;
  const melLow = fr(melScale(spec.lowFreq));
  const delta = fr((melScale(spec.highFreq) - melScale(spec.lowFreq)) / (spec.nBins + 1));
  const binHz = fr(spec.sampleRate / spec.nFft);
  const mel = new Float32Array(half);
  for (let k = 0; k < half; k++) {
    mel[k] = fr(1127 * fr(Math.log(fr(1 + fr(fr(binHz * k) / 700)))));
  }
  const bank = new Float32Array(spec.nBins * cols);
  const range = new Uint32Array(spec.nBins * 2);
  for (let b = 0; b < spec.nBins; b++) {
    const left = fr(melLow + fr(b * delta));
    const center = fr(melLow + fr((b + 1) * delta));
    const right = fr(melLow + fr((b + 2) * delta));
    let first = -1;
    let end = 0;
    for (let k = 0; k < half; k++) {
      const up = fr(fr(mel[k] - left) / fr(center - left));
      const down = fr(fr(right - mel[k]) / fr(right - center));
      const w = Math.max(0, Math.min(up, down));
      bank[b * cols + k] = w;
      if (w > 0) {
        if (first < 0) first = k;
        end = k + 1;
      }
    }
    range[2 * b] = first < 0 ? 0 : first;
    range[2 * b + 1] = end;
  }
  return { bank, range };
}

/** The taps of a resampleFilterTable as the resampling kernel reads them. */
export interface ResampleTapQuads {
  /** Quads (four taps) per phase and alignment: the most any alignment needs. */
  row: number;
  /** [4 alignments][rateOut phases][row quads][4 taps]. */
  data: Float32Array<ArrayBuffer>;
}

/**
 * Phase p's nonzero taps [lo, hi) (resampleFilterSpans) in quads for
 * four-sample fetches: for alignment r (the first nonzero tap's sample
 * mod 4), quad (r·rateOut + p)·row + i holds taps lo - r + 4i .. +3, zero
 * outside [lo, hi); quads from ceil((hi - lo + r) / 4) to row are zero.
 */
export function resampleTapQuads(
  table: Float32Array,
  spans: Uint32Array,
  plan: ResamplePlan,
): ResampleTapQuads {
  const { rateOut, taps } = plan;
  let widest = 0;
  for (let p = 0; p < rateOut; p++) widest = Math.max(widest, spans[2 * p + 1] - spans[2 * p]);
  const row = Math.max(1, Math.ceil((widest + 3) / 4));
  const data = new Float32Array(4 * rateOut * row * 4);
  for (let r = 0; r < 4; r++) {
    for (let p = 0; p < rateOut; p++) {
      const lo = spans[2 * p];
      const at = (r * rateOut + p) * row * 4;
      for (let k = lo; k < spans[2 * p + 1]; k++) data[at + k - lo + r] = table[p * taps + k];
    }
  }
  return { row, data };
}
