/**
 * Binding of kernels/bae_adam_step.wgsl: one torch.optim.Adam step over a
 * flat parameter vector; the bias corrections are computed here in float64.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_adam_step.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of bae_adam_step. */
export const BAE_ADAM_STEP = defineKernel({
  name: "bae_adam_step",
  source,
  bindings: {
    params: readWriteBinding("vec4f"),
    grads: readBinding("vec4f"),
    m: readWriteBinding("vec4f"),
    v: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    n: d.u32,
    b1: d.f32,
    b2: d.f32,
    eps: d.f32,
    stepSize: d.f32,
    bc2Sqrt: d.f32,
  }),
  overrides: { WG: 256 },
});

/** Adam hyper-parameters (torch defaults but lr). */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** Records Adam step number `step` (1-based) on n values of params/grads/m/v. */
export function baeAdamStep(
  run: GpuRun,
  io: { params: BindingResource; grads: BindingResource; m: BindingResource; v: BindingResource },
  options: AdamOptions & { n: number; step: number; wg?: number },
): void {
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  if (!(options.step >= 1)) throw new RangeError(`Adam step must be >= 1, got ${options.step}`);
  // float64 on the CPU, as torch computes them in Python floats.
  const bc1 = 1 - b1 ** options.step;
  const bc2 = 1 - b2 ** options.step;
  const wg = options.wg ?? 256;
  run.dispatch(BAE_ADAM_STEP, {
    bindings: io,
    uniforms: {
      n: options.n,
      b1,
      b2,
      eps: options.eps ?? 1e-8,
      stepSize: options.lr / bc1,
      bc2Sqrt: Math.sqrt(bc2),
    },
    workgroups: workgroupsFor(Math.ceil(options.n / 4), wg),
    overrides: { WG: wg },
  });
}
