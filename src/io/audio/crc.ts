/**
 * The non-reflected CRCs of FLAC (CRC-8 poly 0x07 over frame headers,
 * CRC-16 poly 0x8005 over whole frames) and Ogg (CRC-32 poly 0x04C11DB7
 * over pages), all with initial value 0 and no final xor.
 * @module
 */

function table(bits: number, poly: number): Uint32Array {
  const t = new Uint32Array(256);
  const top = 2 ** (bits - 1);
  const mask = 2 ** bits - 1;
  for (let i = 0; i < 256; i++) {
    let c = i * 2 ** (bits - 8);
    for (let k = 0; k < 8; k++) c = c >= top ? (((c - top) * 2) ^ poly) >>> 0 : c * 2;
    t[i] = c % (mask + 1);
  }
  return t;
}

const CRC8 = table(8, 0x07);
const CRC16 = table(16, 0x8005);
let crc32Table: Uint32Array | undefined;

/** CRC-8 (poly 0x07) of `bytes[start, end)`. */
export function crc8(bytes: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) c = CRC8[c ^ bytes[i]];
  return c;
}

/** CRC-16 (poly 0x8005) of `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ bytes[i]];
  return c;
}

/** Ogg's CRC-32 (poly 0x04C11DB7, MSB first) of `bytes[start, end)` with bytes [skipFrom, skipFrom+4) read as zero. */
export function crc32Ogg(bytes: Uint8Array, start: number, end: number, skipFrom = -1): number {
  const t = crc32Table ??= table(32, 0x04c11db7);
  let c = 0;
  for (let i = start; i < end; i++) {
    const b = skipFrom >= 0 && i >= skipFrom && i < skipFrom + 4 ? 0 : bytes[i];
    c = ((c << 8) ^ t[(c >>> 24) ^ b]) >>> 0;
  }
  return c;
}
