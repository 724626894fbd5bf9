/**
 * The whitelist of Python globals a pickle may name: numpy array, dtype and
 * scalar reconstruction, torch tensor/storage reconstruction,
 * `collections.OrderedDict`, and a few builtins that only build data. Each
 * entry is our own implementation producing plain values; nothing of the
 * pickle is executed.
 * @module
 */
import { type HostData, type HostDType, type HostTensor, shapeSize } from "./host_tensor.ts";
import {
  decodeElements,
  dtypeFromNumpyCode,
  dtypeFromTorchStorage,
  hostDTypeOf,
  type StoredDType,
  storedItemSize,
} from "./dtype.ts";
import { fortranStrides, gatherStrided, isContiguous } from "./strided.ts";
import {
  PickleGlobal,
  type PickleGlobalResolver,
  PickleObject,
  type PickleValue,
} from "./pickle.ts";

/** A numpy dtype object while unpickling: its type code and byte order. */
export class NumpyDType extends PickleObject {
  /** `code` as numpy.dtype() received it (`f4`); `byteOrder` from its state (`<`, `>`, `|`). */
  constructor(public code: string, public byteOrder = "=") {
    super("numpy.dtype", { code });
  }

  /** The element type, or a clear error for strings, objects and records. */
  hostDType(): HostDType {
    let code = this.code;
    if ("<>|=".includes(code[0])) code = code.slice(1);
    const dtype = dtypeFromNumpyCode(code);
    if (!dtype) throw new TypeError(`numpy dtype '${this.code}' is not supported`);
    return dtype;
  }

  /** True when elements are stored most significant byte first. */
  get bigEndian(): boolean {
    const order = "<>".includes(this.code[0]) ? this.code[0] : this.byteOrder;
    return order === ">";
  }
}

/** A loaded torch storage: the whole flat array that tensors view. */
export class TorchStorage extends PickleObject {
  /** Set once a tensor has taken `data` itself (so later views must copy). */
  claimed = false;
  /** `dtype` is the stored type; `data` is already widened when it is a half type. */
  constructor(readonly dtype: StoredDType, readonly data: HostData, readonly key: string) {
    super("torch.storage", { key });
  }
}

type Impl = (args: unknown[], context: Parameters<NonNullable<PickleGlobal["call"]>>[1]) => unknown;

const NDARRAY = "numpy.ndarray";

function numpyEntries(prefix: string): Array<[string, Impl | undefined]> {
  return [
    [`${prefix}.multiarray._reconstruct`, reconstructNdarray],
    [`${prefix}.multiarray.scalar`, numpyScalar],
    [`${prefix}.numeric._frombuffer`, frombuffer],
  ];
}

const TABLE = new Map<string, Impl | undefined>([
  ["collections.OrderedDict", orderedDict],
  ["builtins.set", (args) => [...asList(args[0] ?? [], "set() argument")]],
  ["builtins.frozenset", (args) => [...asList(args[0] ?? [], "frozenset() argument")]],
  ["builtins.bytearray", bytearray],
  ["_codecs.encode", codecsEncode],
  [NDARRAY, undefined],
  ["numpy.dtype", (args, context) => {
    const dtype = new NumpyDType(asString(args[0], "dtype code"));
    context.onBuild(dtype, (state) => setDTypeState(dtype, state));
    return dtype;
  }],
  ...numpyEntries("numpy.core"),
  ...numpyEntries("numpy._core"),
  ["torch._utils._rebuild_tensor", (args) => rebuildTensor(args)],
  ["torch._utils._rebuild_tensor_v2", (args) => rebuildTensor(args)],
  ["torch._utils._rebuild_parameter", (args) => asTensor(args[0])],
  ["torch._utils._rebuild_parameter_with_state", (args) => asTensor(args[0])],
  // Tensors carrying Python attributes: (rebuild function, class, its args, attributes).
  ["torch._tensor._rebuild_from_type_v2", (args, context) => {
    const [fn, , fnArgs] = args;
    if (!(fn instanceof PickleGlobal) || !fn.call) throw new TypeError("no rebuild function");
    return asTensor(fn.call(asList(fnArgs, "rebuild arguments"), context));
  }],
  ["torch.Tensor", undefined],
  ["torch.nn.parameter.Parameter", undefined],
  ["torch.device", (args) => args.length > 1 ? `${args[0]}:${args[1]}` : String(args[0])],
  ["torch.Size", (args) => [...asList(args[0] ?? [], "torch.Size argument")]],
  ["torch.UntypedStorage", undefined],
  ["torch.storage.UntypedStorage", undefined],
]);

/** Resolved globals by module, then name (no string building per lookup). */
const cache = new Map<string, Map<string, PickleGlobal>>();

/**
 * The resolver for numpy arrays and torch checkpoints; anything it does not
 * list is refused by the unpickler.
 */
export const resolveSafeGlobal: PickleGlobalResolver = (module, name) => {
  const hit = cache.get(module)?.get(name);
  if (hit) return hit;
  const key = `${module}.${name}`;
  let g: PickleGlobal | undefined;
  if (TABLE.has(key)) {
    g = new PickleGlobal(module, name, TABLE.get(key));
  } else if (module === "torch" || module === "torch.storage") {
    const dtype = name === "UntypedStorage" ? "uint8" : dtypeFromTorchStorage(name);
    if (dtype) g = new StorageTypeGlobal(module, name, dtype);
  }
  // Only whitelisted globals are cached, so hostile input cannot grow the cache.
  if (g) {
    if (!cache.has(module)) cache.set(module, new Map());
    cache.get(module)!.set(name, g);
  }
  return g;
};

/** A torch storage class reference: a whitelisted global that is not callable. */
export class StorageTypeGlobal extends PickleGlobal {
  constructor(module: string, name: string, readonly dtype: StoredDType) {
    super(module, name);
  }
}

function orderedDict(args: unknown[]): Map<string, unknown> {
  const d = new Map<string, unknown>();
  if (args.length && args[0] !== null) {
    // Protocol 0/1 pickle OrderedDict as OrderedDict([[k, v], ...]).
    for (const pair of asList(args[0], "OrderedDict items")) {
      const [k, v] = asList(pair, "OrderedDict item");
      d.set(asString(k, "OrderedDict key"), v);
    }
  }
  return d;
}

function bytearray(args: unknown[]): Uint8Array {
  if (!args.length) return new Uint8Array(0);
  if (args[0] instanceof Uint8Array) return args[0].slice();
  if (typeof args[0] === "string") return codecsEncode([args[0], args[1] ?? "utf-8"]);
  throw new TypeError("bytearray() needs bytes or a string");
}

/** `_codecs.encode(text, encoding)`: how protocol 2 spells bytes. */
function codecsEncode(args: unknown[]): Uint8Array {
  const text = asString(args[0], "encode() text");
  const enc = String(args[1] ?? "utf-8").toLowerCase().replace("_", "-");
  if (enc === "latin1" || enc === "latin-1" || enc === "iso-8859-1") {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 255) throw new RangeError("latin-1 text holds a character above U+00FF");
      out[i] = c;
    }
    return out;
  }
  if (enc === "utf-8" || enc === "utf8" || enc === "ascii") return new TextEncoder().encode(text);
  throw new TypeError(`encoding '${args[1]}' is not supported`);
}

/** A bytes-like argument (protocol 2 may give it as latin-1 text). */
function asBytes(x: unknown, what: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (typeof x === "string") return codecsEncode([x, "latin1"]);
  throw new TypeError(`${what} is not bytes`);
}

function setDTypeState(dtype: NumpyDType, state: unknown): void {
  const s = asList(state, "dtype state");
  // Versions 3/4: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, meta]).
  const byteOrder = s.length >= 2 && typeof s[1] === "string" ? s[1] : "=";
  if (s.length >= 4 && (s[2] !== null || s[3] !== null)) {
    throw new TypeError("structured or sub-array numpy dtypes are not supported");
  }
  dtype.byteOrder = byteOrder;
}

function asDType(x: unknown): NumpyDType {
  if (!(x instanceof NumpyDType)) throw new TypeError("expected a numpy dtype");
  return x;
}

/** numpy's `_reconstruct(ndarray, (0,), b'b')`: an empty array filled by BUILD. */
function reconstructNdarray(args: unknown[], context: Parameters<Impl>[1]): HostTensor {
  const cls = args[0];
  if (!(cls instanceof PickleGlobal) || `${cls.module}.${cls.name}` !== NDARRAY) {
    throw new TypeError("only numpy.ndarray can be reconstructed (no subclasses)");
  }
  const tensor: HostTensor = { dtype: "float64", shape: [0], data: new Float64Array(0) };
  context.onBuild(tensor, (state) => {
    // Version 1: (1, shape, dtype, is_fortran, rawdata); version 0 lacks the leading 1.
    let s = asList(state, "ndarray state");
    if (s.length === 5) s = s.slice(1);
    if (s.length !== 4) throw new TypeError("unexpected ndarray state");
    const [shape, dtype, fortran, raw] = s;
    if (Array.isArray(raw)) throw new TypeError("numpy object arrays are not supported");
    Object.assign(
      tensor,
      arrayFromBytes(asBytes(raw, "ndarray data"), asDType(dtype), {
        shape: asShape(shape),
        fortran: fortran === true || fortran === 1,
      }),
    );
  });
  return tensor;
}

/** numpy's protocol-5 form: `_frombuffer(buffer, dtype, shape, order)`. */
function frombuffer(args: unknown[]): HostTensor {
  const [buf, dtype, shape, order] = args;
  return arrayFromBytes(asBytes(buf, "_frombuffer buffer"), asDType(dtype), {
    shape: asShape(shape),
    fortran: order === "F",
  });
}

/** `numpy.core.multiarray.scalar(dtype, bytes)`: one number. */
function numpyScalar(args: unknown[]): PickleValue {
  const dtype = asDType(args[0]);
  const t = arrayFromBytes(asBytes(args[1], "scalar data"), dtype, { shape: [], fortran: false });
  const v = t.data[0];
  if (t.dtype === "bool") return v !== 0;
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  }
  return v;
}

function arrayFromBytes(
  raw: Uint8Array,
  dtype: NumpyDType,
  layout: { shape: number[]; fortran: boolean },
): HostTensor {
  const hostDType = dtype.hostDType();
  const n = shapeSize(layout.shape);
  const expected = n * storedItemSize(hostDType);
  if (raw.length !== expected) {
    throw new RangeError(
      `array data holds ${raw.length} bytes, shape [${layout.shape}] of ${hostDType} needs ${expected}`,
    );
  }
  let data = decodeElements(raw, hostDType, { bigEndian: dtype.bigEndian });
  if (layout.fortran && layout.shape.length > 1) {
    data = gatherStrided(data, {
      shape: layout.shape,
      strides: fortranStrides(layout.shape),
      offset: 0,
    });
  }
  return { dtype: hostDType, shape: layout.shape, data };
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`. */
function rebuildTensor(args: unknown[]): HostTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) throw new TypeError("tensor without a storage");
  const shape = asShape(size);
  const strides = asShape(stride, true);
  if (typeof offset !== "number") throw new TypeError("storage offset is not an integer");
  let data: HostData;
  const n = shape.reduce((a, b) => a * b, 1);
  if (
    !storage.claimed && offset === 0 && n === storage.data.length && isContiguous(shape, strides)
  ) {
    // The usual state_dict case: one tensor covering its storage. Hand over the
    // array without a copy; other views of this storage still get copies.
    storage.claimed = true;
    return { dtype: hostDTypeOf(storage.dtype), shape, data: storage.data };
  }
  try {
    data = gatherStrided(storage.data, { shape, strides, offset });
  } catch (e) {
    throw new RangeError(`storage ${storage.key}: ${(e as Error).message}`);
  }
  return { dtype: hostDTypeOf(storage.dtype), shape, data };
}

function asTensor(x: unknown): unknown {
  if (typeof x !== "object" || x === null || !("data" in x) || !("shape" in x)) {
    throw new TypeError("parameter data is not a tensor");
  }
  return x;
}

function asList(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new TypeError(`${what} is not a tuple or list`);
  return x;
}

function asString(x: unknown, what: string): string {
  if (typeof x !== "string") throw new TypeError(`${what} is not a string`);
  return x;
}

function asShape(x: unknown, allowNegative = false): number[] {
  const list = asList(x, "shape");
  return list.map((d) => {
    if (typeof d !== "number" || !Number.isInteger(d) || (!allowNegative && d < 0)) {
      throw new TypeError(`bad dimension ${String(d)} in [${list.join(", ")}]`);
    }
    return d;
  });
}
