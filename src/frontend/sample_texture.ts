/**
 * Waveform samples staged into an rgba32float texture for kernels that read
 * them many times: llvmpipe fetches a texel (four samples) several times
 * faster than it loads one float from a storage buffer. Texel q holds
 * samples 4q..4q+3 at (q % SAMPLE_PITCH, q / SAMPLE_PITCH). Textures (at
 * most 64 MiB each, power-of-two heights) come from a per-device
 * TexturePool and return to it when the run that uses them is submitted.
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import { TexturePool } from "../embeddings/texture_pool.ts";
import { TEXEL_BYTES } from "../kernels/resnet_layout.ts";
import { ALIGN_ELEMENTS } from "./binding_slice.ts";

/** Texels per texture row (the WGSL kernels' X_PITCH); a multiple of 16 for 256-byte copy rows. */
export const SAMPLE_PITCH = 4096;

/** Free staging textures kept between runs: one of every height up to 64 MiB. */
const KEEP_BYTES = 128 << 20;
const pools = new WeakMap<Gpu, TexturePool>();

/** Most samples one staging takes: 2^24 (a 64 MiB texture), less where textures are smaller. */
export function maxStagedSamples(gpu: Gpu): number {
  return Math.min(1 << 24, 4 * SAMPLE_PITCH * gpu.device.limits.maxTextureDimension2D);
}

/**
 * Records copies of samples start..start+count of `x` (start a multiple of
 * 64) into a pooled texture and returns it; texel 0 holds sample `start`.
 * Chunked kernels pass the texture of their previous chunk as `into`: it is
 * refilled when large enough (commands run in order, so the earlier
 * dispatch has read it), which bounds a long input to one texture.
 */
export function stageSamples(
  run: GpuRun,
  x: GpuTensor,
  start: number,
  count: number,
  into?: GPUTexture,
): GPUTexture {
  const gpu = run.gpu;
  if (start % ALIGN_ELEMENTS !== 0) {
    throw new RangeError(`stageSamples: start ${start} is not 256-byte aligned`);
  }
  if (count < 1 || start + count > x.size) {
    throw new RangeError(`stageSamples: samples ${start}..${start + count} outside [0, ${x.size})`);
  }
  if (count > maxStagedSamples(gpu)) {
    throw new RangeError(
      `stageSamples: ${count} samples exceed one texture (${maxStagedSamples(gpu)})`,
    );
  }
  const texels = Math.ceil(count / 4);
  const offset = start * 4;
  // The last texel may read up to 12 bytes past the tensor; pool buffers are 256-byte multiples.
  if (offset + texels * TEXEL_BYTES > x.buffer.size) {
    throw new RangeError(
      `stageSamples: buffer of ${x.buffer.size} bytes is not padded to whole texels`,
    );
  }
  const rows = Math.ceil(texels / SAMPLE_PITCH);
  const height = 2 ** Math.ceil(Math.log2(rows));
  const texture = into && into.width === SAMPLE_PITCH && into.height >= rows
    ? into
    : poolOf(gpu).acquire(run, [SAMPLE_PITCH, height, 1], "frontend_samples");
  copyRows(run, x, offset, texels, texture);
  return texture;
}

function poolOf(gpu: Gpu): TexturePool {
  let pool = pools.get(gpu);
  if (!pool) pools.set(gpu, pool = new TexturePool(gpu, KEEP_BYTES));
  return pool;
}

/** Records the copy of `texels` texels from byte `offset` of x's buffer into rows of `texture`. */
function copyRows(
  run: GpuRun,
  x: GpuTensor,
  offset: number,
  texels: number,
  texture: GPUTexture,
): void {
  const full = Math.floor(texels / SAMPLE_PITCH);
  const rowBytes = SAMPLE_PITCH * TEXEL_BYTES;
  if (full > 0) {
    run.copyToTexture(
      { buffer: x.buffer, offset, bytesPerRow: rowBytes, rowsPerImage: full },
      texture,
      [SAMPLE_PITCH, full, 1],
    );
  }
  const rest = texels - full * SAMPLE_PITCH;
  if (rest > 0) {
    run.copyToTexture(
      {
        buffer: x.buffer,
        offset: offset + full * rowBytes,
        bytesPerRow: rowBytes,
        rowsPerImage: 1,
      },
      texture,
      [rest, 1, 1],
      [0, full, 0],
    );
  }
}
