/**
 * CRC-32 (IEEE 802.3, as zip uses it), slice-by-8 so that checking a
 * checkpoint of tens of megabytes stays cheap.
 * @module
 */

let tables: Uint32Array[] | undefined;

function buildTables(): Uint32Array[] {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k][n] = (t[0][t[k - 1][n] & 0xff] ^ (t[k - 1][n] >>> 8)) >>> 0;
  }
  return t;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** CRC-32 of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = (tables ??= buildTables());
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  // Bytes up to a 4-byte boundary, then 8 bytes per step read as two words.
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) c = t0[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  const words = LITTLE_ENDIAN ? Math.floor((n - i) / 8) * 2 : 0;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k += 2) {
      const a = (c ^ w[k]) >>> 0;
      const b = w[k + 1];
      c = t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
        t3[b & 0xff] ^ t2[(b >>> 8) & 0xff] ^ t1[(b >>> 16) & 0xff] ^ t0[b >>> 24];
    }
    i += words * 4;
  }
  for (; i < n; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
