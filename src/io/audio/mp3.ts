/**
 * MPEG-1/2/2.5 audio layer I/II/III decoding through `@audio/decode-mp3`
 * (mpg123 compiled to WebAssembly, MIT). mpg123 runs in gapless mode: the
 * encoder delay and padding recorded in a LAME/Xing header are trimmed,
 * so the output has the encoded length (torchaudio's libmad-based sox
 * backend keeps that delay; ours does not).
 * @module
 */
import decodeMp3 from "@audio/decode-mp3";
import type { DecodedAudio } from "./decoded_audio.ts";
import { mixToMono } from "./decoded_audio.ts";
import { id3v2Length } from "./id3.ts";

/** Offset of the first plausible MPEG audio frame header at or after `from`, or −1. */
function frameHeaderAt(bytes: Uint8Array, from: number): number {
  const limit = Math.min(bytes.length - 4, from + 65536);
  for (let i = from; i <= limit; i++) {
    if (bytes[i] !== 0xff || (bytes[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (bytes[i + 1] >> 3) & 3;
    const layer = (bytes[i + 1] >> 1) & 3;
    const bitrate = bytes[i + 2] >> 4;
    const rate = (bytes[i + 2] >> 2) & 3;
    if (version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3) return i;
  }
  return -1;
}

/** True when the bytes start like MPEG audio: an ID3v2 tag or a layer I–III frame header. */
export function isMpegAudio(bytes: Uint8Array): boolean {
  const skip = id3v2Length(bytes);
  if (skip > 0) return frameHeaderAt(bytes, skip) >= 0;
  return frameHeaderAt(bytes, 0) === 0;
}

/** Decodes an MP3 (or MP2/MP1) file held in `bytes` to mono float32. */
export async function decodeMp3File(
  bytes: Uint8Array,
  options: { path: string },
): Promise<DecodedAudio> {
  const path = options.path;
  if (bytes.length === 0) throw new Error(`${path}: empty file`);
  const first = frameHeaderAt(bytes, id3v2Length(bytes));
  if (first < 0) throw new Error(`${path}: no MPEG audio frame found`);
  const channels = ((bytes[first + 3] >> 6) & 3) === 3 ? 1 : 2;
  const out = await decodeMp3(bytes) as {
    channelData: Float32Array[];
    sampleRate: number;
    errors?: Array<{ message: string }>;
  };
  if (out.errors && out.errors.length > 0) {
    throw new Error(`${path}: MP3 decoding failed: ${out.errors[0].message}`);
  }
  if (out.channelData.length === 0 || out.channelData[0].length === 0 || !out.sampleRate) {
    throw new Error(`${path}: MP3 file decodes to no audio (truncated or damaged)`);
  }
  // mpg123 always returns two channels; a mono file's are identical.
  const samples = channels === 1 ? out.channelData[0] : mixToMono(out.channelData.slice(0, 2));
  return { samples, sampleRate: out.sampleRate, channels, format: "mp3" };
}
