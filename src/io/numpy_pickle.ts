/**
 * Pickled numpy arrays (BA-LR's `<stem>_emb.pkl` / `<stem>_ba.pkl`): read
 * any protocol 0–5 through the safe unpickler, write protocol 5 (numpy's
 * `_frombuffer` + BYTEARRAY8 form) or 2 (`_reconstruct` + `_codecs.encode`)
 * byte for byte as Python and numpy 1.x write them.
 * @module
 */
import { formatShape, type HostTensor, isHostTensor } from "./host_tensor.ts";
import { DTYPES, encodeElements } from "./dtype.ts";
import { unpickle } from "./pickle.ts";
import { resolveSafeGlobal } from "./pickle_globals.ts";
import { encodePickle, type PickleProtocol, py, type PyNode } from "./pickle_encoder.ts";
import { readSource } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Parses the bytes of a pickled numpy array. Errors name `options.name`. */
export function decodeNumpyPickle(bytes: Uint8Array, options: { name?: string } = {}): HostTensor {
  const name = options.name ?? "<pickle>";
  const value = unpickle(bytes, { name, resolveGlobal: resolveSafeGlobal });
  if (!isHostTensor(value)) {
    const what = value === null ? "None" : Array.isArray(value) ? "a list" : typeof value;
    throw new TypeError(`${name}: the pickle holds ${what}, not a numpy array`);
  }
  return value;
}

/** Reads a pickled numpy array from a path or bytes. */
export async function readNumpyPickle(
  source: string | Uint8Array,
  options: { name?: string } = {},
): Promise<HostTensor> {
  const { bytes, name } = await readSource(source, options);
  return decodeNumpyPickle(bytes, { name });
}

/** Options for {@link encodeNumpyPickle}. */
export interface NumpyPickleOptions {
  /** 5 (default, as Python ≥ 3.8 with numpy writes for protocol 5) down to 2. */
  protocol?: PickleProtocol;
}

/** Pickles a tensor as a C-ordered numpy array. */
export function encodeNumpyPickle(
  tensor: HostTensor,
  options: NumpyPickleOptions = {},
): Uint8Array {
  return encodePickle(numpyArrayNode(tensor, options.protocol ?? 5), options.protocol ?? 5);
}

/** Writes a pickled numpy array atomically. */
export async function writeNumpyPickle(
  path: string,
  tensor: HostTensor,
  options: NumpyPickleOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeNumpyPickle(tensor, options));
}

/** The node tree numpy's `ndarray.__reduce_ex__(protocol)` gives for a C-contiguous array. */
export function numpyArrayNode(tensor: HostTensor, protocol: PickleProtocol): PyNode {
  const info = DTYPES[tensor.dtype];
  const n = tensor.shape.reduce((a, b) => a * b, 1);
  if (n !== tensor.data.length) {
    throw new RangeError(
      `${tensor.data.length} values do not fit shape ${formatShape(tensor.shape)}`,
    );
  }
  const raw = encodeElements(tensor.data, tensor.dtype);
  const dtype = py.reduce(py.global("numpy", "dtype"), py.tuple(info.numpyCode, false, true), {
    state: py.tuple(3, info.itemSize === 1 ? "|" : "<", null, null, null, -1, -1, 0),
  });
  const shape = py.tuple(...tensor.shape);
  if (protocol >= 5) {
    return py.reduce(
      py.global("numpy.core.numeric", "_frombuffer"),
      py.tuple(py.bytearray(raw), dtype, shape, "C"),
    );
  }
  return py.reduce(
    py.global("numpy.core.multiarray", "_reconstruct"),
    py.tuple(py.global("numpy", "ndarray"), py.tuple(0), py.bytes(Uint8Array.of(0x62))),
    { state: py.tuple(1, shape, dtype, false, py.bytes(raw)) },
  );
}
