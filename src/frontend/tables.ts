/**
 * The constant tables of constant_tables.ts uploaded once per device and
 * kept (they are small: ~90 KB for the default fbank, ~90 KB for the
 * 44.1 kHz resampling taps), so batches pay nothing for them.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import {
  melBankTable,
  resampleFilterSpans,
  resampleFilterTable,
  resampleTapQuads,
  twiddleTable,
  windowTable,
} from "./constant_tables.ts";
import type { FbankPlan } from "./fbank_plan.ts";
import type { ResamplePlan } from "./resample_plan.ts";
import { createTexelTexture, writeTexels } from "../kernels/resnet_layout.ts";

const cache = new WeakMap<Gpu, Map<string, unknown>>();

/** What `build` uploads for `key` on `gpu`, built on first use and kept. */
function uploaded<T>(gpu: Gpu, key: string, build: () => T): T {
  let tables = cache.get(gpu);
  if (!tables) cache.set(gpu, tables = new Map());
  if (!tables.has(key)) tables.set(key, build());
  return tables.get(key) as T;
}

/** The fbank kernel's constant inputs for `plan`. */
export interface FbankTables {
  /** Analysis window [win]. */
  window: GpuTensor;
  /** Twiddles [nFft/2] as (re, im) pairs. */
  twiddle: GpuTensor;
  /** Mel bank [nBins, nFft/2 + 1]. */
  bank: GpuTensor;
  /** Nonzero ranges of the bank's rows [nBins, 2] (u32). */
  range: GpuTensor;
}

/** The window, twiddles and mel bank of `plan` on `gpu` (uploaded on first use). */
export function fbankTablesOn(gpu: Gpu, plan: FbankPlan): FbankTables {
  const [window] = uploaded(
    gpu,
    `window:${plan.win}:${plan.windowType}:${plan.blackmanCoeff}`,
    () => [
      gpu.upload(
        windowTable(plan.win, plan.windowType, plan.blackmanCoeff),
        undefined,
        "f32",
        "frontend_window",
      ),
    ],
  );
  const [twiddle] = uploaded(
    gpu,
    `twiddle:${plan.nFft}`,
    () => [gpu.upload(twiddleTable(plan.nFft), [plan.nFft / 2, 2], "f32", "frontend_twiddle")],
  );
  const spec = {
    nBins: plan.nBins,
    nFft: plan.nFft,
    sampleRate: plan.sampleRate,
    lowFreq: plan.lowFreq,
    highFreq: plan.highFreq,
  };
  const [bank, range] = uploaded(gpu, `mel:${JSON.stringify(spec)}`, () => {
    const { bank, range } = melBankTable(spec);
    return [
      gpu.upload(bank, [plan.nBins, plan.nFft / 2 + 1], "f32", "frontend_mel_bank"),
      gpu.upload(range, [plan.nBins, 2], "u32", "frontend_mel_bank"),
    ];
  });
  return { window, twiddle, bank, range };
}

/** Texels per row of the resampling taps texture (the WGSL kernel's TAP_PITCH). */
export const RESAMPLE_TAP_PITCH = 4096;

/** The resampling kernel's constant inputs for one plan. */
export interface ResampleQuads {
  /** resampleTapQuads as a texture (resampleQuadTexture). */
  quads: GPUTexture;
  /** Each phase's nonzero span [rateOut, 2] (u32). */
  spans: GpuTensor;
  /** Quads per phase and alignment. */
  row: number;
}

/**
 * The resampling kernel's taps of `plan` on `gpu` (uploaded on first use):
 * resampleTapQuads as an rgba32float texture, layer r holding quad p·row + i
 * at (a % RESAMPLE_TAP_PITCH, a / RESAMPLE_TAP_PITCH), quads per phase
 * `row`, and each phase's nonzero span [rateOut, 2] (u32).
 */
export function resampleQuadsOn(gpu: Gpu, plan: ResamplePlan): ResampleQuads {
  return uploaded(
    gpu,
    `resample:${plan.rateIn}:${plan.rateOut}:${plan.lpw}:${plan.rolloff}`,
    () => {
      const table = resampleFilterTable(plan);
      const spans = resampleFilterSpans(table, plan);
      const { row, data } = resampleTapQuads(table, spans, plan);
      return {
        quads: resampleQuadTexture(gpu, data, plan.rateOut * row),
        spans: gpu.upload(spans, [plan.rateOut, 2], "u32", "frontend_resample"),
        row,
      };
    },
  );
}

/** Uploads `data` [4 layers][texels quads][4] as a texture of RESAMPLE_TAP_PITCH-texel rows. */
function resampleQuadTexture(gpu: Gpu, data: Float32Array, texels: number): GPUTexture {
  const width = Math.min(RESAMPLE_TAP_PITCH, texels);
  const height = Math.ceil(texels / width);
  const texture = createTexelTexture(gpu, [width, height, 4], "frontend_resample_quads");
  const padded = new Float32Array(4 * width * height * 4);
  for (let r = 0; r < 4; r++) {
    padded.set(data.subarray(r * texels * 4, (r + 1) * texels * 4), r * width * height * 4);
  }
  writeTexels(gpu, texture, padded);
  return texture;
}
