/**
 * Binding of kernels/bae_l2_normalize_backward.wgsl: the gradient through
 * F.normalize of rows or columns, for an incoming gradient c·x̂ + s·p.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_l2_normalize_backward.wgsl" with { type: "text" };
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
import type { NormalizeAxis } from "./bae_l2_normalize.ts";

/** Kernel spec of bae_l2_normalize_backward. */
export const BAE_L2_NORMALIZE_BACKWARD = defineKernel({
  name: "bae_l2_normalize_backward",
  source,
  bindings: {
    xhat: readBinding("vec4f"),
    norms: readBinding("f32"),
    p: readBinding("vec4f"),
    coef: readBinding("f32"),
    out: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ rows: d.u32, cols: d.u32, ld: d.u32, s: d.f32, scale: d.f32 }),
  overrides: { WG: 64, AXIS: 0, COEF: 0, ACCUMULATE: 0 },
});

/** Options of baeL2NormalizeBackward. */
export interface NormalizeBackwardOptions {
  /** Rows or columns (default rows). */
  axis?: NormalizeAxis;
  /** Factor of p in the incoming gradient (default 1). */
  s?: number;
  /** Factor of the result (default 1). */
  scale?: number;
  /** Add into `out` instead of overwriting it. */
  accumulate?: boolean;
  /** Workgroup size (default 64). */
  wg?: number;
}

/**
 * Records out (+)= scale · J_normalize(x)ᵀ (c ⊙ x̂ + s·p): `coef` (one value
 * per vector) is optional.
 */
export function baeL2NormalizeBackward(
  run: GpuRun,
  io: {
    xhat: GpuMatrix;
    norms: BindingResource;
    p: GpuMatrix;
    coef?: BindingResource;
    out: GpuMatrix;
  },
  options: NormalizeBackwardOptions = {},
): void {
  const { xhat, p, out } = io;
  for (const m of [p, out]) {
    if (m.ld !== xhat.ld || m.rows !== xhat.rows || m.cols !== xhat.cols) {
      throw new RangeError("baeL2NormalizeBackward: xhat, p and out must be equal matrices");
    }
  }
  const axis = options.axis ?? "rows";
  const wg = options.wg ?? 64;
  run.dispatch(BAE_L2_NORMALIZE_BACKWARD, {
    bindings: {
      xhat: matrixBinding(xhat),
      norms: io.norms,
      p: matrixBinding(p),
      coef: io.coef ?? unusedInput(run.gpu),
      out: matrixBinding(out),
    },
    uniforms: {
      rows: xhat.rows,
      cols: xhat.cols,
      ld: xhat.ld,
      s: options.s ?? 1,
      scale: options.scale ?? 1,
    },
    workgroups: workgroupsFor(axis === "rows" ? xhat.rows : Math.ceil(xhat.cols / 4), wg),
    overrides: {
      WG: wg,
      AXIS: axis === "rows" ? 0 : 1,
      COEF: io.coef ? 1 : 0,
      ACCUMULATE: options.accumulate ? 1 : 0,
    },
  });
}
