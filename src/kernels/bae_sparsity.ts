/**
 * Binding of kernels/bae_sparsity.wgsl: the sparsity loss on speaker groups
 * of M samples and its gradient w.r.t. Z (differentiable, unlike upstream).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_sparsity.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding, unusedInput } from "./_bae_matrix.ts";

/** Kernel spec of bae_sparsity. */
export const BAE_SPARSITY = defineKernel({
  name: "bae_sparsity",
  source,
  bindings: {
    z: readBinding("vec4f"),
    members: readBinding("u32"),
    quota: readBinding("vec4f"),
    terms: readWriteBinding("f32"),
    gz: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ groups: d.u32, m: d.u32, cols: d.u32, ld: d.u32, scale: d.f32 }),
  overrides: { WG: 64, GRAD: 1 },
});

/**
 * Records terms[g·cols/4 + j/4] (the loss is their sum / groups) and, with
 * `gz`, adds scale · ∂loss/∂Z into gz.
 */
export function baeSparsity(
  run: GpuRun,
  io: {
    z: GpuMatrix;
    members: BindingResource;
    quota: BindingResource;
    terms: BindingResource;
    gz?: GpuMatrix;
  },
  options: { groups: number; m: number; scale?: number; wg?: number },
): void {
  const { z, gz } = io;
  if (z.cols % 4 !== 0) throw new RangeError("baeSparsity: cols must be a multiple of 4");
  if (gz && (gz.rows !== z.rows || gz.cols !== z.cols || gz.ld !== z.ld)) {
    throw new RangeError("baeSparsity: gz must be shaped like z");
  }
  const wg = options.wg ?? 64;
  run.dispatch(BAE_SPARSITY, {
    bindings: {
      z: matrixBinding(z),
      members: io.members,
      quota: io.quota,
      terms: io.terms,
      gz: gz ? matrixBinding(gz) : unusedInput(run.gpu),
    },
    uniforms: {
      groups: options.groups,
      m: options.m,
      cols: z.cols,
      ld: z.ld,
      scale: options.scale ?? 1,
    },
    workgroups: workgroupsFor((options.groups * z.cols) / 4, wg),
    overrides: { WG: wg, GRAD: gz ? 1 : 0 },
  });
}
