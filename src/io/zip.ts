/**
 * Zip archives as `torch.save` writes them: a reader (central directory,
 * ZIP64, stored or deflated entries, CRC checked) and a writer of stored
 * entries whose data starts on an aligned offset (padding goes in an extra
 * field, as PyTorch's writer does, so storages can be memory-mapped).
 * @module
 */
import { inflateSync } from "fflate";
import { crc32 } from "./crc32.ts";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const TEXT = new TextEncoder();

/** One file of an archive, from the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** A parsed archive over the bytes of a whole zip file. */
export class ZipArchive {
  /** Entries in central-directory order, by name. */
  readonly entries: Map<string, ZipEntry>;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #name: string;

  /** Parses the central directory; `name` (a path) appears in every error. */
  constructor(bytes: Uint8Array, name: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#name = name;
    this.entries = this.#readDirectory();
  }

  /** Entry names in archive order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Byte offset of an entry's data in the file (64-aligned in torch files). */
  dataOffset(entry: ZipEntry): number {
    const at = entry.localHeaderOffset;
    this.#need(at, 30, `local header of ${entry.name}`);
    if (this.#view.getUint32(at, true) !== SIG_LOCAL) {
      this.#fail(`bad local header signature for ${entry.name}`);
    }
    const start = at + 30 + this.#view.getUint16(at + 26, true) +
      this.#view.getUint16(at + 28, true);
    this.#need(start, entry.compressedSize, `data of ${entry.name}`);
    return start;
  }

  /**
   * The uncompressed bytes of an entry. Stored entries come back as a view
   * into the archive bytes (no copy). The CRC is checked unless told not to.
   */
  read(entryName: string, options: { verifyCrc?: boolean } = {}): Uint8Array {
    const entry = this.entries.get(entryName);
    if (!entry) this.#fail(`no entry ${entryName} in the archive`);
    const start = this.dataOffset(entry);
    const raw = this.#bytes.subarray(start, start + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) {
        this.#fail(`stored entry ${entry.name} has different compressed and plain sizes`);
      }
      data = raw;
    } else if (entry.method === 8) {
      try {
        data = inflateSync(raw, { out: new Uint8Array(entry.size) });
      } catch (e) {
        this.#fail(`entry ${entry.name} does not inflate: ${(e as Error).message}`);
      }
      if (data.length !== entry.size) this.#fail(`entry ${entry.name} inflates to a wrong size`);
    } else {
      this.#fail(`entry ${entry.name} uses unsupported compression method ${entry.method}`);
    }
    if ((options.verifyCrc ?? true) && crc32(data) !== entry.crc32) {
      this.#fail(`entry ${entry.name} is corrupted (CRC mismatch)`);
    }
    return data;
  }

  #readDirectory(): Map<string, ZipEntry> {
    const v = this.#view;
    const len = this.#bytes.length;
    if (len < 22) this.#fail(`too short to be a zip archive (${len} bytes)`);
    // The end record sits in the last 22 + 65535 bytes (after an optional comment).
    let end = -1;
    for (let p = len - 22; p >= Math.max(0, len - 22 - U16_MAX); p--) {
      if (v.getUint32(p, true) === SIG_END) {
        end = p;
        break;
      }
    }
    if (end < 0) this.#fail("no zip end-of-central-directory record (truncated or not a zip)");
    let count = v.getUint16(end + 10, true);
    let dirSize = v.getUint32(end + 12, true);
    let dirOffset = v.getUint32(end + 16, true);
    const loc = end - 20;
    if (loc >= 0 && v.getUint32(loc, true) === SIG_END64_LOCATOR) {
      const end64 = this.#u64(loc + 8);
      this.#need(end64, 56, "ZIP64 end record");
      if (v.getUint32(end64, true) !== SIG_END64) this.#fail("bad ZIP64 end record signature");
      count = this.#u64(end64 + 32);
      dirSize = this.#u64(end64 + 40);
      dirOffset = this.#u64(end64 + 48);
    } else if (count === U16_MAX || dirSize === U32_MAX || dirOffset === U32_MAX) {
      this.#fail("ZIP64 archive without a ZIP64 end record locator");
    }
    this.#need(dirOffset, dirSize, "central directory");
    const entries = new Map<string, ZipEntry>();
    let p = dirOffset;
    const decoder = new TextDecoder("utf-8", { fatal: false });
    for (let i = 0; i < count; i++) {
      this.#need(p, 46, "central directory");
      if (v.getUint32(p, true) !== SIG_CENTRAL) {
        this.#fail(`bad central directory entry ${i} (truncated or corrupted)`);
      }
      const flags = v.getUint16(p + 8, true);
      const method = v.getUint16(p + 10, true);
      const crc = v.getUint32(p + 16, true);
      let compressedSize = v.getUint32(p + 20, true);
      let size = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      let localHeaderOffset = v.getUint32(p + 42, true);
      this.#need(p + 46, nameLen + extraLen + commentLen, "central directory");
      const name = decoder.decode(this.#bytes.subarray(p + 46, p + 46 + nameLen));
      if (flags & 1) this.#fail(`entry ${name} is encrypted`);
      // ZIP64 extra field: the 64-bit values of the fields saturated above, in order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = v.getUint16(e, true);
        const sz = v.getUint16(e + 2, true);
        if (id === 1) {
          let q = e + 4;
          const take = () => {
            if (q + 8 > e + 4 + sz) this.#fail(`short ZIP64 extra field for ${name}`);
            const x = this.#u64(q);
            q += 8;
            return x;
          };
          if (size === U32_MAX) size = take();
          if (compressedSize === U32_MAX) compressedSize = take();
          if (localHeaderOffset === U32_MAX) localHeaderOffset = take();
        }
        e += 4 + sz;
      }
      entries.set(name, {
        name,
        method,
        flags,
        crc32: crc,
        compressedSize,
        size,
        localHeaderOffset,
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  }

  #u64(at: number): number {
    const x = this.#view.getBigUint64(at, true);
    if (x > BigInt(Number.MAX_SAFE_INTEGER)) this.#fail(`64-bit field at byte ${at} is too large`);
    return Number(x);
  }

  #need(at: number, n: number, what: string): void {
    if (at < 0 || at + n > this.#bytes.length) {
      this.#fail(`${what} lies past the end of the file (truncated?)`);
    }
  }

  #fail(message: string): never {
    throw new Error(`${this.#name}: ${message}`);
  }
}

/** One file to store in an archive. */
export interface ZipFileInput {
  name: string;
  data: Uint8Array;
}

/** Options for {@link encodeZip}. */
export interface EncodeZipOptions {
  /** Each entry's data starts on a multiple of this (PyTorch uses 64). */
  align?: number;
  /** Write ZIP64 fields and end records even when the sizes do not need them. */
  forceZip64?: boolean;
}

/**
 * Encodes stored (uncompressed) entries into one zip archive, with sizes and
 * CRCs in the local headers, alignment padding in an `FB` extra field and
 * ZIP64 records where sizes or offsets pass 4 GiB.
 */
export function encodeZip(
  files: readonly ZipFileInput[],
  options: EncodeZipOptions = {},
): Uint8Array {
  const align = options.align ?? 64;
  const force = options.forceZip64 ?? false;
  const names = files.map((f) => TEXT.encode(f.name));
  const crcs = files.map((f) => crc32(f.data));
  // First pass: local header sizes and offsets.
  const offsets: number[] = [];
  const localExtra: number[] = [];
  const zip64Local: boolean[] = [];
  let pos = 0;
  for (let i = 0; i < files.length; i++) {
    offsets.push(pos);
    const big = force || files[i].data.length >= U32_MAX;
    zip64Local.push(big);
    const fixed = 30 + names[i].length + (big ? 20 : 0);
    let pad = (align - ((pos + fixed + 4) % align)) % align;
    if (align <= 1) pad = 0;
    const extra = (big ? 20 : 0) + (align > 1 ? 4 + pad : 0);
    localExtra.push(extra);
    pos += 30 + names[i].length + extra + files[i].data.length;
  }
  const dirOffset = pos;
  const centralExtra = files.map((f, i) => {
    const sizes = force || f.data.length >= U32_MAX;
    const off = force || offsets[i] >= U32_MAX;
    return sizes || off ? 4 + (sizes ? 16 : 0) + (off ? 8 : 0) : 0;
  });
  const dirSize = files.reduce((s, _, i) => s + 46 + names[i].length + centralExtra[i], 0);
  const need64 = force || files.length >= U16_MAX || dirOffset >= U32_MAX ||
    dirSize >= U32_MAX;
  const total = dirOffset + dirSize + (need64 ? 56 + 20 : 0) + 22;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const u64 = (at: number, x: number) => v.setBigUint64(at, BigInt(x), true);
  const clamp = (x: number) => (x >= U32_MAX ? U32_MAX : x);

  for (let i = 0; i < files.length; i++) {
    const { data } = files[i];
    const utf8 = names[i].length !== files[i].name.length ? 0x800 : 0;
    let p = offsets[i];
    v.setUint32(p, SIG_LOCAL, true);
    v.setUint16(p + 4, zip64Local[i] ? 45 : 20, true);
    v.setUint16(p + 6, utf8, true);
    v.setUint16(p + 8, 0, true); // stored
    v.setUint32(p + 14, crcs[i], true);
    v.setUint32(p + 18, zip64Local[i] ? U32_MAX : data.length, true);
    v.setUint32(p + 22, zip64Local[i] ? U32_MAX : data.length, true);
    v.setUint16(p + 26, names[i].length, true);
    v.setUint16(p + 28, localExtra[i], true);
    out.set(names[i], p + 30);
    p += 30 + names[i].length;
    if (zip64Local[i]) {
      v.setUint16(p, 1, true);
      v.setUint16(p + 2, 16, true);
      u64(p + 4, data.length);
      u64(p + 12, data.length);
      p += 20;
    }
    if (align > 1) {
      const pad = localExtra[i] - (zip64Local[i] ? 20 : 0) - 4;
      out[p] = 0x46; // "FB": PyTorch's padding field id
      out[p + 1] = 0x42;
      v.setUint16(p + 2, pad, true);
      out.fill(0x5a, p + 4, p + 4 + pad); // "Z"
      p += 4 + pad;
    }
    out.set(data, p);
  }

  let p = dirOffset;
  for (let i = 0; i < files.length; i++) {
    const n = files[i].data.length;
    const sizes = force || n >= U32_MAX;
    const off = force || offsets[i] >= U32_MAX;
    const utf8 = names[i].length !== files[i].name.length ? 0x800 : 0;
    v.setUint32(p, SIG_CENTRAL, true);
    v.setUint16(p + 4, sizes || off ? 45 : 20, true);
    v.setUint16(p + 6, sizes || off ? 45 : 20, true);
    v.setUint16(p + 8, utf8, true);
    v.setUint16(p + 10, 0, true);
    v.setUint32(p + 16, crcs[i], true);
    v.setUint32(p + 20, sizes ? U32_MAX : n, true);
    v.setUint32(p + 24, sizes ? U32_MAX : n, true);
    v.setUint16(p + 28, names[i].length, true);
    v.setUint16(p + 30, centralExtra[i], true);
    v.setUint32(p + 42, off ? U32_MAX : offsets[i], true);
    out.set(names[i], p + 46);
    let e = p + 46 + names[i].length;
    if (centralExtra[i]) {
      v.setUint16(e, 1, true);
      v.setUint16(e + 2, centralExtra[i] - 4, true);
      e += 4;
      if (sizes) {
        u64(e, n);
        u64(e + 8, n);
        e += 16;
      }
      if (off) u64(e, offsets[i]);
    }
    p += 46 + names[i].length + centralExtra[i];
  }

  if (need64) {
    const end64 = p;
    v.setUint32(p, SIG_END64, true);
    u64(p + 4, 44);
    v.setUint16(p + 12, 45, true);
    v.setUint16(p + 14, 45, true);
    u64(p + 24, files.length);
    u64(p + 32, files.length);
    u64(p + 40, dirSize);
    u64(p + 48, dirOffset);
    p += 56;
    v.setUint32(p, SIG_END64_LOCATOR, true);
    u64(p + 8, end64);
    v.setUint32(p + 16, 1, true);
    p += 20;
  }
  v.setUint32(p, SIG_END, true);
  v.setUint16(p + 8, need64 ? U16_MAX : files.length, true);
  v.setUint16(p + 10, need64 ? U16_MAX : files.length, true);
  v.setUint32(p + 12, need64 ? U32_MAX : clamp(dirSize), true);
  v.setUint32(p + 16, need64 ? U32_MAX : clamp(dirOffset), true);
  return out;
}
