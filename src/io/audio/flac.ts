/**
 * A compact native FLAC decoder (RFC 9639): STREAMINFO, frame headers with
 * fixed or variable block sizes, CONSTANT / VERBATIM / FIXED / LPC subframes,
 * wasted bits, Rice and Rice2 partitions with escapes, and the four stereo
 * decorrelation modes, for 4- to 32-bit samples and up to 8 channels.
 *
 * Every frame header CRC-8 and frame CRC-16 is checked, and the decoded
 * length must match STREAMINFO's total when it is known: damage or a
 * truncated file is an error naming the file, never silent garbage. The
 * optional MD5 check compares the decoded PCM with STREAMINFO's signature.
 *
 * Samples are scaled by 2^(bps−1), as torchaudio's `load(normalize=True)`
 * gives them, and averaged to mono.
 * @module
 */
import { createHash } from "node:crypto";
import { BitReader, TruncatedInputError } from "./bit_reader.ts";
import { crc16, crc8 } from "./crc.ts";
import type { DecodedAudio } from "./decoded_audio.ts";
import { id3v2Length } from "./id3.ts";

/** STREAMINFO: the stream's fixed properties. */
export interface FlacStreamInfo {
  minBlockSize: number;
  maxBlockSize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when the encoder did not know. */
  totalSamples: number;
  /** MD5 of the unencoded PCM as hex; all zeros when absent. */
  md5: string;
}

/** Options of {@link decodeFlac}. */
export interface FlacDecodeOptions {
  /** File name for error messages. */
  path: string;
  /** Compare the decoded PCM with STREAMINFO's MD5 (when present); default false. */
  verifyMd5?: boolean;
}

const BLOCK_SIZES = [
  0,
  192,
  576,
  1152,
  2304,
  4608,
  0,
  0,
  256,
  512,
  1024,
  2048,
  4096,
  8192,
  16384,
  32768,
];
const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];

/** True when the bytes start like a native FLAC stream (optionally after an ID3v2 tag). */
export function isFlac(bytes: Uint8Array): boolean {
  const at = id3v2Length(bytes);
  return bytes.length >= at + 4 && bytes[at] === 0x66 && bytes[at + 1] === 0x4c &&
    bytes[at + 2] === 0x61 && bytes[at + 3] === 0x43;
}

interface FlacHeaderResult {
  info: FlacStreamInfo;
  /** Byte offset of the first frame. */
  framesOffset: number;
}

/** Reads the "fLaC" marker and the metadata blocks; returns STREAMINFO and where frames start. */
export function parseFlacHeader(bytes: Uint8Array, options: { path: string }): FlacHeaderResult {
  const path = options.path;
  if (bytes.length === 0) throw new Error(`${path}: empty file`);
  if (!isFlac(bytes)) throw new Error(`${path}: not a FLAC file (no "fLaC" marker)`);
  let pos = id3v2Length(bytes) + 4;
  let info: FlacStreamInfo | undefined;
  for (let last = false; !last;) {
    if (pos + 4 > bytes.length) {
      throw new Error(`${path}: FLAC metadata is truncated at byte ${pos}`);
    }
    last = (bytes[pos] & 0x80) !== 0;
    const type = bytes[pos] & 0x7f;
    const length = (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
    const body = pos + 4;
    if (body + length > bytes.length) {
      throw new Error(
        `${path}: FLAC metadata block of type ${type} at byte ${pos} runs past the end of the file (truncated file)`,
      );
    }
    if (type === 127) throw new Error(`${path}: FLAC metadata block type 127 is invalid`);
    if (type === 0) {
      if (info) throw new Error(`${path}: FLAC file has two STREAMINFO blocks`);
      if (length < 34) throw new Error(`${path}: FLAC STREAMINFO is ${length} bytes, not 34`);
      info = readStreamInfo(bytes, body, path);
    } else if (!info) {
      throw new Error(`${path}: FLAC file does not start with a STREAMINFO block`);
    }
    pos = body + length;
  }
  if (!info) throw new Error(`${path}: FLAC file has no STREAMINFO block`);
  return { info, framesOffset: pos };
}

function readStreamInfo(bytes: Uint8Array, at: number, path: string): FlacStreamInfo {
  const r = new BitReader(bytes, at);
  const minBlockSize = r.readUint(16);
  const maxBlockSize = r.readUint(16);
  r.readUint(24); // min frame size
  r.readUint(24); // max frame size
  const sampleRate = r.readUint(20);
  const channels = r.readUint(3) + 1;
  const bitsPerSample = r.readUint(5) + 1;
  const totalSamples = r.readUint(4) * 4294967296 + r.readUint(32);
  let md5 = "";
  for (let i = 0; i < 16; i++) md5 += r.readUint(8).toString(16).padStart(2, "0");
  if (sampleRate === 0) throw new Error(`${path}: FLAC STREAMINFO declares a sample rate of 0 Hz`);
  if (bitsPerSample < 4) {
    throw new Error(`${path}: FLAC STREAMINFO declares ${bitsPerSample} bits per sample (min 4)`);
  }
  return { minBlockSize, maxBlockSize, sampleRate, channels, bitsPerSample, totalSamples, md5 };
}

interface FrameHeader {
  blockSize: number;
  channelAssignment: number;
  channels: number;
  bitsPerSample: number;
}

function readFrameHeader(
  bytes: Uint8Array,
  start: number,
  info: FlacStreamInfo,
  fail: (what: string) => never,
): { header: FrameHeader; reader: BitReader } {
  const r = new BitReader(bytes, start);
  const sync = r.readUint(15);
  if (sync !== 0x7ffc) fail(`lost frame sync at byte ${start}`);
  r.readUint(1); // blocking strategy: the coded number below is a frame or a sample number
  const blockCode = r.readUint(4);
  const rateCode = r.readUint(4);
  const channelAssignment = r.readUint(4);
  const sizeCode = r.readUint(3);
  if (r.readUint(1) !== 0) fail(`reserved frame header bit set at byte ${start}`);
  // UTF-8-like coded frame/sample number: only its length matters here.
  const first = r.readUint(8);
  let extra = 0;
  if (first >= 0xfe) extra = first === 0xfe ? 6 : -1;
  else if (first >= 0xfc) extra = 5;
  else if (first >= 0xf8) extra = 4;
  else if (first >= 0xf0) extra = 3;
  else if (first >= 0xe0) extra = 2;
  else if (first >= 0xc0) extra = 1;
  else if (first >= 0x80) extra = -1;
  if (extra < 0) fail(`invalid coded frame number at byte ${start}`);
  for (let i = 0; i < extra; i++) {
    if ((r.readUint(8) & 0xc0) !== 0x80) fail(`invalid coded frame number at byte ${start}`);
  }
  let blockSize = BLOCK_SIZES[blockCode];
  if (blockCode === 0) fail(`reserved block size code at byte ${start}`);
  if (blockCode === 6) blockSize = r.readUint(8) + 1;
  else if (blockCode === 7) blockSize = r.readUint(16) + 1;
  // The frame's own sample rate only repeats STREAMINFO's; skip it.
  if (rateCode === 12) r.readUint(8);
  else if (rateCode === 13 || rateCode === 14) r.readUint(16);
  else if (rateCode === 15) fail(`invalid sample rate code at byte ${start}`);
  const headerEnd = r.pos;
  const crc = r.readUint(8);
  if (crc8(bytes, start, headerEnd) !== crc) fail(`frame header CRC mismatch at byte ${start}`);
  if (channelAssignment > 10) fail(`reserved channel assignment at byte ${start}`);
  const channels = channelAssignment < 8 ? channelAssignment + 1 : 2;
  if (channels !== info.channels) {
    fail(`frame at byte ${start} has ${channels} channels, STREAMINFO ${info.channels}`);
  }
  let bitsPerSample = SAMPLE_SIZES[sizeCode];
  if (bitsPerSample < 0) fail(`reserved sample size code at byte ${start}`);
  if (bitsPerSample === 0) bitsPerSample = info.bitsPerSample;
  if (bitsPerSample !== info.bitsPerSample) {
    fail(
      `frame at byte ${start} has ${bitsPerSample} bits per sample, STREAMINFO ${info.bitsPerSample}`,
    );
  }
  return { header: { blockSize, channelAssignment, channels, bitsPerSample }, reader: r };
}

function readResidual(
  r: BitReader,
  out: Float64Array,
  blockSize: number,
  order: number,
  fail: (what: string) => never,
): void {
  const method = r.readUint(2);
  if (method > 1) fail(`reserved residual coding method ${method}`);
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partitionOrder = r.readUint(4);
  const partitions = 1 << partitionOrder;
  if (blockSize % partitions !== 0) {
    fail(`partition order ${partitionOrder} does not divide block size ${blockSize}`);
  }
  const perPartition = blockSize / partitions;
  if (perPartition < order) fail(`predictor order ${order} exceeds the first partition`);
  let i = order;
  for (let p = 0; p < partitions; p++) {
    const end = (p + 1) * perPartition;
    const k = r.readUint(paramBits);
    if (k === escape) {
      const bits = r.readUint(5);
      for (; i < end; i++) out[i] = bits === 0 ? 0 : r.readSigned(bits);
    } else {
      r.readRiceBlock(out, i, end, k);
      i = end;
    }
  }
}

function readSubframe(
  r: BitReader,
  out: Float64Array,
  blockSize: number,
  bps: number,
  fail: (what: string) => never,
): void {
  if (r.readUint(1) !== 0) fail("subframe padding bit set");
  const type = r.readUint(6);
  let wasted = 0;
  if (r.readUint(1) === 1) wasted = r.readUnary() + 1;
  if (wasted >= bps) fail(`subframe has ${wasted} wasted bits of ${bps}`);
  const bits = bps - wasted;
  if (type === 0) {
    const v = r.readSigned(bits);
    out.fill(v, 0, blockSize);
  } else if (type === 1) {
    for (let i = 0; i < blockSize; i++) out[i] = r.readSigned(bits);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    if (order > blockSize) fail(`FIXED order ${order} exceeds block size ${blockSize}`);
    for (let i = 0; i < order; i++) out[i] = r.readSigned(bits);
    readResidual(r, out, blockSize, order, fail);
    restoreFixed(out, blockSize, order);
  } else if (type >= 32) {
    const order = type - 31;
    if (order > blockSize) fail(`LPC order ${order} exceeds block size ${blockSize}`);
    for (let i = 0; i < order; i++) out[i] = r.readSigned(bits);
    const precision = r.readUint(4) + 1;
    if (precision === 16) fail("invalid LPC coefficient precision");
    const shift = r.readSigned(5);
    if (shift < 0) fail(`negative LPC shift ${shift}`);
    const coefs = new Float64Array(order);
    for (let j = 0; j < order; j++) coefs[j] = r.readSigned(precision);
    readResidual(r, out, blockSize, order, fail);
    restoreLpc(out, blockSize, coefs, shift);
  } else {
    fail(`reserved subframe type ${type}`);
  }
  if (wasted > 0) {
    const scale = 2 ** wasted;
    for (let i = 0; i < blockSize; i++) out[i] *= scale;
  }
}

function restoreFixed(s: Float64Array, n: number, order: number): void {
  switch (order) {
    case 1:
      for (let i = 1; i < n; i++) s[i] += s[i - 1];
      break;
    case 2:
      for (let i = 2; i < n; i++) s[i] += 2 * s[i - 1] - s[i - 2];
      break;
    case 3:
      for (let i = 3; i < n; i++) s[i] += 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3];
      break;
    case 4:
      for (let i = 4; i < n; i++) s[i] += 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
      break;
  }
}

function restoreLpc(s: Float64Array, n: number, coefs: Float64Array, shift: number): void {
  const order = coefs.length;
  const div = 2 ** shift;
  // Exact in float64: |coef| < 2^15, |sample| < 2^33, order <= 32 keeps sums below 2^53.
  for (let i = order; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < order; j++) sum += coefs[j] * s[i - 1 - j];
    s[i] += Math.floor(sum / div);
  }
}

/** Decodes a native FLAC file held in `bytes` to mono float32 (channels averaged). */
export function decodeFlac(bytes: Uint8Array, options: FlacDecodeOptions): DecodedAudio {
  const path = options.path;
  const { info, framesOffset } = parseFlacHeader(bytes, { path });
  const fail = (what: string): never => {
    throw new Error(`${path}: FLAC ${what}`);
  };
  const channels = info.channels;
  const bps = info.bitsPerSample;
  const scale = 2 ** (bps - 1);
  let out = new Float32Array(info.totalSamples > 0 ? info.totalSamples : 1 << 16);
  let decoded = 0;
  const work: Float64Array[] = [];
  const md5 = options.verifyMd5 && /[^0]/.test(info.md5) ? createHash("md5") : undefined;
  const bytesPerSample = Math.ceil(bps / 8);
  let pos = framesOffset;
  let frameIndex = 0;
  while (pos < bytes.length) {
    if (info.totalSamples > 0 && decoded >= info.totalSamples) break; // trailing tags, padding
    if (bytes[pos] !== 0xff || (bytes[pos + 1] & 0xfe) !== 0xf8) {
      if (info.totalSamples === 0 && isTrailingTag(bytes, pos)) break;
      fail(`lost frame sync at byte ${pos} after ${decoded} samples`);
    }
    try {
      const { header, reader: r } = readFrameHeader(bytes, pos, info, fail);
      const n = header.blockSize;
      for (let c = 0; c < channels; c++) {
        if (!work[c] || work[c].length < n) work[c] = new Float64Array(Math.max(n, 4096));
        // the side channel carries one extra bit
        const sideExtra = (header.channelAssignment === 8 && c === 1) ||
            (header.channelAssignment === 9 && c === 0) ||
            (header.channelAssignment === 10 && c === 1)
          ? 1
          : 0;
        readSubframe(r, work[c], n, bps + sideExtra, fail);
      }
      r.alignToByte();
      const crcAt = r.pos;
      const crc = r.readUint(16);
      if (crc16(bytes, pos, crcAt) !== crc) {
        fail(`frame CRC mismatch in frame ${frameIndex} at byte ${pos}`);
      }
      undoDecorrelation(work, n, header.channelAssignment);
      if (decoded + n > out.length) {
        const grown = new Float32Array(Math.max(out.length * 2, decoded + n));
        grown.set(out.subarray(0, decoded));
        out = grown;
      }
      mixFrame(work, channels, n, scale, out, decoded);
      if (md5) md5.update(pcmBytes(work, channels, n, bytesPerSample));
      decoded += n;
      pos = r.pos;
      frameIndex++;
    } catch (e) {
      if (e instanceof TruncatedInputError) {
        fail(`file is truncated in frame ${frameIndex} (starting at byte ${pos})`);
      }
      throw e;
    }
  }
  if (info.totalSamples > 0) {
    if (decoded < info.totalSamples) {
      fail(`file is truncated: ${decoded} of ${info.totalSamples} samples present`);
    }
    decoded = info.totalSamples;
  }
  if (md5) {
    const got = md5.digest("hex");
    if (got !== info.md5) fail(`MD5 mismatch: decoded ${got}, STREAMINFO ${info.md5}`);
  }
  return {
    samples: decoded === out.length ? out : out.slice(0, decoded),
    sampleRate: info.sampleRate,
    channels,
    format: `flac/${bps}`,
  };
}

function isTrailingTag(bytes: Uint8Array, pos: number): boolean {
  // ID3v1 "TAG" trailer (128 bytes) or zero padding at the end of the file
  if (
    bytes.length - pos === 128 && bytes[pos] === 0x54 && bytes[pos + 1] === 0x41 &&
    bytes[pos + 2] === 0x47
  ) {
    return true;
  }
  for (let i = pos; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function undoDecorrelation(ch: Float64Array[], n: number, assignment: number): void {
  if (assignment < 8) return;
  const a = ch[0];
  const b = ch[1];
  if (assignment === 8) {
    for (let i = 0; i < n; i++) b[i] = a[i] - b[i]; // left, side → right = left − side
  } else if (assignment === 9) {
    for (let i = 0; i < n; i++) a[i] += b[i]; // side, right → left = side + right
  } else {
    for (let i = 0; i < n; i++) {
      const side = b[i];
      const mid = a[i] * 2 + (side & 1); // (side & 1) keeps the low bit for |side| < 2^53
      a[i] = Math.floor((mid + side) / 2);
      b[i] = Math.floor((mid - side) / 2);
    }
  }
}

function mixFrame(
  ch: Float64Array[],
  channels: number,
  n: number,
  scale: number,
  out: Float32Array,
  at: number,
): void {
  if (channels === 1) {
    const a = ch[0];
    for (let i = 0; i < n; i++) out[at + i] = a[i] / scale;
    return;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += Math.fround(ch[c][i] / scale);
    out[at + i] = sum / channels;
  }
}

function pcmBytes(ch: Float64Array[], channels: number, n: number, width: number): Uint8Array {
  const buf = new Uint8Array(n * channels * width);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      let v = ch[c][i];
      if (v < 0) v += 2 ** (8 * width);
      for (let k = 0; k < width; k++) {
        buf[o++] = v % 256;
        v = Math.floor(v / 256);
      }
    }
  }
  return buf;
}
