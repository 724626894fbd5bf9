/**
 * Binding of kernels/bae_loss_accumulate.wgsl: one batch's weighted total
 * loss, added with its parts to running sums on the GPU.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_loss_accumulate.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";

/** Kernel spec of bae_loss_accumulate. */
export const BAE_LOSS_ACCUMULATE = defineKernel({
  name: "bae_loss_accumulate",
  source,
  bindings: { batch: readWriteBinding("f32"), sums: readWriteBinding("f32"), u: uniformBinding() },
  uniforms: d.struct({ count: d.u32, w0: d.f32, w1: d.f32, w2: d.f32, w3: d.f32 }),
  overrides: { WG: 1 },
});

/** Records batch[k] → sums[k+1], Σ weight_k·batch[k] → batch[count] and sums[0]. */
export function baeLossAccumulate(
  run: GpuRun,
  io: { batch: BindingResource; sums: BindingResource },
  weights: readonly number[],
): void {
  if (weights.length > 4) throw new RangeError("baeLossAccumulate: at most 4 losses");
  const w = [...weights, 0, 0, 0, 0];
  run.dispatch(BAE_LOSS_ACCUMULATE, {
    bindings: io,
    uniforms: { count: weights.length, w0: w[0], w1: w[1], w2: w[2], w3: w[3] },
    workgroups: 1,
  });
}
