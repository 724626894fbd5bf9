/**
 * The texel layout the resnet_* kernels share.
 *
 * Software adapters (llvmpipe) fetch texels several times faster than they
 * load storage buffers, so every tensor a ResNet kernel reads is an
 * rgba32float `texture_2d_array` whose texels hold four consecutive times:
 * an activation [batch, channels, height, width] is x = time/4,
 * y = h·channels + c, layer = batch. Kernels write plain storage buffers in
 * the same row order (`pitch` texels per row, a multiple of 16 so that rows
 * are 256-byte aligned) and a buffer-to-texture copy makes the next input.
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";

/** Bytes per rgba32float texel. */
export const TEXEL_BYTES = 16;

/** Texels per buffer row are a multiple of this (256-byte copy alignment). */
export const PITCH_TEXELS = 16;

/** Shape of a ResNet activation (the input image is channels = 1, height = 80). */
export interface ActShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/** Texels that hold `width` times. */
export function texelsOf(width: number): number {
  return Math.ceil(width / 4);
}

/** Buffer row length (texels) for rows of `texels` texels. */
export function pitchOf(texels: number): number {
  return Math.ceil(Math.max(1, texels) / PITCH_TEXELS) * PITCH_TEXELS;
}

/** Elements (f32) of the staging buffer of an activation. */
export function actElements(s: ActShape): number {
  return s.batch * s.height * s.channels * pitchOf(texelsOf(s.width)) * 4;
}

/** Texture size [x, y, layers] of an activation. */
export function actTextureSize(s: ActShape): [number, number, number] {
  return [pitchOf(texelsOf(s.width)), s.height * s.channels, s.batch];
}

/** Creates an rgba32float array texture that kernels read and copies fill. */
export function createTexelTexture(
  gpu: Gpu,
  size: [number, number, number],
  label: string,
): GPUTexture {
  const lim = gpu.device.limits;
  if (size[0] > lim.maxTextureDimension2D || size[1] > lim.maxTextureDimension2D) {
    throw new RangeError(
      `${label}: texture ${size[0]}x${size[1]} exceeds this adapter's ` +
        `maxTextureDimension2D ${lim.maxTextureDimension2D}`,
    );
  }
  if (size[2] > lim.maxTextureArrayLayers) {
    throw new RangeError(
      `${label}: ${size[2]} layers exceed maxTextureArrayLayers ${lim.maxTextureArrayLayers}`,
    );
  }
  return gpu.device.createTexture({
    label,
    size,
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
}

/** Uploads host data laid out as texture rows of `size[0]` texels. */
export function writeTexels(gpu: Gpu, texture: GPUTexture, data: Float32Array): void {
  const [w, h, layers] = [texture.width, texture.height, texture.depthOrArrayLayers];
  if (data.length !== w * h * layers * 4) {
    throw new RangeError(
      `${texture.label}: ${data.length} values for a ${w}x${h}x${layers} texel texture`,
    );
  }
  gpu.device.queue.writeTexture(
    { texture },
    data as Float32Array<ArrayBuffer>,
    { bytesPerRow: w * TEXEL_BYTES, rowsPerImage: h },
    [w, h, layers],
  );
}

/** Records the copy of a staging buffer (rows of `texture.width` texels) into its texture. */
export function copyIntoTexture(run: GpuRun, staging: GpuTensor, texture: GPUTexture): void {
  const bytes = texture.width * texture.height * texture.depthOrArrayLayers * TEXEL_BYTES;
  if (staging.byteLength < bytes) {
    throw new RangeError(
      `${texture.label}: staging holds ${staging.byteLength} bytes, texture needs ${bytes}`,
    );
  }
  run.copyToTexture(
    {
      buffer: staging.buffer,
      bytesPerRow: texture.width * TEXEL_BYTES,
      rowsPerImage: texture.height,
    },
    texture,
    [texture.width, texture.height, texture.depthOrArrayLayers],
  );
}

/**
 * Splits `rows` buffer rows of `rowTexels` texels into windows a storage
 * binding can cover: each window holds whole groups of `groupRows` rows and
 * at most `maxBytes` bytes. Returns [firstGroup, endGroup) pairs.
 */
export function rowGroupWindows(
  groups: number,
  groupRows: number,
  rowTexels: number,
  maxBytes: number,
): Array<[number, number]> {
  const groupBytes = groupRows * rowTexels * TEXEL_BYTES;
  const per = Math.floor(maxBytes / groupBytes);
  if (per < 1) {
    throw new RangeError(
      `one group of ${groupRows} rows x ${rowTexels} texels (${groupBytes} bytes) exceeds ` +
        `the ${maxBytes}-byte storage binding limit`,
    );
  }
  const out: Array<[number, number]> = [];
  for (let g = 0; g < groups; g += per) out.push([g, Math.min(groups, g + per)]);
  return out;
}

/** Largest bytes one storage binding may cover on this adapter (a multiple of 256). */
export function maxBindingBytes(gpu: Gpu): number {
  const lim = gpu.device.limits;
  return Math.floor(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / 256) * 256;
}
