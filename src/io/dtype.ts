/**
 * Element types as the file formats name them (numpy descr codes, torch
 * storage classes, safetensors names) and the byte-level conversions
 * between stored bytes and {@link HostData}: byte order, alignment and
 * float16/bfloat16 widening.
 * @module
 */
import type { HostData, HostDType } from "./host_tensor.ts";

/** What every format needs to know about one element type. */
export interface DTypeInfo {
  /** Bytes per element as stored in files. */
  itemSize: number;
  /** numpy type code without byte order (`f4`, `i8`, `b1`, …). */
  numpyCode: string;
  /** torch storage class name in `torch.save` persistent ids. */
  torchStorage: string;
  /** safetensors dtype name. */
  safetensors: string;
}

/** The table of supported element types. */
export const DTYPES: Readonly<Record<HostDType, DTypeInfo>> = {
  float32: { itemSize: 4, numpyCode: "f4", torchStorage: "FloatStorage", safetensors: "F32" },
  float64: { itemSize: 8, numpyCode: "f8", torchStorage: "DoubleStorage", safetensors: "F64" },
  float16: { itemSize: 2, numpyCode: "f2", torchStorage: "HalfStorage", safetensors: "F16" },
  int64: { itemSize: 8, numpyCode: "i8", torchStorage: "LongStorage", safetensors: "I64" },
  int32: { itemSize: 4, numpyCode: "i4", torchStorage: "IntStorage", safetensors: "I32" },
  int16: { itemSize: 2, numpyCode: "i2", torchStorage: "ShortStorage", safetensors: "I16" },
  int8: { itemSize: 1, numpyCode: "i1", torchStorage: "CharStorage", safetensors: "I8" },
  uint8: { itemSize: 1, numpyCode: "u1", torchStorage: "ByteStorage", safetensors: "U8" },
  bool: { itemSize: 1, numpyCode: "b1", torchStorage: "BoolStorage", safetensors: "BOOL" },
};

/**
 * A stored element type: one of ours, or bfloat16, which is only read
 * (widened to float32, since HostTensor has no bfloat16).
 */
export type StoredDType = HostDType | "bfloat16";

/** Bytes per stored element. */
export function storedItemSize(dtype: StoredDType): number {
  return dtype === "bfloat16" ? 2 : DTYPES[dtype].itemSize;
}

/** The dtype a stored type becomes in memory. */
export function hostDTypeOf(dtype: StoredDType): HostDType {
  return dtype === "bfloat16" ? "float32" : dtype;
}

const BY_NUMPY = new Map<string, HostDType>([
  ...Object.entries(DTYPES).map(([k, v]) => [v.numpyCode, k as HostDType] as const),
  ["?", "bool"],
  ["b", "int8"],
  ["B", "uint8"],
]);
const BY_TORCH = new Map<string, StoredDType>([
  ...Object.entries(DTYPES).map(([k, v]) => [v.torchStorage, k as HostDType] as const),
  ["BFloat16Storage", "bfloat16"],
]);
const BY_SAFETENSORS = new Map<string, StoredDType>([
  ...Object.entries(DTYPES).map(([k, v]) => [v.safetensors, k as HostDType] as const),
  ["BF16", "bfloat16"],
]);

/** Looks up a dtype by its numpy code without byte order (`f4`, `?`). */
export function dtypeFromNumpyCode(code: string): HostDType | undefined {
  return BY_NUMPY.get(code);
}

/** Looks up a dtype by its torch storage class name (`FloatStorage`). */
export function dtypeFromTorchStorage(name: string): StoredDType | undefined {
  return BY_TORCH.get(name);
}

/** Looks up a dtype by its safetensors name (`F32`). */
export function dtypeFromSafetensors(name: string): StoredDType | undefined {
  return BY_SAFETENSORS.get(name);
}

/** An empty array of the in-memory type of `dtype`. */
export function allocHostData(dtype: HostDType, length: number): HostData {
  switch (dtype) {
    case "float32":
    case "float16":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int64":
      return new BigInt64Array(length);
    case "int32":
      return new Int32Array(length);
    case "int16":
      return new Int16Array(length);
    case "int8":
      return new Int8Array(length);
    case "uint8":
    case "bool":
      return new Uint8Array(length);
  }
}

/** Options for {@link decodeElements}. */
export interface DecodeOptions {
  /** Stored most significant byte first (numpy `>`). */
  bigEndian?: boolean;
}

/**
 * Turns stored bytes into a fresh, aligned host array: swaps byte order when
 * needed, widens float16/bfloat16 to float32. `bytes.length` must be a
 * multiple of the item size.
 */
export function decodeElements(
  bytes: Uint8Array,
  dtype: StoredDType,
  options: DecodeOptions = {},
): HostData {
  const size = storedItemSize(dtype);
  if (bytes.length % size !== 0) {
    throw new RangeError(`${bytes.length} bytes are not a whole number of ${dtype} elements`);
  }
  const copy = bytes.slice();
  if (options.bigEndian && size > 1) swapBytes(copy, size);
  const n = copy.length / size;
  switch (dtype) {
    case "float16":
      return halfToFloat32(new Uint16Array(copy.buffer, 0, n));
    case "bfloat16":
      return bfloat16ToFloat32(new Uint16Array(copy.buffer, 0, n));
    case "float32":
      return new Float32Array(copy.buffer, 0, n);
    case "float64":
      return new Float64Array(copy.buffer, 0, n);
    case "int64":
      return new BigInt64Array(copy.buffer, 0, n);
    case "int32":
      return new Int32Array(copy.buffer, 0, n);
    case "int16":
      return new Int16Array(copy.buffer, 0, n);
    case "int8":
      return new Int8Array(copy.buffer, 0, n);
    case "uint8":
    case "bool":
      return copy;
  }
}

/**
 * The stored bytes of host data (little-endian unless `bigEndian`); float16
 * tensors (kept as float32 in memory) are narrowed back to half precision.
 * Returns a view of `data` itself when no conversion is needed.
 */
export function encodeElements(
  data: HostData,
  dtype: HostDType,
  options: DecodeOptions = {},
): Uint8Array {
  checkDataMatches(data, dtype);
  let bytes: Uint8Array;
  if (dtype === "float16") {
    const half = float32ToHalf(data as Float32Array);
    bytes = new Uint8Array(half.buffer);
  } else {
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const size = DTYPES[dtype].itemSize;
  if (options.bigEndian && size > 1) {
    bytes = bytes.slice();
    swapBytes(bytes, size);
  }
  return bytes;
}

/** Throws unless the typed array is the in-memory type of `dtype`. */
export function checkDataMatches(data: HostData, dtype: HostDType): void {
  const ok = dtype === "float32" || dtype === "float16"
    ? data instanceof Float32Array
    : dtype === "float64"
    ? data instanceof Float64Array
    : dtype === "int64"
    ? data instanceof BigInt64Array
    : dtype === "int32"
    ? data instanceof Int32Array
    : dtype === "int16"
    ? data instanceof Int16Array
    : dtype === "int8"
    ? data instanceof Int8Array
    : data instanceof Uint8Array;
  if (!ok) throw new TypeError(`${data.constructor.name} does not hold ${dtype} values`);
}

/** Reverses the bytes of every `size`-byte element in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

let halfTable: Float32Array | undefined;

/** IEEE half → float32 (exact), through a 64 Ki-entry table built once. */
export function halfToFloat32(half: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      halfTable[h] = exp === 0
        ? sign * frac * 2 ** -24
        : exp === 31
        ? (frac ? NaN : sign * Infinity)
        : sign * (1 + frac / 1024) * 2 ** (exp - 15);
    }
  }
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) out[i] = halfTable[half[i]];
  return out;
}

/** bfloat16 → float32 (exact): the stored bits are the high half of a float32. */
export function bfloat16ToFloat32(b: Uint16Array): Float32Array {
  const bits = new Uint32Array(b.length);
  for (let i = 0; i < b.length; i++) bits[i] = b[i] << 16;
  return new Float32Array(bits.buffer);
}

/** float32 → IEEE half bits, rounding to nearest even (as numpy and torch do). */
export function float32ToHalf(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    const mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      // Subnormal half (or zero): shift the full mantissa, round to nearest even.
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      const m = mant | 0x800000;
      const shift = 14 - e;
      let h = m >>> shift;
      const rem = m & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (rem > halfway || (rem === halfway && (h & 1))) h++;
      out[i] = sign | h;
    } else {
      let h = (e << 10) | (mant >>> 13);
      const rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // may carry into the exponent: correct
      out[i] = sign | h;
    }
  }
  return out;
}
