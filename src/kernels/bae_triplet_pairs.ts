/**
 * Binding of kernels/bae_triplet_pairs.wgsl: per anchor-positive pair, the
 * kept and nonzero triplets over all negatives and their loss sum
 * (pytorch-metric-learning TripletMarginMiner + TripletMarginLoss).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_triplet_pairs.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  textureBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of bae_triplet_pairs. */
export const BAE_TRIPLET_PAIRS = defineKernel({
  name: "bae_triplet_pairs",
  source,
  bindings: {
    d: textureBinding(),
    labels: readBinding("u32"),
    anchor: readBinding("u32"),
    positive: readBinding("u32"),
    out: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n: d.u32, pairs: d.u32, margin: d.f32, lossMargin: d.f32 }),
  overrides: { WG: 64, TYPE: 0 },
});

/** The miner's triplet selection, as in pytorch-metric-learning. */
export type TripletType = "all" | "hard" | "semihard" | "easy";

/** Kernel TYPE per triplet type. */
export const TRIPLET_TYPES: Record<TripletType, number> = { all: 0, hard: 1, semihard: 2, easy: 3 };

/** Options of the miner kernels. */
export interface MinerOptions {
  /** Miner margin (config margin). */
  margin: number;
  /** Which triplets the miner keeps. */
  type: TripletType;
  /** TripletMarginLoss's own margin (default 0.05). */
  lossMargin?: number;
  /** Workgroup size (default 64). */
  wg?: number;
}

/**
 * Records pairs[c] = (d[a,p], kept, nonzero, loss sum) for every pair c of
 * `pairs` anchor-positive pairs; `dist` is the n x n distance matrix staged as
 * a texture.
 */
export function baeTripletPairs(
  run: GpuRun,
  io: {
    dist: GPUTexture;
    labels: BindingResource;
    anchor: BindingResource;
    positive: BindingResource;
    out: BindingResource;
  },
  options: MinerOptions & { n: number; pairs: number },
): void {
  if (options.pairs === 0) return;
  const wg = options.wg ?? 64;
  run.dispatch(BAE_TRIPLET_PAIRS, {
    bindings: {
      d: io.dist,
      labels: io.labels,
      anchor: io.anchor,
      positive: io.positive,
      out: io.out,
    },
    uniforms: {
      n: options.n,
      pairs: options.pairs,
      margin: options.margin,
      lossMargin: options.lossMargin ?? 0.05,
    },
    workgroups: workgroupsFor(options.pairs, wg),
    overrides: { WG: wg, TYPE: TRIPLET_TYPES[options.type] },
  });
}
