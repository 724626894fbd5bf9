/**
 * safetensors files: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`
 * (padded with spaces to 8 bytes), then the little-endian tensor bytes.
 * BF16 is read (widened to float32); the other dtypes round-trip.
 * @module
 */
import { formatShape, type HostTensor, shapeSize } from "./host_tensor.ts";
import {
  checkDataMatches,
  decodeElements,
  dtypeFromSafetensors,
  DTYPES,
  encodeElements,
  hostDTypeOf,
  storedItemSize,
} from "./dtype.ts";
import { readSource } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** The tensors (in header order) and the free-form string metadata. */
export interface Safetensors {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
}

/** Parses safetensors bytes. Errors name `options.name` and the tensor. */
export function decodeSafetensors(bytes: Uint8Array, options: { name?: string } = {}): Safetensors {
  const name = options.name ?? "<safetensors>";
  const fail = (msg: string): never => {
    throw new Error(`${name}: ${msg}`);
  };
  if (bytes.length < 8) fail("too short for a safetensors file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) fail(`header length ${n} exceeds the file (truncated?)`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)),
    );
  } catch (e) {
    fail(`bad header JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    return fail("the header is not a JSON object");
  }
  const dataLen = bytes.length - headerEnd;
  const tensors = new Map<string, HostTensor>();
  let metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(header as Record<string, unknown>)) {
    if (key === "__metadata__") {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const stored = typeof e?.dtype === "string" ? dtypeFromSafetensors(e.dtype) : undefined;
    if (!stored) return fail(`tensor ${key}: unsupported dtype ${JSON.stringify(e?.dtype)}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      return fail(`tensor ${key}: bad shape`);
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      return fail(`tensor ${key}: bad data_offsets`);
    }
    const [begin, end] = offsets as number[];
    const expected = shapeSize(shape) * storedItemSize(stored);
    if (begin < 0 || end < begin || end > dataLen) {
      fail(`tensor ${key}: data [${begin}, ${end}) lies outside the ${dataLen} data bytes`);
    }
    if (end - begin !== expected) {
      fail(`tensor ${key}: ${end - begin} bytes for shape ${formatShape(shape)} of ${e.dtype}`);
    }
    const raw = bytes.subarray(headerEnd + begin, headerEnd + end);
    tensors.set(key, { dtype: hostDTypeOf(stored), shape, data: decodeElements(raw, stored) });
  }
  return { tensors, metadata };
}

/** Reads a safetensors file (or bytes). */
export async function readSafetensors(
  source: string | Uint8Array,
  options: { name?: string } = {},
): Promise<Safetensors> {
  const { bytes, name } = await readSource(source, options);
  return decodeSafetensors(bytes, { name });
}

/** Options for {@link encodeSafetensors}. */
export interface SafetensorsWriteOptions {
  metadata?: Record<string, string>;
}

/** Encodes tensors (in the given order) as safetensors bytes. */
export function encodeSafetensors(
  tensors: Map<string, HostTensor> | Record<string, HostTensor>,
  options: SafetensorsWriteOptions = {},
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [key, t] of entries) {
    if (key === "__metadata__") throw new RangeError("__metadata__ is reserved");
    if (shapeSize(t.shape) !== t.data.length) {
      throw new RangeError(
        `tensor ${key}: ${t.data.length} values do not fit ${formatShape(t.shape)}`,
      );
    }
    checkDataMatches(t.data, t.dtype);
    const raw = encodeElements(t.data, t.dtype);
    header[key] = {
      dtype: DTYPES[t.dtype].safetensors,
      shape: t.shape,
      data_offsets: [offset, offset + raw.length],
    };
    chunks.push(raw);
    offset += raw.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Writes a safetensors file atomically. */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, HostTensor> | Record<string, HostTensor>,
  options: SafetensorsWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, options));
}
