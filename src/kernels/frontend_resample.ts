/**
 * Binding of kernels/frontend_resample.wgsl: applies a polyphase filter
 * bank to a waveform staged into a texture, split into output chunks (each
 * with the input range it needs) when the output binding, one staging
 * texture or one dispatch dimension would be exceeded.
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
  textureBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import { resampledLength, type ResamplePlan } from "../frontend/resample_plan.ts";
import {
  ALIGN_ELEMENTS,
  bindingSlice,
  floorTo,
  MAX_LOOP_ITERATIONS,
} from "../frontend/binding_slice.ts";
import { maxStagedSamples, stageSamples } from "../frontend/sample_texture.ts";

/** Kernel spec of frontend_resample. */
export const FRONTEND_RESAMPLE = defineKernel({
  name: "frontend_resample",
  source,
  bindings: {
    x: textureBinding(),
    quads: textureBinding(),
    spans: readBinding("u32"),
    y: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_in: d.u32,
    n_out: d.u32,
    out_start: d.u32,
    in_start: d.u32,
    rate_in: d.u32,
    rate_out: d.u32,
    width: d.u32,
    row: d.u32,
    b0: d.u32,
    ydim: d.u32,
  }),
  overrides: { WG: 64 },
});

/** Options of frontendResample. */
export interface FrontendResampleOptions {
  /** Taps in quads [4, rateOut, row, 4] (resampleTapQuads). */
  quads: GPUTexture;
  /** Quads per phase and alignment in `quads`. */
  row: number;
  /** Nonzero tap span of each phase [rateOut, 2] (u32, resampleFilterSpans). */
  spans: GpuTensor;
  /** The resampling. */
  plan: ResamplePlan;
  /** Input samples (default: all of x). */
  nIn?: number;
  /** Workgroup size variant (default 64). */
  wg?: number;
  /** Largest elements per chunk's input and output (default: the adapter's limits; tests lower it). */
  maxBindingElements?: number;
}

/** Records y[0 .. ceil(rateOut·nIn/rateIn)) = resampled x. */
export function frontendResample(
  run: GpuRun,
  x: GpuTensor,
  y: GpuTensor,
  options: FrontendResampleOptions,
): void {
  const { plan, quads, row, spans } = options;
  const wg = options.wg ?? 64;
  const nIn = options.nIn ?? x.size;
  const nOut = resampledLength(nIn, plan);
  if (nIn > x.size) throw new RangeError(`frontendResample: nIn ${nIn} exceeds x (${x.size})`);
  if (y.size < nOut) throw new RangeError(`frontendResample: y holds ${y.size} < ${nOut} samples`);
  if (
    quads.depthOrArrayLayers !== 4 || quads.width * quads.height < plan.rateOut * row ||
    spans.size < 2 * plan.rateOut
  ) {
    throw new RangeError(`frontendResample: quads or spans smaller than ${plan.rateOut} phases`);
  }
  if (spans.dtype !== "u32") throw new TypeError("frontendResample: spans must be a u32 tensor");
  // llvmpipe ends an invocation's loops after 65535 iterations in total.
  if (row > MAX_LOOP_ITERATIONS) {
    throw new RangeError(`frontendResample: ${row} tap quads per output exceed the loop cap`);
  }
  if (nOut === 0) return;
  const maxDim = run.gpu.limits.maxComputeWorkgroupsPerDimension;
  const limit = Math.min(
    options.maxBindingElements ?? run.gpu.bindingChunkElements(ALIGN_ELEMENTS),
    maxStagedSamples(run.gpu),
  );
  // Outputs per chunk such that the input span (plus filter, alignment and texel slack) fits the
  // limit, and its blocks fit one dispatch dimension (32·WG blocks per workgroup).
  const span = (limit - plan.taps - 3 * ALIGN_ELEMENTS) * plan.rateOut / plan.rateIn;
  const blocks = (maxDim * 32 * wg - 2) * plan.rateOut;
  const perChunk = floorTo(Math.min(limit, span, blocks), ALIGN_ELEMENTS);
  const ydim = Math.min(plan.rateOut, maxDim);
  const zdim = 4 * Math.ceil(plan.rateOut / ydim);
  let staged: GPUTexture | undefined;
  for (let j0 = 0; j0 < nOut; j0 += perChunk) {
    const count = Math.min(perChunk, nOut - j0);
    const b0 = Math.floor(j0 / plan.rateOut);
    const b1 = Math.floor((j0 + count - 1) / plan.rateOut);
    // Every fetched sample lies within 3 of [b·rateIn - width, b·rateIn - width + taps).
    const firstIn = b0 * plan.rateIn - plan.width - 3;
    const lastIn = b1 * plan.rateIn - plan.width + plan.taps + 3;
    const inStart = Math.min(
      Math.floor(Math.max(0, firstIn) / ALIGN_ELEMENTS) * ALIGN_ELEMENTS,
      Math.floor((nIn - 1) / ALIGN_ELEMENTS) * ALIGN_ELEMENTS,
    );
    const inEnd = Math.max(inStart + 1, Math.min(nIn, lastIn));
    run.dispatch(FRONTEND_RESAMPLE, {
      bindings: {
        x: staged = stageSamples(run, x, inStart, inEnd - inStart, staged),
        quads,
        spans,
        y: bindingSlice(y, j0, count),
      },
      uniforms: {
        n_in: nIn,
        n_out: count,
        out_start: j0,
        in_start: inStart,
        rate_in: plan.rateIn,
        rate_out: plan.rateOut,
        width: plan.width,
        row,
        b0,
        ydim,
      },
      workgroups: [ydim, zdim, Math.ceil((b1 - b0 + 1) / (32 * wg))],
      overrides: { WG: wg },
    });
  }
}
