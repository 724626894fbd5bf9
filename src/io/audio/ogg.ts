/**
 * Ogg page and packet demuxing (RFC 3533): pages are checked (capture
 * pattern, version, CRC-32), packets of the first logical stream are
 * reassembled across pages, and each packet carries the granule position of
 * the page it ends on (−1 when another packet ends later on that page).
 * @module
 */
import { crc32Ogg } from "./crc.ts";

/** One packet of a logical stream. */
export interface OggPacket {
  data: Uint8Array;
  /** Granule position of the page where this packet ends, when it is the last packet ending there; else −1. */
  granule: number;
  /** Index of the page where this packet ends. */
  page: number;
  /** True for the last packet of a page flagged end-of-stream. */
  endOfStream: boolean;
}

/** The packets of one logical stream. */
export interface OggStream {
  serial: number;
  packets: OggPacket[];
  /** True when a second logical stream starts after this one ended (a chained file). */
  chained: boolean;
}

/** True when the bytes start with an Ogg page ("OggS"). */
export function isOgg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 &&
    bytes[3] === 0x53;
}

/** Codec of the first logical stream, from its first packet's signature. */
export function sniffOggCodec(bytes: Uint8Array): "opus" | "vorbis" | "flac" | "speex" | "unknown" {
  if (!isOgg(bytes) || bytes.length < 28) return "unknown";
  const segments = bytes[26];
  const start = 27 + segments;
  const head = new TextDecoder("latin1").decode(bytes.subarray(start, start + 8));
  if (head.startsWith("OpusHead")) return "opus";
  if (head.startsWith("\x01vorbis")) return "vorbis";
  if (head.startsWith("\x7fFLAC")) return "flac";
  if (head.startsWith("Speex   ")) return "speex";
  return "unknown";
}

/**
 * Demuxes the first logical stream of an Ogg file held in `bytes`.
 * Throws an Error naming `options.path` on a bad page, a CRC mismatch or a
 * truncated page; a packet left unfinished at the end of the file is an error too.
 */
export function readOggStream(bytes: Uint8Array, options: { path: string }): OggStream {
  const path = options.path;
  if (bytes.length === 0) throw new Error(`${path}: empty file`);
  if (!isOgg(bytes)) throw new Error(`${path}: not an Ogg file (no "OggS" page)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: OggPacket[] = [];
  let serial: number | undefined;
  let ended = false;
  let chained = false;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let pos = 0;
  let pageIndex = 0;
  while (pos < bytes.length) {
    if (pos + 27 > bytes.length) {
      if (ended) break;
      throw new Error(`${path}: Ogg page header truncated at byte ${pos}`);
    }
    if (!isOgg(bytes.subarray(pos, pos + 4))) {
      if (ended) break; // trailing tags or padding after the end of the stream
      throw new Error(`${path}: lost Ogg page sync at byte ${pos}`);
    }
    if (bytes[pos + 4] !== 0) {
      throw new Error(`${path}: Ogg page version ${bytes[pos + 4]} at byte ${pos}`);
    }
    const flags = bytes[pos + 5];
    const granule = Number(dv.getBigInt64(pos + 6, true));
    const pageSerial = dv.getUint32(pos + 14, true);
    const crc = dv.getUint32(pos + 22, true);
    const segments = bytes[pos + 26];
    const tableEnd = pos + 27 + segments;
    if (tableEnd > bytes.length) throw new Error(`${path}: Ogg page truncated at byte ${pos}`);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[pos + 27 + i];
    const pageEnd = tableEnd + bodyLength;
    if (pageEnd > bytes.length) {
      throw new Error(
        `${path}: Ogg page at byte ${pos} needs ${pageEnd - pos} bytes, only ${
          bytes.length - pos
        } remain (truncated file)`,
      );
    }
    if (crc32Ogg(bytes, pos, pageEnd, pos + 22) !== crc) {
      throw new Error(`${path}: Ogg page CRC mismatch at byte ${pos}`);
    }
    if (serial === undefined) {
      if (!(flags & 0x02)) {
        throw new Error(`${path}: first Ogg page is not a beginning-of-stream page`);
      }
      serial = pageSerial;
    }
    if (pageSerial !== serial) {
      if (ended && flags & 0x02) chained = true;
      pos = pageEnd;
      pageIndex++;
      continue; // another logical stream (multiplexed or chained): not ours
    }
    if (ended) {
      throw new Error(`${path}: Ogg stream ${serial} continues after its end-of-stream page`);
    }
    const continued = (flags & 0x01) !== 0;
    if (!continued && pending.length > 0) {
      throw new Error(`${path}: Ogg packet left unfinished before the page at byte ${pos}`);
    }
    let body = tableEnd;
    let lastEndIndex = -1;
    // A continuation with nothing pending (a capture cut mid-packet): drop the fragment.
    let skipping = continued && pending.length === 0;
    for (let i = 0; i < segments; i++) {
      const lace = bytes[pos + 27 + i];
      if (!skipping) {
        pending.push(bytes.subarray(body, body + lace));
        pendingBytes += lace;
      }
      body += lace;
      if (lace < 255) {
        if (skipping) {
          skipping = false;
        } else {
          packets.push({
            data: concat(pending, pendingBytes),
            granule: -1,
            page: pageIndex,
            endOfStream: false,
          });
          lastEndIndex = packets.length - 1;
        }
        pending = [];
        pendingBytes = 0;
      }
    }
    if (lastEndIndex >= 0) {
      packets[lastEndIndex].granule = granule;
      if (flags & 0x04) packets[lastEndIndex].endOfStream = true;
    }
    if (flags & 0x04) ended = true;
    pos = pageEnd;
    pageIndex++;
  }
  if (pending.length > 0) {
    throw new Error(`${path}: Ogg file ends inside a packet (truncated file)`);
  }
  return { serial: serial ?? 0, packets, chained };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
