/**
 * TensorBoard event files written by hand: TFRecord framing (little-endian
 * length, masked CRC-32C of the length, payload, masked CRC-32C of the
 * payload) around `Event` protocol buffers. The first record carries
 * `file_version = "brain.Event:2"`; scalars are `Event{wall_time, step,
 * summary: Summary{value: [Value{tag, simple_value}]}}`, which is what
 * torch.utils.tensorboard's `add_scalar` writes and `tensorboard --logdir`
 * reads. A reader for the same subset checks files in tests.
 * @module
 */
import { join } from "node:path";

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of bytes. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 and add 0xa282ead8. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Frames one record. */
export function tfRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + payload.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}

// ---- minimal protobuf encoding

function varint(v: bigint | number): number[] {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}

function key(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}

function bytesField(field: number, data: Uint8Array): number[] {
  return [...key(field, 2), ...varint(data.length), ...data];
}

function doubleField(field: number, v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...key(field, 1), ...b];
}

function floatField(field: number, v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
}

/** The Event that opens a file. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return Uint8Array.from([
    ...doubleField(1, wallTime),
    ...bytesField(3, new TextEncoder().encode("brain.Event:2")),
  ]);
}

/** An Event holding one scalar summary value. */
export function scalarEvent(
  tag: string,
  value: number,
  step: number,
  wallTime: number,
): Uint8Array {
  const v = Uint8Array.from([
    ...bytesField(1, new TextEncoder().encode(tag)),
    ...floatField(2, value),
  ]);
  const summary = Uint8Array.from(bytesField(1, v));
  return Uint8Array.from([
    ...doubleField(1, wallTime),
    ...key(2, 0),
    ...varint(step),
    ...bytesField(5, summary),
  ]);
}

/** Appends scalar events to an `events.out.tfevents.*` file in a log folder. */
export class TensorBoardWriter {
  /** The event file. */
  readonly path: string;
  #pending: Uint8Array[] = [];

  private constructor(path: string) {
    this.path = path;
  }

  /** Creates the log folder and a new event file holding the file-version record. */
  static async create(
    logDir: string,
    options: { now?: () => number } = {},
  ): Promise<TensorBoardWriter> {
    await Deno.mkdir(logDir, { recursive: true });
    const now = (options.now ?? Date.now)() / 1000;
    let host = "localhost";
    try {
      host = Deno.hostname();
    } catch { /* no --allow-sys */ }
    const name = `events.out.tfevents.${Math.floor(now)}.${
      host.replace(/[^\w.-]/g, "_")
    }.${Deno.pid}.0`;
    const w = new TensorBoardWriter(join(logDir, name));
    await Deno.writeFile(w.path, tfRecord(fileVersionEvent(now)), { create: true });
    return w;
  }

  /** Queues a scalar (written by the next flush). */
  addScalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    this.#pending.push(tfRecord(scalarEvent(tag, value, step, wallTime)));
  }

  /** Appends queued records to the file in one write (whole records only). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const total = this.#pending.reduce((s, r) => s + r.length, 0);
    const buf = new Uint8Array(total);
    let at = 0;
    for (const r of this.#pending) {
      buf.set(r, at);
      at += r.length;
    }
    this.#pending = [];
    await Deno.writeFile(this.path, buf, { append: true });
  }
}

/** One scalar read back from an event file. */
export interface ScalarRecord {
  tag: string;
  value: number;
  step: number;
  wallTime: number;
}

function readVarint(b: Uint8Array, at: number): [bigint, number] {
  let shift = 0n;
  let v = 0n;
  for (;;) {
    const byte = b[at++];
    if (byte === undefined) throw new RangeError("truncated varint");
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) return [v, at];
  }
}

function fields(
  b: Uint8Array,
): Array<{ field: number; wire: number; data: Uint8Array; int: bigint }> {
  const out = [];
  let at = 0;
  while (at < b.length) {
    const [k, next] = readVarint(b, at);
    at = next;
    const field = Number(k >> 3n);
    const wire = Number(k & 7n);
    if (wire === 0) {
      const [v, n2] = readVarint(b, at);
      out.push({ field, wire, data: new Uint8Array(), int: v });
      at = n2;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      out.push({ field, wire, data: b.subarray(at, at + len), int: 0n });
      at += len;
    } else if (wire === 2) {
      const [len, n2] = readVarint(b, at);
      at = n2;
      out.push({ field, wire, data: b.subarray(at, at + Number(len)), int: 0n });
      at += Number(len);
    } else {
      throw new RangeError(`unsupported protobuf wire type ${wire}`);
    }
  }
  return out;
}

/**
 * Reads the scalars of an event file, checking every record's framing and
 * CRCs (an error names the file and the record's offset).
 */
export async function readTensorBoardScalars(path: string): Promise<ScalarRecord[]> {
  const b = await Deno.readFile(path);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: ScalarRecord[] = [];
  let at = 0;
  let first = true;
  while (at < b.length) {
    if (at + 12 > b.length) throw new RangeError(`${path}: truncated record header at ${at}`);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc32c(b.subarray(at, at + 8))) {
      throw new RangeError(`${path}: bad length CRC at ${at}`);
    }
    const payload = b.subarray(at + 12, at + 12 + len);
    if (at + 16 + len > b.length || view.getUint32(at + 12 + len, true) !== maskedCrc32c(payload)) {
      throw new RangeError(`${path}: bad or truncated record at ${at}`);
    }
    at += 16 + len;
    const ev = fields(payload);
    const wall = ev.find((f) => f.field === 1);
    const wallTime = wall
      ? new DataView(wall.data.buffer, wall.data.byteOffset, 8).getFloat64(0, true)
      : 0;
    if (first) {
      const version = ev.find((f) => f.field === 3);
      if (!version || new TextDecoder().decode(version.data) !== "brain.Event:2") {
        throw new RangeError(`${path}: the first record is not a brain.Event:2 file version`);
      }
      first = false;
      continue;
    }
    const step = Number(ev.find((f) => f.field === 2)?.int ?? 0n);
    for (const s of ev.filter((f) => f.field === 5)) {
      for (const v of fields(s.data).filter((f) => f.field === 1)) {
        const vf = fields(v.data);
        const tag = new TextDecoder().decode(
          vf.find((f) => f.field === 1)?.data ?? new Uint8Array(),
        );
        const sv = vf.find((f) => f.field === 2);
        if (!sv) continue;
        const value = new DataView(sv.data.buffer, sv.data.byteOffset, 4).getFloat32(0, true);
        out.push({ tag, value, step, wallTime });
      }
    }
  }
  return out;
}
