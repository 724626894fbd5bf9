/**
 * A safe unpickler: a stack machine for pickle protocols 0–5 that builds
 * plain values and calls only whitelisted constructors (numpy arrays,
 * torch tensors, OrderedDict; see pickle_globals.ts). A pickle naming any
 * other global is refused before anything of it is used; nothing is ever
 * executed.
 * @module
 */
import type { HostTensor } from "./host_tensor.ts";

/** A Python object that is not plain data: a class, a function, a numpy dtype. */
export class PickleObject {
  /** `type` names the Python kind (`numpy.dtype`, `global`, …). */
  constructor(readonly type: string, readonly fields: Record<string, unknown> = {}) {}
}

/** What an unpickled value can be. Tuples, lists and sets become arrays. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | HostTensor
  | PickleValue[]
  | PickleDict
  | PickleObject;

/**
 * A dict (or OrderedDict), in insertion order. Keys that are not strings
 * are turned into their Python repr (`0`, `True`, `None`, `(1, 2)`).
 */
export type PickleDict = Map<string, PickleValue>;

/** Services a whitelisted global may use while it is called. */
export interface PickleCallContext {
  /** Registers how a BUILD opcode sets the state of `target` (made by this call). */
  onBuild(target: object, setState: (state: unknown) => void): void;
}

/** A whitelisted Python global: a class or function the pickle may name. */
export class PickleGlobal extends PickleObject {
  /**
   * `call` runs for REDUCE/NEWOBJ/OBJ/INST with the argument tuple; a
   * global without one is a marker only (a class passed as an argument).
   */
  constructor(
    readonly module: string,
    readonly name: string,
    readonly call?: (args: unknown[], context: PickleCallContext) => unknown,
  ) {
    super("global", { module, name });
  }
}

/** Resolves `module.name` to a whitelisted global, or undefined to refuse it. */
export type PickleGlobalResolver = (module: string, name: string) => PickleGlobal | undefined;

/** Options for {@link unpickle}. */
export interface UnpickleOptions {
  /** Shown in every error (a path). */
  name?: string;
  /** The whitelist; without it any global is refused. */
  resolveGlobal?: PickleGlobalResolver;
  /** Resolves persistent ids (torch storages); without it they are refused. */
  persistentLoad?: (pid: unknown) => unknown;
}

const UTF8 = new TextDecoder("utf-8");

/**
 * Unpickles `bytes`. Throws an Error naming `options.name` for truncated
 * or malformed input and for any global outside the whitelist.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): PickleValue {
  return new Unpickler(bytes, options).run() as PickleValue;
}

/** The Python repr of a simple dict key, used as its string key. */
export function pickleKeyString(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null) return "None";
  if (key === true) return "True";
  if (key === false) return "False";
  if (typeof key === "number" || typeof key === "bigint") return String(key);
  if (Array.isArray(key)) {
    const parts = key.map((k) => typeof k === "string" ? `'${k}'` : pickleKeyString(k));
    return `(${parts.join(", ")}${key.length === 1 ? "," : ""})`;
  }
  throw new TypeError(`unsupported dict key of type ${typeof key}`);
}

class Unpickler {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #name: string;
  readonly #options: UnpickleOptions;
  #pos = 0;
  #stack: unknown[] = [];
  readonly #marks: unknown[][] = [];
  /** Memo entries by index (dense in practice; `undefined` marks a hole). */
  readonly #memo: unknown[] = [];
  #builders?: Map<object, (state: unknown) => void>;
  readonly #context: PickleCallContext = {
    onBuild: (target, setState) => (this.#builders ??= new Map()).set(target, setState),
  };

  constructor(bytes: Uint8Array, options: UnpickleOptions) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#name = options.name ?? "<pickle>";
    this.#options = options;
  }

  run(): unknown {
    try {
      return this.#loop();
    } catch (e) {
      if (e instanceof PickleError) throw new Error(`${this.#name}: ${e.message}`, { cause: e });
      throw new Error(
        `${this.#name}: malformed pickle near byte ${this.#pos}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  #loop(): unknown {
    const b = this.#bytes;
    for (;;) {
      if (this.#pos >= b.length) throw new PickleError("truncated pickle (no STOP opcode)");
      const at = this.#pos;
      const op = b[this.#pos++];
      switch (op) {
        case 0x80: { // PROTO
          const proto = this.#u8();
          if (proto > 5) throw new PickleError(`unsupported pickle protocol ${proto}`);
          break;
        }
        case 0x95: // FRAME: the whole input is in memory, so frames only need skipping
          this.#take(8);
          break;
        case 0x2e: // STOP
          return this.#pop();
        case 0x28: // MARK
          this.#marks.push(this.#stack);
          this.#stack = [];
          break;
        case 0x30: // POP
          if (this.#stack.length) this.#stack.pop();
          else this.#popMark();
          break;
        case 0x31: // POP_MARK
          this.#popMark();
          break;
        case 0x32: // DUP
          this.#push(this.#top());
          break;

        // Numbers, None, booleans.
        case 0x4e: // NONE
          this.#push(null);
          break;
        case 0x88: // NEWTRUE
          this.#push(true);
          break;
        case 0x89: // NEWFALSE
          this.#push(false);
          break;
        case 0x4b: // BININT1
          this.#push(this.#u8());
          break;
        case 0x4d: // BININT2
          this.#push(this.#view.getUint16(this.#take(2), true));
          break;
        case 0x4a: // BININT
          this.#push(this.#view.getInt32(this.#take(4), true));
          break;
        case 0x8a: // LONG1
          this.#push(this.#long(this.#u8()));
          break;
        case 0x8b: { // LONG4
          const n = this.#view.getInt32(this.#take(4), true);
          if (n < 0) throw new PickleError("negative LONG4 length");
          this.#push(this.#long(n));
          break;
        }
        case 0x47: // BINFLOAT (big-endian double)
          this.#push(this.#view.getFloat64(this.#take(8), false));
          break;
        case 0x49: { // INT (text; "I01"/"I00" are True/False)
          const s = this.#line();
          this.#push(s === "01" ? true : s === "00" ? false : this.#parseInt(s));
          break;
        }
        case 0x4c: // LONG (text, trailing L)
          this.#push(this.#parseInt(this.#line().replace(/L$/, "")));
          break;
        case 0x46: { // FLOAT (text)
          const s = this.#line();
          const x = Number(s);
          if (Number.isNaN(x) && !/^[-+]?nan$/i.test(s)) throw new PickleError(`bad FLOAT ${s}`);
          this.#push(x);
          break;
        }

        // Strings and bytes.
        case 0x58: // BINUNICODE
          this.#push(this.#utf8(this.#view.getUint32(this.#take(4), true)));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.#push(this.#utf8(this.#u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.#push(this.#utf8(this.#u64()));
          break;
        case 0x56: // UNICODE (raw-unicode-escape text)
          this.#push(rawUnicodeEscape(this.#line()));
          break;
        case 0x55: // SHORT_BINSTRING (Python 2 str: kept as latin-1 text)
          this.#push(latin1(this.#bytesOf(this.#u8())));
          break;
        case 0x54: { // BINSTRING
          const n = this.#view.getInt32(this.#take(4), true);
          if (n < 0) throw new PickleError("negative BINSTRING length");
          this.#push(latin1(this.#bytesOf(n)));
          break;
        }
        case 0x53: // STRING (quoted Python 2 repr)
          this.#push(pythonStringLiteral(this.#line()));
          break;
        // Bytes are views into the input (no copy): array builders copy what they keep.
        case 0x43: // SHORT_BINBYTES
          this.#push(this.#bytesOf(this.#u8()));
          break;
        case 0x42: // BINBYTES
          this.#push(this.#bytesOf(this.#view.getUint32(this.#take(4), true)));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.#push(this.#bytesOf(this.#u64()));
          break;
        case 0x97: // NEXT_BUFFER
          throw new PickleError("pickle uses out-of-band buffers, which are not supported");
        case 0x98: // READONLY_BUFFER
          this.#top();
          break;

        // Containers.
        case 0x29: // EMPTY_TUPLE
          this.#push([]);
          break;
        case 0x85: // TUPLE1
          this.#push([this.#pop()]);
          break;
        case 0x86: { // TUPLE2
          const b1 = this.#pop();
          this.#push([this.#pop(), b1]);
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.#pop();
          const b1 = this.#pop();
          this.#push([this.#pop(), b1, c]);
          break;
        }
        case 0x74: // TUPLE
        case 0x6c: // LIST
        case 0x91: // FROZENSET
          this.#push(this.#popMark());
          break;
        case 0x5d: // EMPTY_LIST
        case 0x8f: // EMPTY_SET
          this.#push([]);
          break;
        case 0x7d: // EMPTY_DICT
          this.#push(new Map());
          break;
        case 0x64: { // DICT
          const items = this.#popMark();
          const d = new Map<string, unknown>();
          for (let i = 0; i + 1 < items.length; i += 2) d.set(this.#key(items[i]), items[i + 1]);
          this.#push(d);
          break;
        }
        case 0x61: { // APPEND
          const x = this.#pop();
          this.#list(this.#top()).push(x);
          break;
        }
        case 0x65: // APPENDS
        case 0x90: { // ADDITEMS
          const items = this.#popMark();
          const list = this.#list(this.#top());
          for (const x of items) list.push(x);
          break;
        }
        case 0x73: { // SETITEM
          const v = this.#pop();
          const k = this.#pop();
          this.#dict(this.#top()).set(this.#key(k), v);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.#popMark();
          const d = this.#dict(this.#top());
          for (let i = 0; i + 1 < items.length; i += 2) d.set(this.#key(items[i]), items[i + 1]);
          break;
        }

        // Memo.
        case 0x70: // PUT
          this.#memoPut(this.#parseIndex(this.#line()));
          break;
        case 0x71: // BINPUT
          this.#memoPut(this.#u8());
          break;
        case 0x72: // LONG_BINPUT
          this.#memoPut(this.#view.getUint32(this.#take(4), true));
          break;
        case 0x94: // MEMOIZE
          this.#memoPut(this.#memo.length);
          break;
        case 0x67: // GET
          this.#push(this.#memoGet(this.#parseIndex(this.#line())));
          break;
        case 0x68: // BINGET
          this.#push(this.#memoGet(this.#u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.#push(this.#memoGet(this.#view.getUint32(this.#take(4), true)));
          break;

        // Globals and object construction: only through the whitelist.
        case 0x63: { // GLOBAL
          const module = this.#line();
          this.#push(this.#global(module, this.#line()));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== "string" || typeof name !== "string") {
            throw new PickleError("STACK_GLOBAL needs two strings");
          }
          this.#push(this.#global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.#pop();
          this.#push(this.#call(this.#pop(), args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.#pop();
          this.#push(this.#call(this.#pop(), args));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.#pop();
          const args = this.#pop();
          if (!(kwargs instanceof Map) || kwargs.size > 0) {
            throw new PickleError("NEWOBJ_EX with keyword arguments is not supported");
          }
          this.#push(this.#call(this.#pop(), args));
          break;
        }
        case 0x6f: { // OBJ
          const items = this.#popMark();
          if (!items.length) throw new PickleError("OBJ without a class");
          this.#push(this.#call(items[0], items.slice(1)));
          break;
        }
        case 0x69: { // INST
          const module = this.#line();
          const cls = this.#global(module, this.#line());
          this.#push(this.#call(cls, this.#popMark()));
          break;
        }
        case 0x62: { // BUILD
          const state = this.#pop();
          this.#build(this.#top(), state);
          break;
        }
        case 0x50: // PERSID
          this.#push(this.#persistent(this.#line()));
          break;
        case 0x51: // BINPERSID
          this.#push(this.#persistent(this.#pop()));
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          throw new PickleError("pickle uses the copyreg extension registry, which is refused");
        default:
          throw new PickleError(`unknown pickle opcode 0x${op.toString(16)} at byte ${at}`);
      }
    }
  }

  #global(module: string, name: string): PickleGlobal {
    const g = this.#options.resolveGlobal?.(module, name);
    if (!g) {
      throw new PickleError(
        `refusing to load: the pickle names the global ${module}.${name}, which is not in the ` +
          "whitelist (only numpy arrays, torch tensors and OrderedDict are allowed)",
      );
    }
    return g;
  }

  #call(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof PickleGlobal)) {
      throw new PickleError("REDUCE on something that is not a whitelisted global");
    }
    if (!callable.call) {
      throw new PickleError(`${callable.module}.${callable.name} cannot be called`);
    }
    if (!Array.isArray(args)) throw new PickleError("REDUCE arguments are not a tuple");
    try {
      return callable.call(args, this.#context);
    } catch (e) {
      throw new PickleError(`${callable.module}.${callable.name}: ${(e as Error).message}`);
    }
  }

  #build(target: unknown, state: unknown): void {
    const setState = typeof target === "object" && target !== null
      ? this.#builders?.get(target)
      : undefined;
    if (setState) {
      try {
        setState(state);
      } catch (e) {
        throw new PickleError(`setting object state: ${(e as Error).message}`);
      }
      return;
    }
    // OrderedDict attributes (a state_dict's `_metadata`) are not items: ignore them.
    if (target instanceof Map) return;
    throw new PickleError("BUILD on an object that takes no state");
  }

  #persistent(pid: unknown): unknown {
    const load = this.#options.persistentLoad;
    if (!load) throw new PickleError("the pickle refers to a persistent id outside a checkpoint");
    try {
      return load(pid);
    } catch (e) {
      throw new PickleError((e as Error).message);
    }
  }

  #key(k: unknown): string {
    try {
      return pickleKeyString(k);
    } catch (e) {
      throw new PickleError((e as Error).message);
    }
  }

  #list(x: unknown): unknown[] {
    if (!Array.isArray(x)) throw new PickleError("APPEND target is not a list");
    return x;
  }

  #dict(x: unknown): Map<string, unknown> {
    if (!(x instanceof Map)) throw new PickleError("SETITEM target is not a dict");
    return x;
  }

  #memoGet(i: number): unknown {
    const v = this.#memo[i];
    if (v === undefined) throw new PickleError(`memo key ${i} is missing`);
    return v;
  }

  #memoPut(i: number): void {
    // Indices come from the file: refuse absurd ones rather than grow a huge array.
    if (i > this.#memo.length + 1_000_000) throw new PickleError(`memo index ${i} is too large`);
    this.#memo[i] = this.#top();
  }

  #push(x: unknown): void {
    this.#stack.push(x);
  }

  #pop(): unknown {
    if (!this.#stack.length) throw new PickleError(`stack underflow at byte ${this.#pos - 1}`);
    return this.#stack.pop();
  }

  #top(): unknown {
    if (!this.#stack.length) throw new PickleError(`empty stack at byte ${this.#pos - 1}`);
    return this.#stack[this.#stack.length - 1];
  }

  #popMark(): unknown[] {
    const items = this.#stack;
    const prev = this.#marks.pop();
    if (!prev) throw new PickleError(`no MARK on the stack at byte ${this.#pos - 1}`);
    this.#stack = prev;
    return items;
  }

  #take(n: number): number {
    const at = this.#pos;
    if (n < 0 || at + n > this.#bytes.length) {
      throw new PickleError(`truncated pickle (needs ${n} bytes at byte ${at})`);
    }
    this.#pos += n;
    return at;
  }

  #u8(): number {
    return this.#bytes[this.#take(1)];
  }

  #u64(): number {
    const x = this.#view.getBigUint64(this.#take(8), true);
    if (x > BigInt(this.#bytes.length)) {
      throw new PickleError(`truncated pickle (a length of ${x} bytes at byte ${this.#pos - 8})`);
    }
    return Number(x);
  }

  #bytesOf(n: number): Uint8Array {
    const at = this.#take(n);
    return this.#bytes.subarray(at, at + n);
  }

  /** UTF-8 text of the next n bytes; short ASCII (names, keys) skips TextDecoder. */
  #utf8(n: number): string {
    const at = this.#take(n);
    const b = this.#bytes;
    if (n <= 64) {
      let s = "";
      for (let i = at; i < at + n; i++) {
        const c = b[i];
        if (c >= 0x80) return UTF8.decode(b.subarray(at, at + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return UTF8.decode(b.subarray(at, at + n));
  }

  #line(): string {
    const start = this.#pos;
    const end = this.#bytes.indexOf(0x0a, start);
    if (end < 0) throw new PickleError(`truncated pickle (unterminated line at byte ${start})`);
    this.#pos = end + 1;
    return latin1(this.#bytes.subarray(start, end));
  }

  #long(n: number): number | bigint {
    const at = this.#take(n);
    if (n === 0) return 0;
    let x = 0n;
    for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(this.#bytes[at + i]);
    if (this.#bytes[at + n - 1] & 0x80) x -= 1n << BigInt(8 * n);
    return narrowInt(x);
  }

  #parseInt(s: string): number | bigint {
    if (!/^[-+]?\d+$/.test(s)) throw new PickleError(`bad integer literal ${JSON.stringify(s)}`);
    return narrowInt(BigInt(s));
  }

  #parseIndex(s: string): number {
    if (!/^\d+$/.test(s)) throw new PickleError(`bad memo index ${JSON.stringify(s)}`);
    return Number(s);
  }
}

/** Errors with a message meant for users; the file name is prefixed once. */
class PickleError extends Error {}

/** A BigInt as a number when it is exactly representable. */
function narrowInt(x: bigint): number | bigint {
  return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(x)
    : x;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

function rawUnicodeEscape(s: string): string {
  return s.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_, u, U) => String.fromCodePoint(parseInt(u ?? U, 16)),
  );
}

/** A protocol-0 STRING argument: a quoted Python 2 literal with escapes. */
function pythonStringLiteral(s: string): string {
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) {
    throw new PickleError("STRING opcode argument must be quoted");
  }
  const body = s.slice(1, -1);
  const simple: Record<string, string> = {
    n: "\n",
    r: "\r",
    t: "\t",
    "\\": "\\",
    "'": "'",
    '"': '"',
    a: "\x07",
    b: "\b",
    f: "\f",
    v: "\v",
    "0": "\0",
  };
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g,
    (_, e: string) =>
      e[0] === "x"
        ? String.fromCharCode(parseInt(e.slice(1), 16))
        : /^[0-7]+$/.test(e)
        ? String.fromCharCode(parseInt(e, 8) & 0xff)
        : simple[e] ?? `\\${e}`,
  );
}
