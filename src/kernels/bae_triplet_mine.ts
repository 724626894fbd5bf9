/**
 * Binding of kernels/bae_triplet_mine.wgsl: the miner's kept and nonzero
 * triplet counts as n x n matrices (rows = anchors), after
 * bae_triplet_pairs.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_triplet_mine.wgsl" with { type: "text" };
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
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";
import { type MinerOptions, TRIPLET_TYPES } from "./bae_triplet_pairs.ts";

/** Kernel spec of bae_triplet_mine. */
export const BAE_TRIPLET_MINE = defineKernel({
  name: "bae_triplet_mine",
  source,
  bindings: {
    d: textureBinding(),
    labels: readBinding("u32"),
    posStart: readBinding("u32"),
    posCount: readBinding("u32"),
    positive: readBinding("u32"),
    pairs: readBinding("vec4f"),
    kept: readWriteBinding("vec4f"),
    nonzero: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n: d.u32, ld: d.u32, margin: d.f32, lossMargin: d.f32 }),
  overrides: { WG: 64, TYPE: 0 },
});

/** Label bookkeeping of one batch on the GPU (see batchLabelInfo). */
export interface BatchLabels {
  /** Label of each row. */
  labels: BindingResource;
  /** First pair of each anchor in posIdx/posAnchor. */
  posStart: BindingResource;
  /** Number of positives of each anchor. */
  posCount: BindingResource;
  /** The positive of each anchor-positive pair. */
  posIdx: BindingResource;
  /** The anchor of each pair. */
  posAnchor: BindingResource;
  /** Number of pairs. */
  pairs: number;
}

/** Records the kept / nonzero matrices from the distances and the pairs of bae_triplet_pairs. */
export function baeTripletMine(
  run: GpuRun,
  io: {
    dist: GPUTexture;
    labels: BatchLabels;
    pairs: BindingResource;
    kept: GpuMatrix;
    nonzero: GpuMatrix;
  },
  options: MinerOptions,
): void {
  const n = io.kept.rows;
  if (
    io.kept.cols !== n || io.nonzero.rows !== n || io.nonzero.cols !== n ||
    io.nonzero.ld !== io.kept.ld
  ) {
    throw new RangeError("baeTripletMine: kept and nonzero must be n x n with the same stride");
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_TRIPLET_MINE, {
    bindings: {
      d: io.dist,
      labels: io.labels.labels,
      posStart: io.labels.posStart,
      posCount: io.labels.posCount,
      positive: io.labels.posIdx,
      pairs: io.pairs,
      kept: matrixBinding(io.kept),
      nonzero: matrixBinding(io.nonzero),
    },
    uniforms: { n, ld: io.kept.ld, margin: options.margin, lossMargin: options.lossMargin ?? 0.05 },
    workgroups: workgroupsFor(n * Math.ceil(n / 4), wg),
    overrides: { WG: wg, TYPE: TRIPLET_TYPES[options.type] },
  });
}
