/**
 * Binding of kernels/frontend_resample.wgsl: applies a polyphase filter
 * bank to a waveform, split into output chunks (each with the input range
 * it needs) when the waveform exceeds the adapter's binding limit.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/frontend_resample.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { resampledLength, type ResamplePlan } from "../frontend/resample_plan.ts";
import { ALIGN_ELEMENTS, bindingSlice, floorTo } from "../frontend/binding_slice.ts";

/** Kernel spec of frontend_resample. */
export const FRONTEND_RESAMPLE = defineKernel({
  name: "frontend_resample",
  source,
  bindings: {
    x: readBinding("f32"),
    bank: readBinding("f32"),
    spans: readBinding("u32"),
    y: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_in: d.u32,
    n_out: d.u32,
    out_start: d.u32,
    in_start: d.u32,
    in_len: d.u32,
    rate_in: d.u32,
    rate_out: d.u32,
    width: d.u32,
    taps: d.u32,
  }),
  overrides: { WG: 256 },
});

/** Options of frontendResample. */
export interface FrontendResampleOptions {
  /** Filter bank [rateOut, taps] (resampleFilterTable). */
  bank: GpuTensor;
  /** Nonzero tap span of each phase [rateOut, 2] (u32, resampleFilterSpans). */
  spans: GpuTensor;
  /** The resampling. */
  plan: ResamplePlan;
  /** Input samples (default: all of x). */
  nIn?: number;
  /** Workgroup size variant (default 256). */
  wg?: number;
  /** Largest elements per binding (default: the adapter's limit; tests lower it to force chunks). */
  maxBindingElements?: number;
}

/** Records y[0 .. ceil(rateOut·nIn/rateIn)) = resampled x. */
export function frontendResample(
  run: GpuRun,
  x: GpuTensor,
  y: GpuTensor,
  options: FrontendResampleOptions,
): void {
  const { plan, bank, spans } = options;
  const wg = options.wg ?? 256;
  const nIn = options.nIn ?? x.size;
  const nOut = resampledLength(nIn, plan);
  if (nIn > x.size) throw new RangeError(`frontendResample: nIn ${nIn} exceeds x (${x.size})`);
  if (y.size < nOut) throw new RangeError(`frontendResample: y holds ${y.size} < ${nOut} samples`);
  if (bank.size < plan.rateOut * plan.taps || spans.size < 2 * plan.rateOut) {
    throw new RangeError(`frontendResample: bank or spans smaller than ${plan.rateOut} phases`);
  }
  if (spans.dtype !== "u32") throw new TypeError("frontendResample: spans must be a u32 tensor");
  const limit = options.maxBindingElements ?? run.gpu.bindingChunkElements(ALIGN_ELEMENTS);
  // Outputs per chunk such that the input span (plus filter and alignment slack) fits one binding.
  const span = (limit - plan.taps - 2 * ALIGN_ELEMENTS) * plan.rateOut / plan.rateIn;
  const perChunk = floorTo(Math.min(limit, span), ALIGN_ELEMENTS);
  for (let j0 = 0; j0 < nOut; j0 += perChunk) {
    const count = Math.min(perChunk, nOut - j0);
    const firstIn = Math.floor(j0 / plan.rateOut) * plan.rateIn - plan.width;
    const lastIn = Math.floor((j0 + count - 1) / plan.rateOut) * plan.rateIn - plan.width +
      plan.taps;
    const inStart = Math.floor(Math.max(0, firstIn) / ALIGN_ELEMENTS) * ALIGN_ELEMENTS;
    const inEnd = Math.max(inStart + 1, Math.min(nIn, lastIn));
    run.dispatch(FRONTEND_RESAMPLE, {
      bindings: {
        x: bindingSlice(x, inStart, inEnd - inStart),
        bank,
        spans,
        y: bindingSlice(y, j0, count),
      },
      uniforms: {
        n_in: nIn,
        n_out: count,
        out_start: j0,
        in_start: inStart,
        in_len: inEnd - inStart,
        rate_in: plan.rateIn,
        rate_out: plan.rateOut,
        width: plan.width,
        taps: plan.taps,
      },
      workgroups: workgroupsFor(count, wg),
      overrides: { WG: wg },
    });
  }
}
