/**
 * PyTorch checkpoints in the zip format of `torch.save` (PyTorch ≥ 1.6):
 * `<archive>/data.pkl` (a pickle whose tensors refer to storages by
 * persistent id), `<archive>/data/<key>` (raw little-endian storages),
 * `byteorder` and `version` records. Reading goes through the safe
 * unpickler; writing produces what `torch.load` (also with
 * `weights_only=True`) reads back as an OrderedDict of tensors.
 * @module
 */
import { formatShape, type HostTensor, isHostTensor, shapeSize } from "./host_tensor.ts";
import {
  checkDataMatches,
  decodeElements,
  DTYPES,
  encodeElements,
  storedItemSize,
} from "./dtype.ts";
import { type PickleValue, unpickle } from "./pickle.ts";
import { resolveSafeGlobal, StorageTypeGlobal, TorchStorage } from "./pickle_globals.ts";
import { encodePickle, py, type PyNode } from "./pickle_encoder.ts";
import { contiguousStrides } from "./strided.ts";
import { encodeZip, ZipArchive, type ZipFileInput } from "./zip.ts";
import { readSource } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { crc32 } from "./crc32.ts";

/** Options for the readers. */
export interface ReadCheckpointOptions {
  /** Name for error messages when reading bytes (default: the path). */
  name?: string;
  /**
   * Check each record's CRC-32 (default true), which catches corrupted
   * bytes; torch.load does not, and skipping it roughly halves load time.
   */
  verifyCrc?: boolean;
}

/**
 * The whole unpickled object of a `torch.save` zip checkpoint: dicts become
 * `Map`s (insertion order), tensors {@link HostTensor}s (dense row-major,
 * whatever their strides and storage offsets), lists and tuples arrays.
 */
export async function readTorchCheckpoint(
  source: string | Uint8Array,
  options: ReadCheckpointOptions = {},
): Promise<PickleValue> {
  const { bytes, name } = await readSource(source, {
    name: options.name,
    fallback: "<checkpoint>",
  });
  return decodeTorchCheckpoint(bytes, { ...options, name });
}

/** Synchronous form of {@link readTorchCheckpoint} for bytes in memory. */
export function decodeTorchCheckpoint(
  bytes: Uint8Array,
  options: ReadCheckpointOptions = {},
): PickleValue {
  const name = options.name ?? "<checkpoint>";
  const verifyCrc = options.verifyCrc ?? true;
  if (bytes.length >= 2 && bytes[0] === 0x80) {
    throw new Error(
      `${name}: this is a legacy (pre-1.6, non-zip) torch.save file, which is not supported; ` +
        "re-save it with a PyTorch ≥ 1.6 torch.save",
    );
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new Error(`${name}: not a PyTorch checkpoint (no zip signature)`);
  }
  const zip = new ZipArchive(bytes, name);
  const first = zip.names()[0];
  const slash = first?.indexOf("/") ?? -1;
  if (slash <= 0) throw new Error(`${name}: zip entries are not inside an archive folder`);
  const prefix = first.slice(0, slash + 1);
  if (zip.entries.has(`${prefix}constants.pkl`)) {
    throw new Error(
      `${name}: this is a TorchScript archive (torch.jit.save); save a state_dict with torch.save`,
    );
  }
  const pkl = `${prefix}data.pkl`;
  if (!zip.entries.has(pkl)) throw new Error(`${name}: no ${pkl} (not a torch.save checkpoint)`);
  let bigEndian = false;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
    if (order !== "little" && order !== "big") throw new Error(`${name}: bad byteorder "${order}"`);
    bigEndian = order === "big";
  }
  const storages = new Map<string, TorchStorage>();
  const persistentLoad = (pid: unknown): TorchStorage => {
    if (!Array.isArray(pid) || pid[0] !== "storage" || pid.length < 5) {
      throw new Error(`unexpected persistent id ${JSON.stringify(String(pid))}`);
    }
    const [, type, key, , numel] = pid;
    if (!(type instanceof StorageTypeGlobal)) {
      throw new Error("persistent id without a storage type");
    }
    if (typeof key !== "string") throw new Error("storage key is not a string");
    const cached = storages.get(key);
    if (cached) return cached;
    const record = `${prefix}data/${key}`;
    if (!zip.entries.has(record)) throw new Error(`missing storage record ${record}`);
    const raw = zip.read(record, { verifyCrc });
    const expected = Number(numel) * storedItemSize(type.dtype);
    if (raw.length !== expected) {
      throw new Error(
        `storage record ${record} holds ${raw.length} bytes; ${numel} ${type.name} elements need ${expected}`,
      );
    }
    const storage = new TorchStorage(
      type.dtype,
      decodeElements(raw, type.dtype, { bigEndian }),
      key,
    );
    storages.set(key, storage);
    return storage;
  };
  return unpickle(zip.read(pkl, { verifyCrc }), {
    name,
    resolveGlobal: resolveSafeGlobal,
    persistentLoad,
  });
}

/**
 * The flat state_dict of a checkpoint: the top-level dict when it holds
 * tensors, else its "state_dict" or "model" entry. Entries that are not
 * tensors are skipped; anything else is an error naming the file.
 */
export async function readStateDict(
  source: string | Uint8Array,
  options: ReadCheckpointOptions = {},
): Promise<Map<string, HostTensor>> {
  const name = options.name ?? (typeof source === "string" ? source : "<checkpoint>");
  const root = await readTorchCheckpoint(source, { ...options, name });
  return pickStateDict(root, name);
}

/** Chooses the state_dict inside an unpickled checkpoint (see {@link readStateDict}). */
export function pickStateDict(root: PickleValue, name: string): Map<string, HostTensor> {
  if (!(root instanceof Map)) {
    throw new Error(`${name}: the checkpoint holds ${describe(root)}, not a state_dict`);
  }
  const tensorsOf = (d: Map<string, PickleValue>) => {
    const out = new Map<string, HostTensor>();
    for (const [k, v] of d) if (isHostTensor(v)) out.set(k, v);
    return out;
  };
  for (const key of ["state_dict", "model"]) {
    const inner = root.get(key);
    if (inner instanceof Map) {
      const t = tensorsOf(inner);
      if (t.size) return t;
    }
  }
  const top = tensorsOf(root);
  if (top.size) return top;
  throw new Error(
    `${name}: no tensors at the top level of the checkpoint nor under "state_dict" or "model" ` +
      `(keys: ${[...root.keys()].slice(0, 10).join(", ")})`,
  );
}

function describe(v: PickleValue): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "a list";
  if (isHostTensor(v)) return "a single tensor";
  return typeof v === "object" ? v.constructor.name : typeof v;
}

/** Tensors to save, by key, in order. */
export type StateDictInput = Map<string, HostTensor> | Record<string, HostTensor>;

/** Options for {@link writeStateDict}. */
export interface WriteStateDictOptions {
  /** Extra top-level entries (ints, floats, strings, booleans), after the tensors. */
  extra?: Record<string, number | string | boolean>;
}

/**
 * Encodes tensors as a `torch.save` zip of an OrderedDict (protocol-2
 * pickle, `torch._utils._rebuild_tensor_v2`, one 64-byte-aligned storage
 * record per tensor). Integers in `extra` are written as Python ints,
 * other numbers as floats.
 */
export function encodeStateDict(
  tensors: StateDictInput,
  options: WriteStateDictOptions = {},
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const items: Array<[PyNode, PyNode]> = [];
  const records: Array<[string, Uint8Array]> = [];
  const orderedDict = py.global("collections", "OrderedDict");
  entries.forEach(([key, t], i) => {
    if (!isHostTensor(t)) throw new TypeError(`state_dict entry ${key} is not a tensor`);
    const n = shapeSize(t.shape);
    if (n !== t.data.length) {
      throw new RangeError(
        `state_dict entry ${key}: ${t.data.length} values do not fit shape ${formatShape(t.shape)}`,
      );
    }
    try {
      checkDataMatches(t.data, t.dtype);
    } catch (e) {
      throw new TypeError(`state_dict entry ${key}: ${(e as Error).message}`);
    }
    const storageKey = String(i);
    records.push([storageKey, encodeElements(t.data, t.dtype)]);
    const pid = py.tuple(
      "storage",
      py.global("torch", DTYPES[t.dtype].torchStorage),
      storageKey,
      "cpu",
      n,
    );
    const tensor = py.reduce(
      py.global("torch._utils", "_rebuild_tensor_v2"),
      py.tuple(
        py.persistent(pid),
        0,
        py.tuple(...t.shape),
        py.tuple(...contiguousStrides(t.shape)),
        false,
        py.reduce(orderedDict, py.tuple()),
      ),
    );
    items.push([key, tensor]);
  });
  for (const [key, v] of Object.entries(options.extra ?? {})) {
    const node: PyNode = typeof v === "number" && !Number.isInteger(v) ? py.float(v) : v;
    items.push([key, node]);
  }
  const root = py.reduce(orderedDict, py.tuple(), { dictItems: items });
  const text = new TextEncoder();
  const files: ZipFileInput[] = [
    { name: "archive/data.pkl", data: encodePickle(root, 2) },
    { name: "archive/byteorder", data: text.encode("little") },
  ];
  records.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); // torch writes keys sorted
  for (const [key, data] of records) files.push({ name: `archive/data/${key}`, data });
  files.push({ name: "archive/version", data: text.encode("3\n") });
  files.push({ name: "archive/.data/serialization_id", data: text.encode(serializationId(files)) });
  return encodeZip(files, { align: 64 });
}

/** Writes tensors as a `torch.save` checkpoint, atomically. */
export async function writeStateDict(
  path: string,
  tensors: StateDictInput,
  options: WriteStateDictOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeStateDict(tensors, options));
}

/** A deterministic 40-digit id from the records' CRCs (torch writes 40 digits too). */
function serializationId(files: ZipFileInput[]): string {
  let a = 0n;
  let b = 0n;
  const mask = (1n << 64n) - 1n;
  for (const f of files) {
    const c = BigInt(crc32(f.data));
    a = ((a * 1000003n) ^ c) & mask;
    b = ((b * 0x100000001b3n) ^ (c << 7n)) & mask;
  }
  return a.toString().padStart(20, "0") + b.toString().padStart(20, "0");
}
