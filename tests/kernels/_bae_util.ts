/**
 * Helpers shared by the bae_* kernel tests: strided random matrices with
 * NaN in their pad lanes, uploads as GpuMatrix, readback and float64
 * finite differences.
 * @module
 */
import type { Gpu, GpuTensor } from "../../src/gpu/mod.ts";
import { alignedStride, type GpuMatrix, gpuMatrix } from "../../src/kernels/_bae_matrix.ts";
import type { Rng } from "../_helpers/random.ts";

/** A host matrix in the strided layout kernels use. */
export interface HostMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
  ld: number;
}

/** rows x cols uniform values in [lo, hi) at the aligned stride; pad lanes hold NaN. */
export function randomMatrix(
  rng: Rng,
  rows: number,
  cols: number,
  range: [number, number] = [-1, 1],
): HostMatrix {
  const ld = alignedStride(cols);
  const data = new Float32Array(rows * ld).fill(NaN);
  for (let r = 0; r < rows; r++) data.set(rng.floats(cols, range[0], range[1]), r * ld);
  return { data, rows, cols, ld };
}

/** A host matrix from a generator of values (pad lanes NaN). */
export function makeMatrix(
  rows: number,
  cols: number,
  value: (i: number, j: number) => number,
): HostMatrix {
  const ld = alignedStride(cols);
  const data = new Float32Array(rows * ld).fill(NaN);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * ld + j] = value(i, j);
  return { data, rows, cols, ld };
}

/** Uploads a host matrix. */
export function uploadMatrix(gpu: Gpu, m: HostMatrix): GpuMatrix {
  return gpuMatrix(gpu.upload(m.data), m.rows, m.cols, { ld: m.ld });
}

/** A NaN-poisoned GPU matrix. */
export function poisonedMatrix(gpu: Gpu, rows: number, cols: number): GpuMatrix {
  const ld = alignedStride(cols);
  return gpuMatrix(gpu.empty([rows * ld], "f32", { poison: true }), rows, cols, { ld });
}

/** The logical rows x cols values of a strided array, densely packed. */
export function dense(v: ArrayLike<number>, rows: number, cols: number, ld: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = v[i * ld + j];
  return out;
}

/** Releases tensors and the tensors of matrices. */
export function releaseAll(...items: Array<GpuTensor | GpuMatrix>): void {
  for (const t of items) ("tensor" in t ? t.tensor : t).release();
}

/** Central finite differences of a float64 scalar function at x (a copy is perturbed). */
export function finiteDifferences(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  indices: number[],
  h = 1e-6,
): Float64Array {
  const y = Float64Array.from(x);
  const out = new Float64Array(indices.length);
  indices.forEach((k, n) => {
    const keep = y[k];
    y[k] = keep + h;
    const up = f(y);
    y[k] = keep - h;
    const down = f(y);
    y[k] = keep;
    out[n] = (up - down) / (2 * h);
  });
  return out;
}

/** `count` distinct random indices of the logical entries of a strided matrix. */
export function sampleIndices(
  rng: Rng,
  rows: number,
  cols: number,
  ld: number,
  count: number,
): number[] {
  const out = new Set<number>();
  const want = Math.min(count, rows * cols);
  while (out.size < want) out.add(rng.int(0, rows) * ld + rng.int(0, cols));
  return [...out];
}

/** Random symmetric distances in [0, 1.4] with a zero diagonal. */
export function randomDistances(rng: Rng, n: number): Float32Array {
  const ld = alignedStride(n);
  const d = new Float32Array(n * ld).fill(NaN);
  for (let i = 0; i < n; i++) {
    d[i * ld + i] = 0;
    for (let j = 0; j < i; j++) d[i * ld + j] = d[j * ld + i] = rng.uniform(0, 1.4);
  }
  return d;
}

/** n labels of `classes` classes in random order. */
export function randomLabels(rng: Rng, n: number, classes: number): number[] {
  return Array.from({ length: n }, (_, i) => (i < classes ? i : rng.int(0, classes)))
    .sort(() => rng.next() - 0.5);
}
