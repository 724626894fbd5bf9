/**
 * A tiny FLAC writer for tests: it emits the frame shapes real encoders
 * rarely produce (FIXED orders 1 and 4, escaped partitions, Rice2, variable
 * block sizes with 16-bit block size and sample-rate fields, 20-bit samples),
 * so the decoder can be checked on them bit-exactly against the source ints.
 * @module
 */
import { crc16, crc8 } from "../../../src/io/audio/crc.ts";

class BitWriter {
  bytes: number[] = [];
  #acc = 0;
  #n = 0;
  writeUint(bits: number, v: number): void {
    for (let i = bits - 1; i >= 0; i--) this.#bit(Math.floor(v / 2 ** i) % 2);
  }
  writeSigned(bits: number, v: number): void {
    this.writeUint(bits, v < 0 ? v + 2 ** bits : v);
  }
  writeUnary(q: number): void {
    for (let i = 0; i < q; i++) this.#bit(0);
    this.#bit(1);
  }
  writeRice(k: number, v: number): void {
    const u = v >= 0 ? 2 * v : -2 * v - 1;
    this.writeUnary(Math.floor(u / 2 ** k));
    this.writeUint(k, u % 2 ** k);
  }
  align(): void {
    while (this.#n !== 0) this.#bit(0);
  }
  #bit(b: number): void {
    this.#acc = (this.#acc << 1) | b;
    if (++this.#n === 8) {
      this.bytes.push(this.#acc);
      this.#acc = 0;
      this.#n = 0;
    }
  }
}

/** How one channel of one frame is coded. */
export type SubframeSpec =
  | { type: "constant" }
  | { type: "verbatim" }
  | {
    type: "fixed";
    order: 0 | 1 | 2 | 3 | 4;
    /** Rice parameter of partition 0; partition 1 is escaped with `escapeBits` raw bits. */
    riceK: number;
    escapeBits: number;
    rice2?: boolean;
  };

const FIXED_COEFS = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];

function writeSubframe(w: BitWriter, s: number[], bps: number, spec: SubframeSpec): void {
  w.writeUint(1, 0);
  if (spec.type === "constant") {
    w.writeUint(6, 0);
    w.writeUint(1, 0);
    w.writeSigned(bps, s[0]);
    return;
  }
  if (spec.type === "verbatim") {
    w.writeUint(6, 1);
    w.writeUint(1, 0);
    for (const v of s) w.writeSigned(bps, v);
    return;
  }
  const p = spec.order;
  w.writeUint(6, 8 + p);
  w.writeUint(1, 0);
  for (let i = 0; i < p; i++) w.writeSigned(bps, s[i]);
  const residual: number[] = [];
  for (let i = p; i < s.length; i++) {
    let pred = 0;
    FIXED_COEFS[p].forEach((c, j) => pred += c * s[i - 1 - j]);
    residual.push(s[i] - pred);
  }
  const method = spec.rice2 ? 1 : 0;
  w.writeUint(2, method);
  w.writeUint(4, 1); // two partitions
  const paramBits = method === 0 ? 4 : 5;
  const half = s.length / 2;
  const first = residual.slice(0, half - p);
  const second = residual.slice(half - p);
  w.writeUint(paramBits, spec.riceK);
  for (const r of first) w.writeRice(spec.riceK, r);
  w.writeUint(paramBits, method === 0 ? 15 : 31);
  w.writeUint(5, spec.escapeBits);
  for (const r of second) if (spec.escapeBits > 0) w.writeSigned(spec.escapeBits, r);
}

function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  let bytes = 2;
  while (n >= 2 ** (5 * bytes + 1)) bytes++;
  for (let i = bytes - 1; i > 0; i--) {
    out.unshift(0x80 | (n % 64));
    n = Math.floor(n / 64);
  }
  out.unshift(((0xff << (8 - bytes)) & 0xff) | n);
  return out;
}

/** One frame: per-channel samples (as stored, i.e. already decorrelated) and their coding. */
export interface FrameSpec {
  channelAssignment: number;
  /** Stored subframe samples per channel (side channels included). */
  subframes: number[][];
  specs: SubframeSpec[];
}

/** A whole FLAC file with STREAMINFO and the given frames (variable block size, 20-bit or given bps). */
export function buildFlac(
  frames: FrameSpec[],
  opts: { sampleRate: number; channels: number; bitsPerSample: number; totalSamples: number },
): Uint8Array {
  const sizeCodes: Record<number, number> = { 8: 1, 12: 2, 16: 4, 20: 5, 24: 6, 32: 7 };
  const w = new BitWriter();
  for (const c of "fLaC") w.writeUint(8, c.charCodeAt(0));
  w.writeUint(1, 1); // last metadata block
  w.writeUint(7, 0);
  w.writeUint(24, 34);
  const sizes = frames.map((f) => f.subframes[0].length);
  w.writeUint(16, Math.min(...sizes));
  w.writeUint(16, Math.max(...sizes));
  w.writeUint(24, 0);
  w.writeUint(24, 0);
  w.writeUint(20, opts.sampleRate);
  w.writeUint(3, opts.channels - 1);
  w.writeUint(5, opts.bitsPerSample - 1);
  w.writeUint(4, Math.floor(opts.totalSamples / 2 ** 32));
  w.writeUint(32, opts.totalSamples % 2 ** 32);
  for (let i = 0; i < 16; i++) w.writeUint(8, 0);
  let sampleNumber = 0;
  for (const f of frames) {
    const start = w.bytes.length;
    const n = f.subframes[0].length;
    w.writeUint(16, 0xfff9); // sync + variable block size
    w.writeUint(4, 7); // 16-bit block size follows
    w.writeUint(4, 13); // 16-bit sample rate in Hz follows
    w.writeUint(4, f.channelAssignment);
    w.writeUint(3, sizeCodes[opts.bitsPerSample]);
    w.writeUint(1, 0);
    for (const b of utf8Number(sampleNumber)) w.writeUint(8, b);
    w.writeUint(16, n - 1);
    w.writeUint(16, opts.sampleRate);
    w.writeUint(8, crc8(new Uint8Array(w.bytes), start, w.bytes.length));
    f.subframes.forEach((s, c) => {
      const side = (f.channelAssignment === 8 && c === 1) ||
        (f.channelAssignment === 9 && c === 0) ||
        (f.channelAssignment === 10 && c === 1);
      writeSubframe(w, s, opts.bitsPerSample + (side ? 1 : 0), f.specs[c]);
    });
    w.align();
    w.writeUint(16, crc16(new Uint8Array(w.bytes), start, w.bytes.length));
    sampleNumber += n;
  }
  return new Uint8Array(w.bytes);
}
