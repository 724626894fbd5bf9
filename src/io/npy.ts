/**
 * numpy's `.npy` files (format versions 1.0, 2.0 and 3.0): little- or
 * big-endian, C or Fortran order, the dtypes of {@link HostDType}. Written
 * byte for byte as `np.save` writes them (version 1.0, 64-byte aligned
 * header with growth padding).
 * @module
 */
import { formatShape, type HostDType, type HostTensor, shapeSize } from "./host_tensor.ts";
import { decodeElements, dtypeFromNumpyCode, DTYPES, encodeElements } from "./dtype.ts";
import { fortranStrides, gatherStrided } from "./strided.ts";
import { parsePythonLiteral } from "./python_literal.ts";
import { readSource } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Parses `.npy` bytes. Errors name `options.name`. */
export function decodeNpy(bytes: Uint8Array, options: { name?: string } = {}): HostTensor {
  const name = options.name ?? "<npy>";
  const fail = (msg: string): never => {
    throw new Error(`${name}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail("not a .npy file (bad magic)");
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail("truncated .npy header");
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) fail("truncated .npy header");
  const headerBytes = bytes.subarray(start, start + headerLen);
  const text = major === 3
    ? new TextDecoder().decode(headerBytes)
    : String.fromCharCode(...headerBytes);
  let header: ReturnType<typeof parsePythonLiteral>;
  try {
    header = parsePythonLiteral(text);
  } catch (e) {
    return fail(`bad .npy header: ${(e as Error).message}`);
  }
  if (!(header instanceof Map)) return fail("the .npy header is not a dict");
  const descr = header.get("descr");
  const fortran = header.get("fortran_order");
  const shapeValue = header.get("shape");
  if (typeof descr !== "string") return fail("the .npy header's descr is not a simple dtype");
  if (typeof fortran !== "boolean") return fail("the .npy header lacks fortran_order");
  if (
    !Array.isArray(shapeValue) || !shapeValue.every((d) => Number.isInteger(d) && Number(d) >= 0)
  ) {
    return fail("the .npy header's shape is not a tuple of sizes");
  }
  const shape = shapeValue as number[];
  const order = "<>|=".includes(descr[0]) ? descr[0] : "=";
  const dtype = dtypeFromNumpyCode("<>|=".includes(descr[0]) ? descr.slice(1) : descr);
  if (!dtype) return fail(`unsupported .npy dtype '${descr}'`);
  const n = shapeSize(shape);
  const dataStart = start + headerLen;
  const nbytes = n * DTYPES[dtype].itemSize;
  if (dataStart + nbytes > bytes.length) {
    fail(
      `truncated .npy data: shape ${formatShape(shape)} of ${dtype} needs ${nbytes} bytes, ` +
        `the file has ${bytes.length - dataStart}`,
    );
  }
  let data = decodeElements(bytes.subarray(dataStart, dataStart + nbytes), dtype, {
    bigEndian: order === ">",
  });
  if (fortran && shape.length > 1) {
    data = gatherStrided(data, { shape, strides: fortranStrides(shape), offset: 0 });
  }
  return { dtype, shape, data };
}

/** Reads a `.npy` file (or bytes). */
export async function readNpy(
  source: string | Uint8Array,
  options: { name?: string } = {},
): Promise<HostTensor> {
  const { bytes, name } = await readSource(source, options);
  return decodeNpy(bytes, { name });
}

/** Encodes a tensor as `np.save` would (version 1.0, little-endian, C order). */
export function encodeNpy(tensor: HostTensor): Uint8Array {
  const { shape } = tensor;
  if (shapeSize(shape) !== tensor.data.length) {
    throw new RangeError(`${tensor.data.length} values do not fit shape ${formatShape(shape)}`);
  }
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${
    descrOf(tensor.dtype)
  }', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  // np.save leaves room for the first axis to grow in place.
  if (shape.length > 0) header += " ".repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  let prefix = 10;
  let hlen = header.length + 1;
  let pad = ALIGN - ((prefix + hlen) % ALIGN);
  let major = 1;
  if (hlen + pad > 0xffff) {
    major = 2;
    prefix = 12;
    pad = ALIGN - ((prefix + hlen) % ALIGN);
  }
  hlen += pad;
  const raw = encodeElements(tensor.data, tensor.dtype);
  const out = new Uint8Array(prefix + hlen + raw.length);
  out.set(MAGIC);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.fill(0x20, prefix + header.length, prefix + hlen - 1);
  out[prefix + hlen - 1] = 0x0a;
  out.set(raw, prefix + hlen);
  return out;
}

/** Writes a `.npy` file atomically. */
export async function writeNpy(path: string, tensor: HostTensor): Promise<void> {
  await writeFileAtomic(path, encodeNpy(tensor));
}

function descrOf(dtype: HostDType): string {
  const info = DTYPES[dtype];
  return (info.itemSize === 1 ? "|" : "<") + info.numpyCode;
}
