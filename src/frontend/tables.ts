/**
 * The constant tables of constant_tables.ts uploaded once per device and
 * kept (they are small: ~90 KB for the default fbank, ~300 KB for the
 * 44.1 kHz filter bank), so batches pay nothing for them.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import {
  melBankTable,
  resampleFilterSpans,
  resampleFilterTable,
  twiddleTable,
  windowTable,
} from "./constant_tables.ts";
import type { FbankPlan } from "./fbank_plan.ts";
import type { ResamplePlan } from "./resample_plan.ts";

const cache = new WeakMap<Gpu, Map<string, GpuTensor[]>>();

function uploaded(gpu: Gpu, key: string, build: () => GpuTensor[]): GpuTensor[] {
  let tables = cache.get(gpu);
  if (!tables) cache.set(gpu, tables = new Map());
  let t = tables.get(key);
  if (!t) tables.set(key, t = build());
  return t;
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

/**
 * The polyphase filter bank [rateOut, taps] of `plan` and each phase's
 * nonzero span [rateOut, 2] (u32) on `gpu` (uploaded on first use).
 */
export function resampleFilterOn(
  gpu: Gpu,
  plan: ResamplePlan,
): { bank: GpuTensor; spans: GpuTensor } {
  const [bank, spans] = uploaded(
    gpu,
    `resample:${plan.rateIn}:${plan.rateOut}:${plan.lpw}:${plan.rolloff}`,
    () => {
      const table = resampleFilterTable(plan);
      return [
        gpu.upload(table, [plan.rateOut, plan.taps], "f32", "frontend_resample"),
        gpu.upload(resampleFilterSpans(table, plan), [plan.rateOut, 2], "u32", "frontend_resample"),
      ];
    },
  );
  return { bank, spans };
}
