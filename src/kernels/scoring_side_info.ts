/**
 * Binding of kernels/scoring_side_info.wgsl: validates count rows and
 * packs activation bits, one thread per side.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_side_info.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_side_info. */
export const SCORING_SIDE_INFO = defineKernel({
  name: "scoring_side_info",
  source,
  bindings: {
    counts: readBinding("f32"),
    bits: readWriteBinding("u32"),
    info: readWriteBinding("u32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_sides: d.u32, n_attr: d.u32, n_cat: d.u32, n_words: d.u32 }),
  overrides: { WG: 64 },
});

/** Flag bits of `info[s, 0]`. */
export const SIDE_FLAGS = {
  /** Some count is negative. */
  NEGATIVE: 1,
  /** Some count is not an integer. */
  FRACTION: 2,
  /** Some count is NaN or infinite. */
  NONFINITE: 4,
  /** Every attribute row is one category with count 1 (a single recording). */
  ONE_HOT: 8,
} as const;

/** Arguments of scoringSideInfo. */
export interface ScoringSideInfoArgs {
  /** `[nSides, nAttr, nCat]` counts. */
  counts: GpuTensor;
  /** `[nSides, nWords]` u32 activation bits (ignored when `pack` is false). */
  bits: BindingResource;
  /** `[nSides, 4]` u32: flags, largest count, largest row total, 0. */
  info: BindingResource;
  nSides: number;
  nAttr: number;
  nCat: number;
  /** Write activation bits (default true). */
  pack?: boolean;
  /** Workgroup size variant (default 64). */
  wg?: number;
}

/** Words of 32 activation bits per side. */
export function activationWords(nAttr: number): number {
  return Math.ceil(nAttr / 32);
}

/** Records the validation and bit packing of `nSides` count matrices. */
export function scoringSideInfo(run: GpuRun, args: ScoringSideInfoArgs): void {
  const wg = args.wg ?? 64;
  if (args.nSides === 0) return;
  run.dispatch(SCORING_SIDE_INFO, {
    bindings: { counts: args.counts, bits: args.bits, info: args.info },
    uniforms: {
      n_sides: args.nSides,
      n_attr: args.nAttr,
      n_cat: args.nCat,
      n_words: args.pack === false ? 0 : activationWords(args.nAttr),
    },
    workgroups: workgroupsFor(args.nSides, wg),
    overrides: { WG: wg },
  });
}
