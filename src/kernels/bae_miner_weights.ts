/**
 * Binding of kernels/bae_miner_weights.wgsl: per-sample weights from the
 * mined triplets (ArcFace's miner weighting).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_miner_weights.wgsl" with { type: "text" };
import {
  type BindingResource,
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";

/** Kernel spec of bae_miner_weights. */
export const BAE_MINER_WEIGHTS = defineKernel({
  name: "bae_miner_weights",
  source,
  bindings: {
    kept: readBinding("f32"),
    labels: readBinding("u32"),
    weights: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n: d.u32, ld: d.u32 }),
  overrides: { WG: 256 },
});

/** Records weights[i] = appearances of i in kept triplets / the largest count (1s if none). */
export function baeMinerWeights(
  run: GpuRun,
  io: { kept: GpuMatrix; labels: BindingResource; weights: BindingResource },
  options: { wg?: number } = {},
): void {
  const wg = options.wg ?? 256;
  run.dispatch(BAE_MINER_WEIGHTS, {
    bindings: { kept: matrixBinding(io.kept), labels: io.labels, weights: io.weights },
    uniforms: { n: io.kept.rows, ld: io.kept.ld },
    workgroups: 1,
    overrides: { WG: wg },
  });
}
