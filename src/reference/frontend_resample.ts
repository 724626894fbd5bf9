/**
 * CPU reference of frontend_resample: the polyphase FIR that torchaudio
 * runs as a strided conv1d over the zero-padded waveform, in float64.
 * @module
 */
import { resampledLength, type ResamplePlan } from "../frontend/resample_plan.ts";

/** Resamples `x` with the filter bank `bank` [rateOut, taps]; output length ceil(to·n/from). */
export function frontendResampleRef(
  x: ArrayLike<number>,
  bank: ArrayLike<number>,
  plan: ResamplePlan,
): Float64Array {
  const { rateIn, rateOut, width, taps } = plan;
  const n = x.length;
  const y = new Float64Array(resampledLength(n, plan));
  for (let j = 0; j < y.length; j++) {
    const b = Math.floor(j / rateOut);
    const p = j % rateOut;
    let acc = 0;
    for (let k = 0; k < taps; k++) {
      const s = b * rateIn + k - width;
      if (s >= 0 && s < n) acc += x[s] * bank[p * taps + k];
    }
    y[j] = acc;
  }
  return y;
}
