/**
 * The geometry of torchaudio's windowed-sinc resampler
 * (`torchaudio.functional.resample`, method sinc_interp_hann): rates reduced
 * by their gcd, filter half-width, taps per phase and output length.
 * @module
 */

/** Options of planResample (torchaudio's defaults). */
export interface ResampleOptions {
  /** Zero crossings of the sinc kept on each side (default 6). */
  lowpassFilterWidth?: number;
  /** Cut-off as a fraction of the lower Nyquist rate (default 0.99). */
  rolloff?: number;
}

/** One resampling job's constants. */
export interface ResamplePlan {
  /** Original rate, Hz. */
  from: number;
  /** Target rate, Hz. */
  to: number;
  /** from / gcd(from, to): input samples per block. */
  rateIn: number;
  /** to / gcd(from, to): output samples (filter phases) per block. */
  rateOut: number;
  /** Filter half-width in input samples. */
  width: number;
  /** Taps per phase: 2 * width + rateIn. */
  taps: number;
  /** lowpass_filter_width as a float (clamp bound of t). */
  lpw: number;
  /** Rolloff factor. */
  rolloff: number;
  /** rolloff * min(rateIn, rateOut) / (rateIn * rateOut): t per unit of the integer numerator. */
  tScale: number;
  /** rolloff * min(rateIn, rateOut) / rateIn: the filter's DC gain factor. */
  gain: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Plans a resampling from `from` Hz to `to` Hz (integer rates, as torchaudio requires). */
export function planResample(
  from: number,
  to: number,
  options: ResampleOptions = {},
): ResamplePlan {
  for (const [name, v] of [["from", from], ["to", to]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new RangeError(`resample: ${name} rate must be a positive integer (Hz), got ${v}`);
    }
  }
  const lpw = options.lowpassFilterWidth ?? 6;
  const rolloff = options.rolloff ?? 0.99;
  if (!Number.isInteger(lpw) || lpw <= 0) {
    throw new RangeError(`resample: lowpassFilterWidth must be a positive integer, got ${lpw}`);
  }
  if (!(rolloff > 0 && rolloff <= 1)) {
    throw new RangeError(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  }
  const g = gcd(from, to);
  const rateIn = from / g;
  const rateOut = to / g;
  const base = Math.min(rateIn, rateOut) * rolloff;
  const width = Math.ceil(lpw * rateIn / base);
  const taps = 2 * width + rateIn;
  // The kernel loops over the taps (llvmpipe ends loops after 65535 iterations) and the
  // filter bank holds rateOut·taps floats.
  if (taps > 65535 || rateOut * taps > 1 << 24) {
    throw new RangeError(
      `resample ${from} Hz -> ${to} Hz: the rates reduce to ${rateIn}:${rateOut} (gcd ${g}), ` +
        `a ${rateOut}x${taps} filter bank; resample through a rate with a larger common divisor`,
    );
  }
  return {
    from,
    to,
    rateIn,
    rateOut,
    width,
    taps,
    lpw,
    rolloff,
    tScale: base / (rateIn * rateOut),
    gain: base / rateIn,
  };
}

/** Output length torchaudio gives: ceil(to * n / from) on the reduced rates. */
export function resampledLength(n: number, plan: ResamplePlan): number {
  return Math.ceil(plan.rateOut * n / plan.rateIn);
}
