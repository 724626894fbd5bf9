/**
 * A tiny PCM16 WAV reader for the front-end tests (the full decoder lives in
 * src/io/audio/). Samples are int16 / 32768, as torchaudio.load normalises.
 * @module
 */

/** Decoded mono audio. */
export interface Pcm16Audio {
  /** Channel-averaged samples in [-1, 1). */
  samples: Float32Array;
  /** Sample rate, Hz. */
  sampleRate: number;
}

/** Reads a 16-bit PCM RIFF/WAVE file; other encodings are an error naming the file. */
export function readPcm16Wav(bytes: Uint8Array, name: string): Pcm16Audio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") {
    throw new TypeError(`${name}: not a RIFF/WAVE file`);
  }
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      const format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) {
        throw new TypeError(
          `${name}: only 16-bit PCM is supported (format ${format}, ${bits} bits)`,
        );
      }
    } else if (id === "data") {
      if (!channels) throw new TypeError(`${name}: data chunk before fmt chunk`);
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < channels; c++) s += view.getInt16(body + 2 * (i * channels + c), true);
        samples[i] = s / channels / 32768;
      }
      return { samples, sampleRate };
    }
    at = body + size + (size & 1);
  }
  throw new TypeError(`${name}: no data chunk`);
}
