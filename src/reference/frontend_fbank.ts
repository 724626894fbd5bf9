/**
 * CPU reference of frontend_fbank: torchaudio.compliance.kaldi.fbank
 * (snip_edges, remove_dc_offset, pre-emphasis, window, zero-padded power
 * spectrum, mel bank, log floor; no energy term) in float64 with a direct
 * DFT, given the same window and mel bank tables as the kernel, plus the
 * kernel's counter-based dither generator.
 * @module
 */
import type { FbankPlan } from "../frontend/fbank_plan.ts";
import { frameCount } from "../frontend/fbank_plan.ts";

/** float32 machine epsilon: Kaldi's log floor. */
export const FLT_EPSILON = 1.1920928955078125e-7;

function lowbias32(v: number): number {
  let h = v >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The standard normal draw the kernel adds (times dither) to sample n of global frame f. */
export function fbankNoiseRef(seed: number, frame: number, n: number): number {
  const h = lowbias32((seed ^ lowbias32(frame)) >>> 0);
  const a = lowbias32((h ^ (2 * n)) >>> 0);
  const b = lowbias32((h ^ (2 * n + 1)) >>> 0);
  const u1 = ((a >>> 8) + 0.5) / 16777216;
  const u2 = (b >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The constant tables the kernel reads (see src/frontend/constant_tables.ts). */
export interface FbankRefTables {
  /** Analysis window [win]. */
  window: ArrayLike<number>;
  /** Mel bank [nBins, nFft/2 + 1]. */
  bank: ArrayLike<number>;
  /** Nonzero ranges [nBins, 2]. */
  range: ArrayLike<number>;
}

/** Options of frontendFbankRef. */
export interface FbankRefOptions {
  /** First frame to compute (default 0). */
  start?: number;
  /** One past the last frame (default: every frame). */
  end?: number;
}

/** Log-mel rows [end - start, nBins] for frames start..end of waveform `x` (unscaled samples). */
export function frontendFbankRef(
  x: ArrayLike<number>,
  plan: FbankPlan,
  tables: FbankRefTables,
  options: FbankRefOptions = {},
): Float64Array {
  const start = options.start ?? 0;
  const end = options.end ?? frameCount(x.length, plan);
  const { win, shift, nFft, nBins } = plan;
  const { window, bank, range } = tables;
  const cols = nFft / 2 + 1;
  const cosT = new Float64Array(nFft);
  const sinT = new Float64Array(nFft);
  for (let m = 0; m < nFft; m++) {
    cosT[m] = Math.cos(2 * Math.PI * m / nFft);
    sinT[m] = Math.sin(2 * Math.PI * m / nFft);
  }
  const out = new Float64Array((end - start) * nBins);
  const v = new Float64Array(win);
  const power = new Float64Array(cols);
  for (let f = start; f < end; f++) {
    let sum = 0;
    for (let n = 0; n < win; n++) {
      let s = x[f * shift + n] * plan.scale;
      if (plan.dither !== 0) s += plan.dither * fbankNoiseRef(plan.seed, f, n);
      v[n] = s;
      sum += s;
    }
    const mean = sum / win;
    // Pre-emphasis runs backwards so v[n - 1] is still the DC-free sample.
    for (let n = win - 1; n >= 0; n--) {
      const cur = v[n] - mean;
      const prev = n > 0 ? v[n - 1] - mean : cur;
      v[n] = (cur - plan.preemph * prev) * window[n];
    }
    for (let k = 0; k < cols; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < win; n++) {
        const m = (k * n) % nFft;
        re += v[n] * cosT[m];
        im -= v[n] * sinT[m];
      }
      power[k] = re * re + im * im;
    }
    for (let b = 0; b < nBins; b++) {
      let acc = 0;
      for (let k = range[2 * b]; k < range[2 * b + 1]; k++) acc += bank[b * cols + k] * power[k];
      out[(f - start) * nBins + b] = Math.log(Math.max(acc, FLT_EPSILON));
    }
  }
  return out;
}
