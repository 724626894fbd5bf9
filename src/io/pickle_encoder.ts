/**
 * A pickle writer for a small tree of Python-like nodes, emitting the same
 * opcodes, memo entries and frames as CPython's pickler does for the same
 * objects (so numpy arrays and torch state dicts come out as Python would
 * write them, and load with plain `pickle.load` / `torch.load`).
 * @module
 */

/** A Python value to pickle. JS numbers are ints; floats use {@link pyFloat}. */
export type PyNode =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyBytes
  | PyTuple
  | PyList
  | PyDict
  | PyGlobalRef
  | PyReduce
  | PyPersistent;

/** A Python float. */
export interface PyFloat {
  kind: "float";
  value: number;
}
/** `bytes` or (`mutable`) `bytearray`. */
export interface PyBytes {
  kind: "bytes";
  value: Uint8Array;
  mutable: boolean;
}
/** A tuple. */
export interface PyTuple {
  kind: "tuple";
  items: PyNode[];
}
/** A list. */
export interface PyList {
  kind: "list";
  items: PyNode[];
}
/** A plain dict. */
export interface PyDict {
  kind: "dict";
  entries: Array<[PyNode, PyNode]>;
}
/** A class or function by name. */
export interface PyGlobalRef {
  kind: "global";
  module: string;
  name: string;
}
/** An object rebuilt as `fn(*args)`, then items added and `state` set, as `__reduce__` says. */
export interface PyReduce {
  kind: "reduce";
  fn: PyNode;
  args: PyTuple;
  dictItems?: Array<[PyNode, PyNode]>;
  state?: PyNode;
}
/** An object saved by persistent id (torch storages). */
export interface PyPersistent {
  kind: "persistent";
  pid: PyNode;
}

/** Node constructors. */
export const py = {
  /** A float. */
  float: (value: number): PyFloat => ({ kind: "float", value }),
  /** bytes. */
  bytes: (value: Uint8Array): PyBytes => ({ kind: "bytes", value, mutable: false }),
  /** bytearray (protocol 5 writes it as BYTEARRAY8). */
  bytearray: (value: Uint8Array): PyBytes => ({ kind: "bytes", value, mutable: true }),
  /** A tuple. */
  tuple: (...items: PyNode[]): PyTuple => ({ kind: "tuple", items }),
  /** A list. */
  list: (items: PyNode[]): PyList => ({ kind: "list", items }),
  /** A dict. */
  dict: (entries: Array<[PyNode, PyNode]>): PyDict => ({ kind: "dict", entries }),
  /** A global reference. */
  global: (module: string, name: string): PyGlobalRef => ({ kind: "global", module, name }),
  /** A reduced object. */
  reduce: (
    fn: PyNode,
    args: PyTuple,
    extra: { dictItems?: Array<[PyNode, PyNode]>; state?: PyNode } = {},
  ): PyReduce => ({ kind: "reduce", fn, args, ...extra }),
  /** A persistent id. */
  persistent: (pid: PyNode): PyPersistent => ({ kind: "persistent", pid }),
};

/** Pickle protocols we write. */
export type PickleProtocol = 2 | 3 | 4 | 5;

const FRAME_TARGET = 64 * 1024;
const FRAME_MIN = 4;
const FRAME_HEADER = 9;
const BATCH = 1000;
const UTF8 = new TextEncoder();

/** Pickles a node tree with the given protocol (2–5). */
export function encodePickle(node: PyNode, protocol: PickleProtocol = 5): Uint8Array {
  if (![2, 3, 4, 5].includes(protocol)) throw new RangeError(`unsupported protocol ${protocol}`);
  const w = new PickleWriter(protocol);
  return w.dump(node);
}

class PickleWriter {
  readonly #proto: PickleProtocol;
  #buf = new Uint8Array(4096);
  #len = 0;
  #framing = false;
  #frameStart = -1;
  /** Memo by object identity (nodes) or by value (strings, globals). */
  readonly #memo = new Map<unknown, number>();

  constructor(proto: PickleProtocol) {
    this.#proto = proto;
  }

  dump(node: PyNode): Uint8Array {
    this.#write(Uint8Array.of(0x80, this.#proto));
    if (this.#proto >= 4) this.#framing = true;
    this.#save(node);
    this.#write(Uint8Array.of(0x2e)); // STOP
    this.#commitFrame();
    return this.#buf.slice(0, this.#len);
  }

  #save(node: PyNode): void {
    this.#saveInner(node);
    // Like CPython's C pickler: close a frame once it has grown past the target.
    if (this.#framing && this.#frameStart >= 0) {
      if (this.#len - this.#frameStart - FRAME_HEADER >= FRAME_TARGET) this.#commitFrame();
    }
  }

  #saveInner(node: PyNode): void {
    if (node === null) return this.#op(0x4e);
    if (node === true) return this.#op(0x88);
    if (node === false) return this.#op(0x89);
    if (typeof node === "number") {
      if (!Number.isInteger(node)) throw new TypeError(`${node} is not an int (use py.float)`);
      return this.#int(BigInt(node));
    }
    if (typeof node === "bigint") return this.#int(node);
    if (typeof node === "string") return this.#str(node);
    const memoKey = node.kind === "global" ? `global:${node.module}.${node.name}` : node;
    if (node.kind !== "float" && node.kind !== "persistent" && this.#memo.has(memoKey)) {
      return this.#get(this.#memo.get(memoKey)!);
    }
    switch (node.kind) {
      case "float": {
        const b = new Uint8Array(9);
        b[0] = 0x47;
        new DataView(b.buffer).setFloat64(1, node.value, false);
        return this.#write(b);
      }
      case "bytes":
        return this.#bytes(node);
      case "tuple":
        return this.#tuple(node);
      case "list":
        this.#op(0x5d); // EMPTY_LIST
        this.#memoize(node);
        return this.#batch(node.items.map((x) => [x]), 0x61, 0x65);
      case "dict":
        this.#op(0x7d); // EMPTY_DICT
        this.#memoize(node);
        return this.#batch(node.entries, 0x73, 0x75);
      case "global":
        return this.#global(node, memoKey);
      case "reduce":
        this.#save(node.fn);
        this.#save(node.args);
        this.#op(0x52); // REDUCE
        this.#memoize(node);
        if (node.dictItems) this.#batch(node.dictItems, 0x73, 0x75);
        if (node.state !== undefined) {
          this.#save(node.state);
          this.#op(0x62); // BUILD
        }
        return;
      case "persistent":
        this.#save(node.pid);
        return this.#op(0x51); // BINPERSID
    }
  }

  #int(x: bigint): void {
    if (x >= 0n && x < 256n) return this.#write(Uint8Array.of(0x4b, Number(x)));
    if (x >= 0n && x < 65536n) {
      return this.#write(Uint8Array.of(0x4d, Number(x) & 0xff, Number(x) >> 8));
    }
    if (x >= -(1n << 31n) && x < 1n << 31n) {
      const b = new Uint8Array(5);
      b[0] = 0x4a;
      new DataView(b.buffer).setInt32(1, Number(x), true);
      return this.#write(b);
    }
    // LONG1: minimal little-endian two's complement.
    const bytes: number[] = [];
    let v = x;
    for (;;) {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
      const sign = bytes[bytes.length - 1] & 0x80;
      if ((v === 0n && !sign) || (v === -1n && sign)) break;
    }
    if (bytes.length > 255) throw new RangeError("integer too large to pickle");
    this.#write(Uint8Array.of(0x8a, bytes.length, ...bytes));
  }

  #str(s: string): void {
    if (this.#memo.has(`str:${s}`)) return this.#get(this.#memo.get(`str:${s}`)!);
    const b = UTF8.encode(s);
    if (this.#proto >= 4 && b.length < 256) {
      this.#write(Uint8Array.of(0x8c, b.length));
    } else {
      this.#write(this.#lenHeader(0x58, b.length, 4));
    }
    this.#write(b);
    this.#memoize(`str:${s}`);
  }

  #bytes(node: PyBytes): void {
    const b = node.value;
    if (this.#proto < 3) {
      // Protocol 2 has no bytes opcode: Python writes _codecs.encode(latin-1 text, 'latin1').
      let text = "";
      for (let i = 0; i < b.length; i += 8192) {
        text += String.fromCharCode(...b.subarray(i, i + 8192));
      }
      const encode = py.global("_codecs", "encode");
      if (node.mutable) {
        this.#save(py.global("builtins", "bytearray"));
        this.#save(py.tuple(text, "latin-1"));
      } else {
        this.#save(encode);
        this.#save(py.tuple(text, "latin1"));
      }
      this.#op(0x52);
      return this.#memoize(node);
    }
    let header: Uint8Array;
    if (node.mutable) {
      if (this.#proto < 5) {
        this.#save(py.global("builtins", "bytearray"));
        this.#save(py.tuple(py.bytes(b)));
        this.#op(0x52);
        return this.#memoize(node);
      }
      header = this.#lenHeader(0x96, b.length, 8);
    } else if (b.length < 256) {
      header = Uint8Array.of(0x43, b.length);
    } else if (b.length <= 0xffffffff) {
      header = this.#lenHeader(0x42, b.length, 4);
    } else {
      header = this.#lenHeader(0x8e, b.length, 8);
    }
    if (this.#framing && b.length >= FRAME_TARGET) {
      // Large payloads go outside frames, as CPython writes them.
      this.#commitFrame();
      this.#framing = false;
      this.#write(header);
      this.#write(b);
      this.#framing = true;
    } else {
      this.#write(header);
      this.#write(b);
    }
    this.#memoize(node);
  }

  #tuple(node: PyTuple): void {
    const n = node.items.length;
    if (n === 0) return this.#op(0x29); // EMPTY_TUPLE, never memoized
    if (n <= 3) {
      for (const x of node.items) this.#save(x);
      this.#op([0x85, 0x86, 0x87][n - 1]);
    } else {
      this.#op(0x28); // MARK
      for (const x of node.items) this.#save(x);
      this.#op(0x74); // TUPLE
    }
    this.#memoize(node);
  }

  #global(node: PyGlobalRef, key: unknown): void {
    if (this.#proto >= 4) {
      this.#str(node.module);
      this.#str(node.name);
      this.#op(0x93); // STACK_GLOBAL
    } else {
      this.#write(UTF8.encode(`c${node.module}\n${node.name}\n`));
    }
    this.#memoize(key);
  }

  /** Items one at a time (`one`) or in MARK … `many` batches of 1000, as pickle does. */
  #batch(items: PyNode[][], one: number, many: number): void {
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH);
      if (chunk.length === 1) {
        for (const x of chunk[0]) this.#save(x);
        this.#op(one);
      } else {
        this.#op(0x28);
        for (const item of chunk) for (const x of item) this.#save(x);
        this.#op(many);
      }
    }
  }

  #memoize(key: unknown): void {
    const idx = this.#memo.size;
    this.#memo.set(key, idx);
    if (this.#proto >= 4) return this.#op(0x94); // MEMOIZE
    if (idx < 256) return this.#write(Uint8Array.of(0x71, idx)); // BINPUT
    this.#write(this.#lenHeader(0x72, idx, 4)); // LONG_BINPUT
  }

  #get(idx: number): void {
    if (idx < 256) return this.#write(Uint8Array.of(0x68, idx)); // BINGET
    this.#write(this.#lenHeader(0x6a, idx, 4)); // LONG_BINGET
  }

  #lenHeader(op: number, n: number, size: 4 | 8): Uint8Array {
    const b = new Uint8Array(1 + size);
    b[0] = op;
    const v = new DataView(b.buffer);
    if (size === 4) v.setUint32(1, n, true);
    else v.setBigUint64(1, BigInt(n), true);
    return b;
  }

  #op(op: number): void {
    this.#write(Uint8Array.of(op));
  }

  #write(bytes: Uint8Array): void {
    if (this.#framing && this.#frameStart < 0) {
      this.#frameStart = this.#len;
      this.#reserve(FRAME_HEADER);
      this.#len += FRAME_HEADER;
    }
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  #commitFrame(): void {
    if (!this.#framing || this.#frameStart < 0) return;
    const start = this.#frameStart;
    const frameLen = this.#len - start - FRAME_HEADER;
    if (frameLen >= FRAME_MIN) {
      this.#buf[start] = 0x95; // FRAME
      new DataView(this.#buf.buffer).setBigUint64(start + 1, BigInt(frameLen), true);
    } else {
      this.#buf.copyWithin(start, start + FRAME_HEADER, this.#len);
      this.#len -= FRAME_HEADER;
    }
    this.#frameStart = -1;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}
