/**
 * WAV (RIFF/RF64/BW64 WAVE) parsing and decoding.
 *
 * Encodings: integer PCM 8 (unsigned), 16, 24, 32 bit; IEEE float 32/64;
 * G.711 A-law/µ-law; any of these inside WAVE_FORMAT_EXTENSIBLE. Values are
 * scaled as torchaudio's `load(normalize=True)` gives them: PCM8 → (x−128)/128,
 * PCM16 → x/2^15, PCM24 → x/2^23, PCM32 → x/2^31, G.711 → linear16/2^15,
 * float as stored (torchaudio's sox backend would also quantise floats to
 * 32-bit integers and clip them to [-1, 1); we keep them, but refuse NaN/Inf).
 *
 * Header checks (a "lying header" is an error naming the file): fmt chunk
 * missing or shorter than 16 bytes, zero channels or sample rate, bits per
 * sample not a multiple of 8, block align other than channels × bytes per
 * sample, a chunk before the audio running past the end of the file, and a
 * declared data size larger than the bytes present. Streaming writers'
 * placeholder sizes (0xFFFFFFFF, 0 with bytes following, ≥ 2 GiB, or any
 * size when the RIFF size is a placeholder too) are clamped to the bytes
 * present. Unknown chunks are skipped, odd-sized chunks take their
 * pad byte (or none, when the writer forgot it), a trailing partial frame is
 * dropped (as sox does).
 * @module
 */
import type { DecodedAudio } from "./decoded_audio.ts";
import { alawTable16, mulawTable16 } from "./g711.ts";

/** Sample encodings this decoder reads. */
export type WavEncoding =
  | "pcm8"
  | "pcm16"
  | "pcm24"
  | "pcm32"
  | "float32"
  | "float64"
  | "alaw"
  | "mulaw";

/** The validated header of a WAV file. */
export interface WavHeader {
  /** Container: "RIFF", "RF64" or "BW64". */
  container: string;
  /** Format tag (the SubFormat's for WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  /** Whether the fmt chunk was WAVE_FORMAT_EXTENSIBLE. */
  extensible: boolean;
  /** The encoding, or null for a format tag this decoder does not read (ADPCM, GSM, …). */
  encoding: WavEncoding | null;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Audio bytes used (whole frames only). */
  dataBytes: number;
  /** Sample frames (samples per channel). */
  frames: number;
  /** True when the data size was a streaming placeholder and was clamped to the file. */
  clamped: boolean;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
// Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag.
const SUBFORMAT_TAIL = [
  0x00,
  0x00,
  0x00,
  0x00,
  0x10,
  0x00,
  0x80,
  0x00,
  0x00,
  0xaa,
  0x00,
  0x38,
  0x9b,
  0x71,
];

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function isChunkId(b: Uint8Array, at: number): boolean {
  if (at + 8 > b.length) return false;
  for (let i = 0; i < 4; i++) if (b[at + i] < 0x20 || b[at + i] > 0x7e) return false;
  return true;
}

/**
 * Whether a data size is a streaming writer's placeholder rather than a
 * real size: 0xFFFFFFFF, 0 with audio following, a size of 2 GiB or more
 * beyond the file, or any size beyond the file when the RIFF size is itself
 * a placeholder (0, 0xFFFFFFFF). A real size beyond the file is a truncation.
 */
function isPlaceholder(dataSize: number, riffSize: number, remaining: number): boolean {
  if (dataSize === 0xffffffff || (dataSize === 0 && remaining > 0)) return true;
  if (dataSize <= remaining) return false;
  return dataSize >= 0x7ffff000 || riffSize === 0 || riffSize === 0xffffffff;
}

/** True when the bytes start like a WAV file (RIFF/RF64/BW64 … WAVE). */
export function isWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const magic = fourCC(bytes, 0);
  return (magic === "RIFF" || magic === "RF64" || magic === "BW64") &&
    fourCC(bytes, 8) === "WAVE";
}

interface FmtChunk {
  formatTag: number;
  extensible: boolean;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(b: Uint8Array, dv: DataView, at: number, size: number, path: string): FmtChunk {
  if (size < 16) {
    throw new Error(`${path}: WAV fmt chunk is ${size} bytes, shorter than the 16 it needs`);
  }
  let formatTag = dv.getUint16(at, true);
  const channels = dv.getUint16(at + 2, true);
  const sampleRate = dv.getUint32(at + 4, true);
  const blockAlign = dv.getUint16(at + 12, true);
  const bitsPerSample = dv.getUint16(at + 14, true);
  const extensible = formatTag === FORMAT_EXTENSIBLE;
  if (extensible) {
    if (size < 40) {
      throw new Error(
        `${path}: WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, shorter than the 40 it needs`,
      );
    }
    const validBits = dv.getUint16(at + 18, true);
    if (validBits > bitsPerSample) {
      throw new Error(
        `${path}: WAV declares ${validBits} valid bits in ${bitsPerSample}-bit samples`,
      );
    }
    formatTag = dv.getUint16(at + 24, true);
    for (let i = 0; i < SUBFORMAT_TAIL.length; i++) {
      if (b[at + 26 + i] !== SUBFORMAT_TAIL[i]) {
        throw new Error(`${path}: WAVE_FORMAT_EXTENSIBLE with an unknown SubFormat GUID`);
      }
    }
  }
  if (channels === 0) throw new Error(`${path}: WAV header declares zero channels`);
  if (sampleRate === 0) throw new Error(`${path}: WAV header declares a sample rate of 0 Hz`);
  return { formatTag, extensible, channels, sampleRate, blockAlign, bitsPerSample };
}

function encodingOf(fmt: FmtChunk, path: string): WavEncoding | null {
  const { formatTag, bitsPerSample: bits } = fmt;
  const known = formatTag === FORMAT_PCM || formatTag === FORMAT_FLOAT ||
    formatTag === FORMAT_ALAW || formatTag === FORMAT_MULAW;
  if (!known) return null;
  if (bits === 0 || bits % 8 !== 0) {
    throw new Error(`${path}: WAV bits per sample ${bits} is not a multiple of 8`);
  }
  const expectAlign = fmt.channels * (bits / 8);
  if (fmt.blockAlign !== expectAlign) {
    throw new Error(
      `${path}: WAV block align ${fmt.blockAlign} does not match ${fmt.channels} channel(s) × ` +
        `${bits / 8} byte(s) per sample = ${expectAlign}`,
    );
  }
  if (formatTag === FORMAT_PCM) {
    if (bits > 32) throw new Error(`${path}: ${bits}-bit integer PCM WAV is not supported`);
    return `pcm${bits}` as WavEncoding;
  }
  if (formatTag === FORMAT_FLOAT) {
    if (bits !== 32 && bits !== 64) {
      throw new Error(`${path}: ${bits}-bit float WAV is not supported (only 32 and 64)`);
    }
    return bits === 32 ? "float32" : "float64";
  }
  if (bits !== 8) {
    throw new Error(`${path}: G.711 WAV must have 8 bits per sample, not ${bits}`);
  }
  return formatTag === FORMAT_ALAW ? "alaw" : "mulaw";
}

/**
 * Reads and validates the header of a WAV file held in `bytes`.
 * Throws an Error naming `options.path` when the header is inconsistent.
 */
export function parseWavHeader(bytes: Uint8Array, options: { path: string }): WavHeader {
  const path = options.path;
  if (bytes.length === 0) throw new Error(`${path}: empty file`);
  if (!isWav(bytes)) throw new Error(`${path}: not a WAV file (no RIFF/RF64 … WAVE header)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const container = fourCC(bytes, 0);
  const isRf64 = container !== "RIFF";
  const riffSize = dv.getUint32(4, true);
  let ds64DataSize: number | undefined;
  let fmt: FmtChunk | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let clamped = false;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = fourCC(bytes, pos);
    const size = dv.getUint32(pos + 4, true);
    const body = pos + 8;
    const remaining = bytes.length - body;
    if (id === "data") {
      dataOffset = body;
      dataSize = size;
      if (isRf64 && size === 0xffffffff && ds64DataSize !== undefined) dataSize = ds64DataSize;
      if (isPlaceholder(dataSize, riffSize, remaining)) {
        dataSize = remaining;
        clamped = true;
      } else if (dataSize > remaining) {
        throw new Error(
          `${path}: WAV data chunk declares ${dataSize} bytes but only ${remaining} follow ` +
            `(truncated file or lying header)`,
        );
      }
      if (fmt) break;
      pos = body + dataSize + (dataSize & 1);
      continue;
    }
    if (size > remaining) {
      if (fmt && dataOffset >= 0) break; // a damaged trailer after the audio does not matter
      throw new Error(
        `${path}: WAV chunk "${id}" at byte ${pos} declares ${size} bytes but only ` +
          `${remaining} follow (truncated file or lying header)`,
      );
    }
    if (id === "fmt ") {
      if (fmt) throw new Error(`${path}: WAV file has two fmt chunks`);
      fmt = parseFmt(bytes, dv, body, size, path);
    } else if (id === "ds64" && isRf64) {
      if (size < 24) throw new Error(`${path}: RF64 ds64 chunk is ${size} bytes, shorter than 24`);
      ds64DataSize = Number(dv.getBigUint64(body + 8, true));
    }
    let next = body + size;
    if (size & 1) {
      // RIFF pads odd chunks to even sizes; some writers forget the pad byte.
      next = !isChunkId(bytes, next + 1) && isChunkId(bytes, next) ? next : next + 1;
    }
    if (fmt && dataOffset >= 0) break;
    pos = next;
  }
  if (!fmt) throw new Error(`${path}: WAV file has no fmt chunk`);
  if (dataOffset < 0) throw new Error(`${path}: WAV file has no data chunk`);
  const encoding = encodingOf(fmt, path);
  const blockAlign = fmt.blockAlign > 0 ? fmt.blockAlign : 1;
  const frames = encoding ? Math.floor(dataSize / blockAlign) : 0;
  return {
    container,
    formatTag: fmt.formatTag,
    extensible: fmt.extensible,
    encoding,
    channels: fmt.channels,
    sampleRate: fmt.sampleRate,
    bitsPerSample: fmt.bitsPerSample,
    blockAlign: fmt.blockAlign,
    dataOffset,
    dataBytes: encoding ? frames * blockAlign : dataSize,
    frames,
    clamped,
  };
}

/** Reads one sample at a byte offset of the data, as a float32-exact value. */
type SampleReader = (dv: DataView, offset: number) => number;

function readerOf(encoding: WavEncoding): { bytes: number; read: SampleReader } {
  switch (encoding) {
    case "pcm8":
      return { bytes: 1, read: (dv, o) => (dv.getUint8(o) - 128) / 128 };
    case "pcm16":
      return { bytes: 2, read: (dv, o) => dv.getInt16(o, true) / 32768 };
    case "pcm24":
      return {
        bytes: 3,
        read: (dv, o) =>
          (dv.getUint8(o) | (dv.getUint8(o + 1) << 8) | (dv.getInt8(o + 2) << 16)) / 8388608,
      };
    case "pcm32":
      return { bytes: 4, read: (dv, o) => Math.fround(dv.getInt32(o, true) / 2147483648) };
    case "float32":
      return { bytes: 4, read: (dv, o) => dv.getFloat32(o, true) };
    case "float64":
      return { bytes: 8, read: (dv, o) => Math.fround(dv.getFloat64(o, true)) };
    case "alaw": {
      const t = alawTable16();
      return { bytes: 1, read: (dv, o) => t[dv.getUint8(o)] / 32768 };
    }
    case "mulaw": {
      const t = mulawTable16();
      return { bytes: 1, read: (dv, o) => t[dv.getUint8(o)] / 32768 };
    }
  }
}

/**
 * Decodes a WAV file held in `bytes` to mono float32 (channels averaged).
 * Throws an Error naming `options.path` for a lying header, an unsupported
 * encoding (the format tag is named) or a non-finite float sample.
 */
export function decodeWav(bytes: Uint8Array, options: { path: string }): DecodedAudio {
  const path = options.path;
  const h = parseWavHeader(bytes, { path });
  if (!h.encoding) {
    throw new Error(
      `${path}: WAV format tag 0x${h.formatTag.toString(16).padStart(4, "0")} ` +
        `is not supported (PCM, float, A-law and µ-law are)`,
    );
  }
  const { bytes: width, read } = readerOf(h.encoding);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, h.dataBytes);
  const channels = h.channels;
  const out = new Float32Array(h.frames);
  if (channels === 1) {
    for (let i = 0, o = 0; i < h.frames; i++, o += width) out[i] = read(dv, o);
  } else {
    for (let i = 0, o = 0; i < h.frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++, o += width) sum += read(dv, o);
      out[i] = channels === 2 ? sum * 0.5 : sum / channels;
    }
  }
  if (h.encoding === "float32" || h.encoding === "float64") {
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        throw new Error(`${path}: float WAV holds a non-finite sample in frame ${i}`);
      }
    }
  }
  return {
    samples: out,
    sampleRate: h.sampleRate,
    channels,
    format: `wav/${h.encoding}`,
  };
}
