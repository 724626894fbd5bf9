/**
 * Binding of kernels/bae_activation_backward.wgsl: gradients through ReLU,
 * Tanh (given their outputs) and the straight-through binarisation.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_activation_backward.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";

/** Kernel spec of bae_activation_backward. */
export const BAE_ACTIVATION_BACKWARD = defineKernel({
  name: "bae_activation_backward",
  source,
  bindings: {
    y: readBinding("vec4f"),
    g: readBinding("vec4f"),
    gx: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32 }),
  overrides: { WG: 256, MODE: 0 },
});

/** Which pointwise map: relu and tanh read their output y; ste ignores it. */
export type ActivationKind = "relu" | "tanh" | "ste";

const MODE: Record<ActivationKind, number> = { relu: 0, tanh: 1, ste: 2 };

/** Records gx = g ⊙ f'(·) for the map `kind` (y = the map's output). */
export function baeActivationBackward(
  run: GpuRun,
  io: { y: GpuMatrix; g: GpuMatrix; gx: GpuMatrix },
  options: { kind: ActivationKind; wg?: number },
): void {
  const { y, g, gx } = io;
  for (const m of [g, gx]) {
    if (m.ld !== y.ld || m.rows !== y.rows || m.cols !== y.cols || y.cols % 4 !== 0) {
      throw new RangeError("baeActivationBackward: y, g and gx must be equal matrices");
    }
  }
  const wg = options.wg ?? 256;
  run.dispatch(BAE_ACTIVATION_BACKWARD, {
    bindings: { y: matrixBinding(y), g: matrixBinding(g), gx: matrixBinding(gx) },
    uniforms: { rows: y.rows, cols: y.cols, ld: y.ld },
    workgroups: workgroupsFor((y.rows * y.cols) / 4, wg),
    overrides: { WG: wg, MODE: MODE[options.kind] },
  });
}
