/**
 * Resampling on the GPU, as torchaudio.functional.resample does it by
 * default (sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99).
 * @module
 */
import type { GpuRun, GpuTensor } from "../gpu/mod.ts";
import { frontendResample } from "../kernels/frontend_resample.ts";
import { planResample, resampledLength } from "./resample_plan.ts";
import { resampleQuadsOn } from "./tables.ts";

/**
 * Records the resampling of `waveform` from `from` Hz to `to` Hz into `run`
 * and returns the output tensor [ceil(to·n/from)] (owned by the caller:
 * release it when done). Equal rates give a copy, as torchaudio returns the
 * input unchanged.
 *
 * @example
 * ```ts ignore
 * const run = gpu.run("resample");
 * const y = resampleOnGpu(run, gpu.upload(samples24k), 24000, 16000);
 * run.read(y);
 * const [out] = await run.submit();
 * ```
 */
export function resampleOnGpu(
  run: GpuRun,
  waveform: GpuTensor,
  from: number,
  to: number,
): GpuTensor {
  const plan = planResample(from, to);
  const n = waveform.size;
  if (from === to) {
    const y = run.gpu.empty([n], "f32", { label: "frontend_resample" });
    if (n > 0) run.copy(waveform, y, n * 4);
    return y;
  }
  const y = run.gpu.empty([resampledLength(n, plan)], "f32", { label: "frontend_resample" });
  if (n === 0) return y;
  frontendResample(run, waveform, y, { ...resampleQuadsOn(run.gpu, plan), plan });
  return y;
}
