/**
 * Binding of kernels/bae_pair_distance.wgsl: pairwise Euclidean distances of
 * a batch from its Gram matrix.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_pair_distance.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import { type GpuMatrix, matrixBinding } from "./_bae_matrix.ts";

/** Kernel spec of bae_pair_distance. */
export const BAE_PAIR_DISTANCE = defineKernel({
  name: "bae_pair_distance",
  source,
  bindings: { gram: readBinding("f32"), d: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({ n: d.u32, ld: d.u32 }),
  overrides: { WG: 256 },
});

/** Records d[i,j] = sqrt(max(G[i,i] + G[j,j] − 2G[i,j], 0)) for the n x n Gram matrix G. */
export function baePairDistance(
  run: GpuRun,
  gram: GpuMatrix,
  dist: GpuMatrix,
  options: { wg?: number } = {},
): void {
  const n = gram.rows;
  if (gram.cols !== n || dist.rows !== n || dist.cols !== n || dist.ld !== gram.ld) {
    throw new RangeError("baePairDistance: gram and d must be n x n with the same stride");
  }
  const wg = options.wg ?? 256;
  run.dispatch(BAE_PAIR_DISTANCE, {
    bindings: { gram: matrixBinding(gram), d: matrixBinding(dist) },
    uniforms: { n, ld: gram.ld },
    workgroups: workgroupsFor(n * Math.ceil(n / 4), wg),
    overrides: { WG: wg },
  });
}
