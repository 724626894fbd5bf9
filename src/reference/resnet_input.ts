/**
 * CPU reference of resnet_input: features [B, T, F] become the one-channel
 * image [B, 1, F, T] (frequency is the height, time the width).
 * @module
 */

/** The image [B, 1, freq, time] of features [B, time, freq]. */
export function inputImageRef(
  features: ArrayLike<number>,
  dims: { batch: number; time: number; freq: number },
): Float64Array {
  const { batch, time, freq } = dims;
  const out = new Float64Array(batch * time * freq);
  for (let n = 0; n < batch; n++) {
    for (let t = 0; t < time; t++) {
      for (let f = 0; f < freq; f++) {
        out[(n * freq + f) * time + t] = features[(n * time + t) * freq + f];
      }
    }
  }
  return out;
}
