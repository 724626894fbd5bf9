/**
 * Binding of kernels/bae_sum_reduce.wgsl: a scaled sum of a vector into one
 * slot of a small buffer, in a fixed order.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_sum_reduce.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";

/** Kernel spec of bae_sum_reduce. */
export const BAE_SUM_REDUCE = defineKernel({
  name: "bae_sum_reduce",
  source,
  bindings: { x: readBinding("f32"), out: readWriteBinding("f32"), u: uniformBinding() },
  uniforms: d.struct({ n: d.u32, offset: d.u32, stride: d.u32, slot: d.u32, scale: d.f32 }),
  overrides: { WG: 256, ACCUMULATE: 0 },
});

/** Options of baeSumReduce. */
export interface SumReduceOptions {
  /** Number of values summed. */
  n: number;
  /** Slot of `out` written. */
  slot: number;
  /** First value and distance between values (default 0 and 1). */
  offset?: number;
  stride?: number;
  /** Factor of the sum (default 1). */
  scale?: number;
  /** Add to the slot instead of overwriting it. */
  accumulate?: boolean;
  /** Workgroup size (default 256). */
  wg?: number;
}

/** Records out[slot] (+)= scale · Σᵢ x[offset + i·stride], i < n. */
export function baeSumReduce(
  run: GpuRun,
  io: { x: BindingResource; out: BindingResource },
  options: SumReduceOptions,
): void {
  const wg = options.wg ?? 256;
  run.dispatch(BAE_SUM_REDUCE, {
    bindings: { x: io.x, out: io.out },
    uniforms: {
      n: options.n,
      offset: options.offset ?? 0,
      stride: options.stride ?? 1,
      slot: options.slot,
      scale: options.scale ?? 1,
    },
    workgroups: 1,
    overrides: { WG: wg, ACCUMULATE: options.accumulate ? 1 : 0 },
  });
}
