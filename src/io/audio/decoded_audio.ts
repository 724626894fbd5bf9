/**
 * What every audio decoder returns, and the mono mixdown they share.
 * @module
 */

/** Decoded audio: mono float32 in [-1, 1] at the file's own sample rate. */
export interface DecodedAudio {
  /** Mono samples: the mean of the decoded channels, float32. */
  samples: Float32Array;
  /** Samples per second as stored in the file (resampling is the frontend's job). */
  sampleRate: number;
  /** Channel count of the file before the mixdown. */
  channels: number;
  /** Container/codec and encoding, e.g. "wav/pcm16", "flac/24", "ogg/opus", "m4a (ffmpeg)". */
  format: string;
}

/**
 * Averages planar channels into one (as upstream's `waveform.mean(dim=0)`):
 * the sum is taken in float64 and rounded once to float32, which equals
 * torch's float32 result exactly for one or two channels.
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new RangeError("mixToMono: no channels");
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  for (const c of channels) {
    if (c.length !== n) {
      throw new RangeError(`mixToMono: channel lengths differ (${n} and ${c.length})`);
    }
  }
  const out = new Float32Array(n);
  const count = channels.length;
  if (channels.length === 2) {
    const [a, b] = channels;
    for (let i = 0; i < n; i++) out[i] = (a[i] + b[i]) * 0.5;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const c of channels) s += c[i];
    out[i] = s / count;
  }
  return out;
}
