/**
 * Row-major matrices in storage buffers, as the bae_* kernels see them, and
 * their staging into textures.
 *
 * A matrix is a window of a GPU tensor: `rows` rows of `cols` values, `ld`
 * values apart, starting `offset` values in. The BAE keeps `ld` a multiple
 * of 64 so that a buffer-to-texture copy (256-byte rows) can stage any
 * matrix into an rgba32float texture: on llvmpipe texel fetches are several
 * times cheaper than storage loads, so the matrix products read textures.
 * Offsets are multiples of 64 values so windows bind at 256-byte offsets.
 * @module
 */
import type { BindingResource, Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";

/** Row strides and offsets are multiples of this many f32 values. */
export const ROW_ALIGN = 64;

/** A row-major f32 matrix inside a GPU tensor. */
export interface GpuMatrix {
  /** The tensor that holds it. */
  tensor: GpuTensor;
  /** First value (a multiple of 64). */
  offset: number;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** Values from one row to the next (a multiple of 64, >= cols). */
  ld: number;
}

/** The row stride of a matrix with `cols` columns. */
export function alignedStride(cols: number): number {
  return Math.max(ROW_ALIGN, Math.ceil(cols / ROW_ALIGN) * ROW_ALIGN);
}

/** Values a tensor needs for `rows` x `cols` at the aligned stride. */
export function matrixElements(rows: number, cols: number): number {
  return rows * alignedStride(cols);
}

/** A matrix view of a tensor (default: offset 0, aligned stride). */
export function gpuMatrix(
  tensor: GpuTensor,
  rows: number,
  cols: number,
  options: { ld?: number; offset?: number } = {},
): GpuMatrix {
  const ld = options.ld ?? alignedStride(cols);
  const offset = options.offset ?? 0;
  if (ld % ROW_ALIGN !== 0 || ld < cols) {
    throw new RangeError(`matrix stride ${ld} must be a multiple of ${ROW_ALIGN} and >= ${cols}`);
  }
  if (offset % ROW_ALIGN !== 0) {
    throw new RangeError(`matrix offset ${offset} must be a multiple of ${ROW_ALIGN}`);
  }
  if (rows < 1 || cols < 1) throw new RangeError(`empty matrix ${rows}x${cols}`);
  // Whole padded rows, so a texture copy of every row stays inside the tensor.
  const need = offset + rows * ld;
  if (need > tensor.size) {
    throw new RangeError(
      `matrix ${rows}x${cols} (ld ${ld}, offset ${offset}) needs ${need} values; ` +
        `the tensor holds ${tensor.size}`,
    );
  }
  return { tensor, offset, rows, cols, ld };
}

/** The storage binding of a matrix window (whole vec4s, within the buffer). */
export function matrixBinding(m: GpuMatrix): BindingResource {
  return { buffer: m.tensor.buffer, offset: m.offset * 4, size: m.rows * m.ld * 4 };
}

/** The storage binding of `length` values starting at `offset` of a tensor. */
export function sliceBinding(t: GpuTensor, offset: number, length: number): BindingResource {
  const bytes = Math.max(16, Math.ceil(length / 4) * 16);
  return {
    buffer: t.buffer,
    offset: offset * 4,
    size: Math.min(t.buffer.size - offset * 4, bytes),
  };
}

const dummies = new WeakMap<Gpu, GpuTensor>();

/** A small tensor to bind where a kernel's optional input is unused. */
export function unusedInput(gpu: Gpu): GpuTensor {
  let t = dummies.get(gpu);
  if (!t) dummies.set(gpu, t = gpu.upload(new Float32Array(64), [64], "f32", "bae_unused"));
  return t;
}

const TEXEL_BYTES = 16;
const pools = new WeakMap<Gpu, Map<string, GPUTexture[]>>();

/**
 * Records the copy of a matrix into a pooled rgba32float texture (texel x =
 * columns 4x..4x+3, y = row, one layer); the texture returns to the pool when
 * the run is submitted, since later work is ordered after this run's reads.
 */
export function stageMatrix(run: GpuRun, m: GpuMatrix): GPUTexture {
  const gpu = run.gpu;
  const width = m.ld / 4;
  const lim = gpu.device.limits;
  if (width > lim.maxTextureDimension2D || m.rows > lim.maxTextureDimension2D) {
    throw new RangeError(
      `matrix ${m.rows}x${m.cols} does not fit a texture on this adapter ` +
        `(maxTextureDimension2D ${lim.maxTextureDimension2D}); split the work`,
    );
  }
  let byShape = pools.get(gpu);
  if (!byShape) pools.set(gpu, byShape = new Map());
  const key = `${width}x${m.rows}`;
  let free = byShape.get(key);
  if (!free) byShape.set(key, free = []);
  const texture = free.pop() ?? gpu.device.createTexture({
    label: `bae_matrix ${key}`,
    size: [width, m.rows, 1],
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  run.copyToTexture(
    {
      buffer: m.tensor.buffer,
      offset: m.offset * 4,
      bytesPerRow: width * TEXEL_BYTES,
      rowsPerImage: m.rows,
    },
    texture,
    [width, m.rows, 1],
  );
  const list = free;
  run.onSubmit(() => list.push(texture));
  return texture;
}
