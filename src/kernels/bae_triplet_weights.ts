/**
 * Binding of kernels/bae_triplet_weights.wgsl: the triplet loss value and
 * the pair weights of its gradient.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_triplet_weights.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";

/** Kernel spec of bae_triplet_weights. */
export const BAE_TRIPLET_WEIGHTS = defineKernel({
  name: "bae_triplet_weights",
  source,
  bindings: {
    d: readBinding("f32"),
    nonzero: readBinding("f32"),
    labels: readBinding("u32"),
    stats: readBinding("f32"),
    w: readWriteBinding("f32"),
    rs: readWriteBinding("f32"),
    loss: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n: d.u32, ld: d.u32, slot: d.u32, scale: d.f32 }),
  overrides: { WG: 64 },
});

/**
 * Records loss[slot] = S/T from stats = (S, T) and the pair weights w and
 * row sums rs of scale · ∂loss/∂x̂.
 */
export function baeTripletWeights(
  run: GpuRun,
  io: {
    d: GpuMatrix;
    nonzero: GpuMatrix;
    labels: BindingResource;
    stats: BindingResource;
    w: GpuMatrix;
    rs: BindingResource;
    loss: BindingResource;
  },
  options: { slot: number; scale: number; wg?: number },
): void {
  const n = io.d.rows;
  for (const m of [io.nonzero, io.w]) {
    if (m.rows !== n || m.cols !== n || m.ld !== io.d.ld) {
      throw new RangeError("baeTripletWeights: nonzero and w must be shaped like d");
    }
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_TRIPLET_WEIGHTS, {
    bindings: {
      d: matrixBinding(io.d),
      nonzero: matrixBinding(io.nonzero),
      labels: io.labels,
      stats: io.stats,
      w: matrixBinding(io.w),
      rs: io.rs,
      loss: io.loss,
    },
    uniforms: { n, ld: io.d.ld, slot: options.slot, scale: options.scale },
    workgroups: workgroupsFor(n, wg),
    overrides: { WG: wg },
  });
}
