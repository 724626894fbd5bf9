/**
 * Binding of kernels/bae_arcface_rows.wgsl: ArcFace cross-entropy per sample
 * and its gradient w.r.t. the cosines.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_arcface_rows.wgsl" with { type: "text" };
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

/** Kernel spec of bae_arcface_rows. */
export const BAE_ARCFACE_ROWS = defineKernel({
  name: "bae_arcface_rows",
  source,
  bindings: {
    cosine: readBinding("f32"),
    labels: readBinding("u32"),
    weights: readBinding("f32"),
    rowLoss: readWriteBinding("f32"),
    g: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({
    rows: d.u32,
    classes: d.u32,
    ld: d.u32,
    cosM: d.f32,
    sinM: d.f32,
    mSinM: d.f32,
    scale: d.f32,
    gscale: d.f32,
  }),
  overrides: { WG: 64, GRAD: 1 },
});

/** pytorch-metric-learning's ArcFaceLoss defaults: margin 28.6 degrees, scale 64. */
export const ARCFACE_DEFAULTS = { marginDegrees: 28.6, scale: 64 } as const;

/**
 * Records rowLoss[i] = weight[i] · CE(ArcFace logits of row i) and, with
 * `g`, gscale · ∂(Σᵢ rowLoss[i])/∂cos (gscale = loss weight / batch size).
 */
export function baeArcfaceRows(
  run: GpuRun,
  io: {
    cosine: GpuMatrix;
    labels: BindingResource;
    weights: BindingResource;
    rowLoss: BindingResource;
    g?: GpuMatrix;
  },
  options: { marginRadians?: number; scale?: number; gscale?: number; wg?: number } = {},
): void {
  const { cosine, g } = io;
  if (g && (g.rows !== cosine.rows || g.cols !== cosine.cols || g.ld !== cosine.ld)) {
    throw new RangeError("baeArcfaceRows: g must be shaped like the cosines");
  }
  const wg = options.wg ?? 64;
  const m = options.marginRadians ?? (ARCFACE_DEFAULTS.marginDegrees * Math.PI) / 180;
  run.dispatch(BAE_ARCFACE_ROWS, {
    bindings: {
      cosine: matrixBinding(cosine),
      labels: io.labels,
      weights: io.weights,
      rowLoss: io.rowLoss,
      g: g ? matrixBinding(g) : unusedInput(run.gpu),
    },
    uniforms: {
      rows: cosine.rows,
      classes: cosine.cols,
      ld: cosine.ld,
      cosM: Math.cos(m),
      sinM: Math.sin(m),
      mSinM: m * Math.sin(m),
      scale: options.scale ?? ARCFACE_DEFAULTS.scale,
      gscale: options.gscale ?? 1,
    },
    workgroups: workgroupsFor(cosine.rows, wg),
    overrides: { WG: wg, GRAD: g ? 1 : 0 },
  });
}
