/**
 * Test-side packing between logical tensors and the texel layouts of the
 * resnet_* kernels (see src/kernels/resnet_layout.ts).
 * @module
 */
import type { Gpu } from "../../src/gpu/mod.ts";
import {
  type ActShape,
  actTextureSize,
  createTexelTexture,
  pitchOf,
  texelsOf,
  writeTexels,
} from "../../src/kernels/resnet_layout.ts";

/** Activation x [B,C,H,W] as texture data [B][H·C][pitch·4], zero past W. */
export function packAct(x: ArrayLike<number>, s: ActShape): Float32Array {
  const pitch = pitchOf(texelsOf(s.width));
  const out = new Float32Array(s.batch * s.height * s.channels * pitch * 4);
  for (let n = 0; n < s.batch; n++) {
    for (let c = 0; c < s.channels; c++) {
      for (let h = 0; h < s.height; h++) {
        const row = (n * s.height + h) * s.channels + c;
        for (let t = 0; t < s.width; t++) {
          out[row * pitch * 4 + t] = x[((n * s.channels + c) * s.height + h) * s.width + t];
        }
      }
    }
  }
  return out;
}

/** Logical [B,C,H,W] of a staging buffer in activation layout. */
export function unpackAct(buf: ArrayLike<number>, s: ActShape): Float64Array {
  const pitch = pitchOf(texelsOf(s.width));
  const out = new Float64Array(s.batch * s.channels * s.height * s.width);
  for (let n = 0; n < s.batch; n++) {
    for (let c = 0; c < s.channels; c++) {
      for (let h = 0; h < s.height; h++) {
        const row = (n * s.height + h) * s.channels + c;
        for (let t = 0; t < s.width; t++) {
          out[((n * s.channels + c) * s.height + h) * s.width + t] = buf[row * pitch * 4 + t];
        }
      }
    }
  }
  return out;
}

/** Values of a staging buffer past the width inside each row's data texels (must be 0). */
export function tailValues(buf: ArrayLike<number>, s: ActShape): number[] {
  const pitch = pitchOf(texelsOf(s.width));
  const out: number[] = [];
  for (let row = 0; row < s.batch * s.height * s.channels; row++) {
    for (let t = s.width; t < texelsOf(s.width) * 4; t++) out.push(buf[row * pitch * 4 + t]);
  }
  return out;
}

/** A texture holding activation x. */
export function actTexture(gpu: Gpu, x: ArrayLike<number>, s: ActShape): GPUTexture {
  const tex = createTexelTexture(gpu, actTextureSize(s), "test_act");
  writeTexels(gpu, tex, packAct(x, s));
  return tex;
}

/**
 * Planes [planes][rows][chans][cols] (cols packed four per texel) as texture
 * data [planes][rows·chans][pitch·4] where pitch = pitchOf(ceil(cols/4)).
 */
export function packPlanes(
  a: ArrayLike<number>,
  dims: { planes: number; rows: number; chans: number; cols: number; chansPad?: number },
): Float32Array {
  const { planes, rows, chans, cols } = dims;
  const cp = dims.chansPad ?? chans;
  const pitch = pitchOf(Math.ceil(cols / 4));
  const out = new Float32Array(planes * rows * cp * pitch * 4);
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < chans; c++) {
        const src = ((p * rows + r) * chans + c) * cols;
        const dst = ((p * rows + r) * cp + c) * pitch * 4;
        for (let t = 0; t < cols; t++) out[dst + t] = a[src + t];
      }
    }
  }
  return out;
}

/** Inverse of packPlanes for `chans` of `chansPad` stored channels. */
export function unpackPlanes(
  buf: ArrayLike<number>,
  dims: { planes: number; rows: number; chans: number; cols: number; chansPad?: number },
): Float64Array {
  const { planes, rows, chans, cols } = dims;
  const cp = dims.chansPad ?? chans;
  const pitch = pitchOf(Math.ceil(cols / 4));
  const out = new Float64Array(planes * rows * chans * cols);
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < chans; c++) {
        const src = ((p * rows + r) * cp + c) * pitch * 4;
        const dst = ((p * rows + r) * chans + c) * cols;
        for (let t = 0; t < cols; t++) out[dst + t] = buf[src + t];
      }
    }
  }
  return out;
}

/** A texture of planes packed by packPlanes. */
export function planesTexture(
  gpu: Gpu,
  a: ArrayLike<number>,
  dims: { planes: number; rows: number; chans: number; cols: number; chansPad?: number },
): GPUTexture {
  const cp = dims.chansPad ?? dims.chans;
  const tex = createTexelTexture(
    gpu,
    [pitchOf(Math.ceil(dims.cols / 4)), dims.rows * cp, dims.planes],
    "test_planes",
  );
  writeTexels(gpu, tex, packPlanes(a, dims));
  return tex;
}

/** Weights [planes][cin][cout] as texture data [planes][cin][coutPad] (x = co/4). */
export function weightTexture(
  gpu: Gpu,
  w: ArrayLike<number>,
  dims: { planes: number; cin: number; cout: number; coutPad: number },
): GPUTexture {
  const { planes, cin, cout, coutPad } = dims;
  const data = new Float32Array(planes * cin * coutPad);
  for (let p = 0; p < planes; p++) {
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) {
        data[(p * cin + ci) * coutPad + co] = w[(p * cin + ci) * cout + co];
      }
    }
  }
  const tex = createTexelTexture(gpu, [coutPad / 4, cin, planes], "test_weights");
  writeTexels(gpu, tex, data);
  return tex;
}
