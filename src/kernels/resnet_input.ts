/**
 * Binding of kernels/resnet_input.wgsl: features [batch, time, freq] to the
 * texel rows of the one-channel input image.
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/resnet_input.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  uniformBinding,
} from "../gpu/mod.ts";
import { maxBindingBytes, pitchOf, TEXEL_BYTES, texelsOf } from "./resnet_layout.ts";

/** Kernel spec of resnet_input. */
export const RESNET_INPUT = defineKernel({
  name: "resnet_input",
  source,
  bindings: { x: readBinding("f32"), y: readWriteBinding("vec4f"), u: uniformBinding() },
  uniforms: d.struct({
    time: d.u32,
    freq: d.u32,
    texels: d.u32,
    pitch: d.u32,
    batch: d.u32,
    xBase: d.u32,
  }),
  overrides: { WG: 64 },
});

/**
 * Records the relayout of features `x` [batch, time, freq] into staging rows
 * `y` ([batch·freq] rows of pitch texels), one dispatch per window of
 * utterances that fits a storage binding (or `windowBytes`, for tests).
 */
export function resnetInput(
  run: GpuRun,
  io: { x: GpuTensor; y: GpuTensor },
  dims: { batch: number; time: number; freq: number; windowBytes?: number },
): void {
  const { batch, time, freq } = dims;
  if (io.x.size < batch * time * freq) {
    throw new RangeError(
      `resnetInput: features hold ${io.x.size} values, need ${batch * time * freq}`,
    );
  }
  const texels = texelsOf(time);
  const pitch = pitchOf(texels);
  const inBytes = time * freq * 4;
  const outBytes = freq * pitch * TEXEL_BYTES;
  if (io.y.byteLength < batch * outBytes) {
    throw new RangeError(
      `resnetInput: y holds ${io.y.byteLength} bytes, needs ${batch * outBytes}`,
    );
  }
  const limit = Math.min(maxBindingBytes(run.gpu), dims.windowBytes ?? Infinity);
  const align = run.gpu.limits.minStorageBufferOffsetAlignment;
  // Windows keep x (plus up to one alignment step) and y within a binding, y rows within 65535.
  const per = Math.min(
    Math.floor((limit - align) / inBytes),
    Math.floor(limit / outBytes),
    Math.floor(65535 / freq),
  );
  if (per < 1) {
    throw new RangeError(
      `resnetInput: one utterance of ${time} frames needs ${Math.max(inBytes, outBytes)} bytes, ` +
        `over the ${limit}-byte storage binding limit`,
    );
  }
  for (let n0 = 0; n0 < batch; n0 += per) {
    const n = Math.min(per, batch - n0);
    const start = n0 * inBytes;
    const offset = Math.floor(start / align) * align;
    const size = Math.ceil((start - offset + n * inBytes) / 4) * 4;
    run.dispatch(RESNET_INPUT, {
      bindings: {
        x: { buffer: io.x.buffer, offset, size },
        y: { buffer: io.y.buffer, offset: n0 * outBytes, size: n * outBytes },
      },
      uniforms: { time, freq, texels, pitch, batch: n, xBase: (start - offset) / 4 },
      workgroups: [Math.ceil(texels / 64), n * freq, 1],
    });
  }
}
