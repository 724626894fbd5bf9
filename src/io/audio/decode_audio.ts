/**
 * `decodeAudio(path)`: any supported audio file → mono float32 in [-1, 1]
 * at its own sample rate. The format is recognised from the file's bytes,
 * not its extension:
 *
 * | bytes                      | decoder                                   |
 * |----------------------------|-------------------------------------------|
 * | RIFF/RF64/BW64 … WAVE      | native (PCM, float, A/µ-law); other tags via ffmpeg |
 * | fLaC                       | native FLAC                               |
 * | OggS + OpusHead            | native Ogg demuxer + opus-decoder (wasm)  |
 * | OggS + Vorbis/FLAC/Speex   | ffmpeg                                    |
 * | ID3 / MPEG layer I–III     | mpg123 (wasm)                             |
 * | ftyp (m4a/mp4), ASF (wma), ADTS AAC, AIFF, AU, CAF, Matroska | ffmpeg |
 *
 * Errors (empty, truncated, damaged or unrecognised files, ffmpeg missing)
 * name the file.
 * @module
 */
import type { DecodedAudio } from "./decoded_audio.ts";
import { decodeWithFfmpeg } from "./ffmpeg.ts";
import { decodeFlac, isFlac } from "./flac.ts";
import { decodeMp3File, isMpegAudio } from "./mp3.ts";
import { isOgg, sniffOggCodec } from "./ogg.ts";
import { decodeOggOpus } from "./ogg_opus.ts";
import { decodeWav, isWav, parseWavHeader } from "./wav.ts";

/** Options of {@link decodeAudio}. */
export interface DecodeAudioOptions {
  /** Check FLAC files against their STREAMINFO MD5 (slower); default false. */
  verifyFlacMd5?: boolean;
}

const ASF_GUID = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

/** Containers only ffmpeg decodes for us, recognised by their first bytes. */
function ffmpegContainer(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === "ftyp") return "m4a";
  if (startsWith(bytes, ASF_GUID)) return "wma";
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) return "aac";
  if (ascii(bytes, 0, 4) === "FORM" && /^AIF[FC]$/.test(ascii(bytes, 8, 4))) return "aiff";
  if (ascii(bytes, 0, 4) === ".snd") return "au";
  if (ascii(bytes, 0, 4) === "caff") return "caf";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "matroska/webm";
  return undefined;
}

/** Reads and decodes one audio file. */
export async function decodeAudio(
  path: string,
  options: DecodeAudioOptions = {},
): Promise<DecodedAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`${path}: audio file not found`);
    throw new Error(`${path}: could not read audio file: ${(e as Error).message}`, { cause: e });
  }
  return await decodeAudioBytes(bytes, { path, ...options });
}

/** Decodes audio already in memory; `options.path` names it in errors (and ffmpeg reads it there). */
export async function decodeAudioBytes(
  bytes: Uint8Array,
  options: DecodeAudioOptions & { path: string },
): Promise<DecodedAudio> {
  const path = options.path;
  if (bytes.length === 0) throw new Error(`${path}: empty audio file`);
  if (isWav(bytes)) {
    const header = parseWavHeader(bytes, { path });
    if (header.encoding) return decodeWav(bytes, { path });
    return await decodeWithFfmpeg(path, `WAV (format tag 0x${header.formatTag.toString(16)})`);
  }
  if (isFlac(bytes)) return decodeFlac(bytes, { path, verifyMd5: options.verifyFlacMd5 });
  if (isOgg(bytes)) {
    const codec = sniffOggCodec(bytes);
    if (codec === "opus") return await decodeOggOpus(bytes, { path });
    if (codec === "unknown") throw new Error(`${path}: Ogg file with an unrecognised codec`);
    return await decodeWithFfmpeg(path, `ogg/${codec}`);
  }
  const container = ffmpegContainer(bytes);
  if (container) return await decodeWithFfmpeg(path, container);
  if (isMpegAudio(bytes)) return await decodeMp3File(bytes, { path });
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new Error(
    `${path}: unrecognised audio format (first bytes ${head}); supported: wav, flac, ` +
      `ogg/opus, mp3 natively, and m4a, wma, ogg/vorbis, aac, aiff through ffmpeg`,
  );
}
