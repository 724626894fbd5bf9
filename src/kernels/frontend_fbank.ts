/**
 * Binding of kernels/frontend_fbank.wgsl: Kaldi log-mel frames of a
 * waveform, split into frame chunks when the waveform or the output
 * exceeds the adapter's binding limit.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/frontend_fbank.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type FbankPlan, frameCount } from "../frontend/fbank_plan.ts";
import {
  ALIGN_ELEMENTS,
  bindingSlice,
  floorTo,
  MAX_LOOP_ITERATIONS,
} from "../frontend/binding_slice.ts";

/** Kernel spec of frontend_fbank. */
export const FRONTEND_FBANK = defineKernel({
  name: "frontend_fbank",
  source,
  bindings: {
    x: readBinding("f32"),
    window: readBinding("f32"),
    twiddle: readBinding("vec2f"),
    bank: readBinding("f32"),
    range: readBinding("u32"),
    out: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n_frames: d.u32,
    frame_start: d.u32,
    in_start: d.u32,
    in_len: d.u32,
    win: d.u32,
    shift: d.u32,
    n_fft: d.u32,
    log2_fft: d.u32,
    n_bins: d.u32,
    seed: d.u32,
    scale: d.f32,
    dither: d.f32,
    preemph: d.f32,
  }),
  overrides: { WG: 8, FRAMES: 1, Z_SLOTS: 4096 },
});

/** Kernel variant: frames per workgroup (one per invocation) and frames each invocation handles. */
export interface FbankVariant {
  /** Invocations per workgroup, each on its own frame; capped so that wg x nFft complex values fit workgroup memory. */
  wg: number;
  /** Frames each invocation handles, one after another. */
  frames: number;
}

/**
 * Variants per adapter family: on llvmpipe a workgroup is one 8-lane SIMD row, so 8 invocations
 * (bench/frontend_bench.ts); the hardware choice is a conventional untuned default. The default wg
 * shrinks to what the adapter's workgroup memory holds (wg x nFft x 8 bytes).
 */
export const FBANK_VARIANTS: Record<"software" | "hardware", FbankVariant> = {
  software: { wg: 8, frames: 1 },
  hardware: { wg: 4, frames: 1 },
};

/** Loop iterations of the kernel's FFT: radix-32, -16 and -8 passes in registers, then radix-2 stages. */
function fftLoops(log2Fft: number): number {
  const n = 2 ** log2Fft;
  let loops = 0;
  let st = 1;
  for (const stages of [5, 4, 3]) {
    for (; st + stages - 1 <= log2Fft; st += stages) loops += n >> stages;
  }
  return loops + (log2Fft - st + 1) * (n / 2);
}

/** Options of frontendFbank. */
export interface FrontendFbankOptions extends Partial<FbankVariant> {
  /** Analysis window [win] (windowTable). */
  window: GpuTensor;
  /** Twiddles [nFft/2, 2] (twiddleTable). */
  twiddle: GpuTensor;
  /** Mel bank [nBins, nFft/2 + 1] (melBankTable). */
  bank: GpuTensor;
  /** Its nonzero ranges [nBins, 2] (u32). */
  range: GpuTensor;
  /** Frame geometry and options. */
  plan: FbankPlan;
  /** Samples of x to use (default: all). */
  nSamples?: number;
  /** Largest elements per binding (default: the adapter's limit; tests lower it to force chunks). */
  maxBindingElements?: number;
}

/** Records out[T, nBins] = log-mel frames of x, T = frameCount(nSamples). */
export function frontendFbank(
  run: GpuRun,
  x: GpuTensor,
  out: GpuTensor,
  options: FrontendFbankOptions,
): void {
  const { plan, window, twiddle, bank, range } = options;
  const variant = FBANK_VARIANTS[run.gpu.profile];
  const memory = run.gpu.limits.maxComputeWorkgroupStorageSize;
  const fits = Math.floor(memory / (8 * plan.nFft));
  const wg = options.wg ?? Math.max(1, Math.min(variant.wg, fits));
  const frames = options.frames ?? variant.frames;
  if (!Number.isInteger(wg) || wg < 1 || wg > 256 || wg > fits) {
    throw new RangeError(
      `frontendFbank: wg ${wg} must be an integer in 1..${Math.min(256, fits)} ` +
        `(${wg} x ${plan.nFft} complex values must fit ${memory} bytes of workgroup memory)`,
    );
  }
  if (!Number.isInteger(frames) || frames < 1) {
    throw new RangeError(`frontendFbank: frames ${frames} must be a positive integer`);
  }
  const nSamples = options.nSamples ?? x.size;
  if (nSamples > x.size) throw new RangeError(`frontendFbank: nSamples exceeds x (${x.size})`);
  const total = frameCount(nSamples, plan);
  if (total < 1) {
    throw new RangeError(
      `frontendFbank: ${nSamples} samples are shorter than one ${plan.win}-sample frame`,
    );
  }
  if (out.size < total * plan.nBins) {
    throw new RangeError(`frontendFbank: out holds ${out.size} < ${total}x${plan.nBins} values`);
  }
  if (range.dtype !== "u32") throw new TypeError("frontendFbank: range must be a u32 tensor");
  if (
    window.size < plan.win || twiddle.size < plan.nFft ||
    bank.size < plan.nBins * (plan.nFft / 2 + 1)
  ) {
    throw new RangeError(
      "frontendFbank: window, twiddle or bank table is smaller than the plan needs",
    );
  }
  // llvmpipe ends an invocation's loops after 65535 iterations in total: refuse variants that
  // would be cut short instead of returning truncated frames.
  const perFrame = 2 * plan.win + plan.nFft + fftLoops(plan.log2Fft) + plan.nBins +
    (plan.nFft / 2 + 1);
  if (frames * perFrame > MAX_LOOP_ITERATIONS) {
    throw new RangeError(
      `frontendFbank: ${frames} frames per invocation need ~${frames * perFrame} loop ` +
        `iterations per invocation, over ${MAX_LOOP_ITERATIONS}; use fewer frames`,
    );
  }
  const limit = options.maxBindingElements ?? run.gpu.bindingChunkElements(ALIGN_ELEMENTS);
  // Frame chunks start at multiples of 64 frames so output offsets stay 256-byte aligned.
  const byInput = (limit - plan.win - ALIGN_ELEMENTS) / plan.shift;
  const perChunk = floorTo(Math.min(byInput, limit / plan.nBins), ALIGN_ELEMENTS);
  for (let f0 = 0; f0 < total; f0 += perChunk) {
    const count = Math.min(perChunk, total - f0);
    const inStart = Math.floor((f0 * plan.shift) / ALIGN_ELEMENTS) * ALIGN_ELEMENTS;
    const inEnd = (f0 + count - 1) * plan.shift + plan.win;
    run.dispatch(FRONTEND_FBANK, {
      bindings: {
        x: bindingSlice(x, inStart, inEnd - inStart),
        window,
        twiddle,
        bank,
        range,
        out: bindingSlice(out, f0 * plan.nBins, count * plan.nBins),
      },
      uniforms: {
        n_frames: count,
        frame_start: f0,
        in_start: inStart,
        in_len: inEnd - inStart,
        win: plan.win,
        shift: plan.shift,
        n_fft: plan.nFft,
        log2_fft: plan.log2Fft,
        n_bins: plan.nBins,
        seed: plan.seed,
        scale: plan.scale,
        dither: plan.dither,
        preemph: plan.preemph,
      },
      workgroups: workgroupsFor(count, wg * frames),
      overrides: { WG: wg, FRAMES: frames, Z_SLOTS: wg * plan.nFft },
    });
  }
}
