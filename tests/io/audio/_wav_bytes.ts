/**
 * Builds WAV files byte by byte for the decoder tests (independently of the
 * decoder under test): header fields can be set to lie on purpose.
 * @module
 */

/** Fields of a test WAV; every header field can be overridden. */
export interface WavSpec {
  formatTag: number;
  channels: number;
  sampleRate?: number;
  bitsPerSample: number;
  blockAlign?: number;
  extensible?: boolean;
  /** Size field of the fmt chunk (default: its real size). */
  fmtSize?: number;
  /** Size field of the data chunk (default: the data length). */
  dataSize?: number;
  /** Chunks inserted between fmt and data. */
  extraChunks?: Array<{ id: string; body: Uint8Array; pad?: boolean }>;
  /** Chunks after data. */
  trailingChunks?: Array<{ id: string; body: Uint8Array }>;
  container?: "RIFF" | "RF64";
}

function u16(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff];
}

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** Serialises a WAV file with the given header and data bytes. */
export function buildWav(spec: WavSpec, data: Uint8Array): Uint8Array {
  const rate = spec.sampleRate ?? 16000;
  const bytesPerSample = spec.bitsPerSample / 8;
  const blockAlign = spec.blockAlign ?? spec.channels * bytesPerSample;
  let fmt: number[];
  if (spec.extensible) {
    fmt = [
      ...u16(0xfffe),
      ...u16(spec.channels),
      ...u32(rate),
      ...u32(rate * blockAlign),
      ...u16(blockAlign),
      ...u16(spec.bitsPerSample),
      ...u16(22),
      ...u16(spec.bitsPerSample),
      ...u32(0),
      ...u16(spec.formatTag),
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
  } else {
    fmt = [
      ...u16(spec.formatTag),
      ...u16(spec.channels),
      ...u32(rate),
      ...u32(rate * blockAlign),
      ...u16(blockAlign),
      ...u16(spec.bitsPerSample),
    ];
  }
  const body: number[] = [...ascii("WAVE")];
  if (spec.container === "RF64") {
    body.push(...ascii("ds64"), ...u32(28), ...u32(0), ...u32(0), ...u32(data.length), ...u32(0));
    body.push(...u32(0), ...u32(0), ...u32(0));
  }
  body.push(...ascii("fmt "), ...u32(spec.fmtSize ?? fmt.length), ...fmt);
  for (const c of spec.extraChunks ?? []) {
    body.push(...ascii(c.id), ...u32(c.body.length), ...c.body);
    if (c.body.length % 2 === 1 && c.pad !== false) body.push(0);
  }
  const dataSize = spec.container === "RF64" ? 0xffffffff : spec.dataSize ?? data.length;
  body.push(...ascii("data"), ...u32(dataSize));
  const head = [...ascii(spec.container ?? "RIFF"), ...u32(0), ...body];
  const tail: number[] = [];
  if (data.length % 2 === 1 && (spec.trailingChunks?.length ?? 0) > 0) tail.push(0);
  for (const c of spec.trailingChunks ?? []) {
    tail.push(...ascii(c.id), ...u32(c.body.length), ...c.body);
  }
  const out = new Uint8Array(head.length + data.length + tail.length);
  out.set(head, 0);
  out.set(data, head.length);
  out.set(tail, head.length + data.length);
  const riffSize = spec.container === "RF64" ? 0xffffffff : out.length - 8;
  out.set(u32(riffSize), 4);
  return out;
}

/** Little-endian bytes of integer or float codes, as a WAV data chunk stores them. */
export function encodeCodes(
  codes: readonly number[],
  bits: number,
  kind: "int" | "uint" | "float",
): Uint8Array {
  const width = bits / 8;
  const out = new Uint8Array(codes.length * width);
  const dv = new DataView(out.buffer);
  codes.forEach((v, i) => {
    const o = i * width;
    if (kind === "float") {
      if (bits === 32) dv.setFloat32(o, v, true);
      else dv.setFloat64(o, v, true);
    } else if (bits === 8) {
      dv.setUint8(o, v & 0xff);
    } else if (bits === 16) {
      dv.setInt16(o, v, true);
    } else if (bits === 24) {
      const u = v < 0 ? v + 0x1000000 : v;
      dv.setUint8(o, u & 0xff);
      dv.setUint8(o + 1, (u >> 8) & 0xff);
      dv.setUint8(o + 2, (u >> 16) & 0xff);
    } else {
      dv.setInt32(o, v, true);
    }
  });
  return out;
}
