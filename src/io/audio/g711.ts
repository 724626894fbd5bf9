/**
 * G.711 A-law and µ-law expansion (ITU-T G.711) to 16-bit linear values,
 * as WAV format tags 6 and 7 store them. Tables are built once from the
 * segment/mantissa formula.
 * @module
 */

let alawTable: Int16Array | undefined;
let mulawTable: Int16Array | undefined;

/** The 16-bit linear value of every A-law code (even bits inverted, sign bit set = positive). */
export function alawTable16(): Int16Array {
  if (alawTable) return alawTable;
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const a = code ^ 0x55;
    const segment = (a >> 4) & 7;
    const mantissa = a & 0x0f;
    const magnitude = segment === 0
      ? (mantissa << 4) + 8
      : ((mantissa << 4) + 0x108) << (segment - 1);
    t[code] = a & 0x80 ? magnitude : -magnitude;
  }
  return (alawTable = t);
}

/** The 16-bit linear value of every µ-law code (bits inverted, bias 0x84, sign bit set = negative). */
export function mulawTable16(): Int16Array {
  if (mulawTable) return mulawTable;
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const segment = (u >> 4) & 7;
    const mantissa = u & 0x0f;
    const magnitude = (((mantissa << 3) + 0x84) << segment) - 0x84;
    t[code] = u & 0x80 ? -magnitude : magnitude;
  }
  return (mulawTable = t);
}
