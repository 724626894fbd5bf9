/**
 * A big-endian (MSB-first) bit reader over a byte array, as FLAC frames need:
 * fixed-width fields, unary codes and Rice codes. Reading past the end throws
 * {@link TruncatedInputError}, which decoders turn into a message naming the file.
 * @module
 */

/** Thrown when a read runs past the end of the input. */
export class TruncatedInputError extends RangeError {
  constructor(at: number) {
    super(`input ends at byte ${at}`);
    this.name = "TruncatedInputError";
  }
}

/** MSB-first bit reader; widths up to 32 bits per call (values come back as non-negative numbers). */
export class BitReader {
  readonly bytes: Uint8Array;
  /** Index of the byte holding the next bit. */
  pos: number;
  /** Bits of `bytes[pos]` already consumed (0..7). */
  bit = 0;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  /** Reads `n` (0..32) bits as an unsigned integer. */
  readUint(n: number): number {
    const b = this.bytes;
    let v = 0;
    while (n > 0) {
      if (this.pos >= b.length) throw new TruncatedInputError(this.pos);
      const avail = 8 - this.bit;
      const take = avail < n ? avail : n;
      const chunk = (b[this.pos] >> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + chunk;
      n -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.bit = 0;
        this.pos++;
      }
    }
    return v;
  }

  /** Reads `n` (1..33) bits as a two's-complement signed integer. */
  readSigned(n: number): number {
    if (n === 0) return 0;
    let v: number;
    if (n > 32) {
      const hi = this.readUint(n - 32);
      v = hi * 4294967296 + this.readUint(32);
    } else {
      v = this.readUint(n);
    }
    const half = 2 ** (n - 1);
    return v >= half ? v - 2 * half : v;
  }

  /** Counts zero bits up to and including the next one bit; returns the count of zeros. */
  readUnary(): number {
    const b = this.bytes;
    let count = 0;
    for (;;) {
      if (this.pos >= b.length) throw new TruncatedInputError(this.pos);
      const rest = (b[this.pos] << this.bit) & 0xff;
      if (rest !== 0) {
        const zeros = Math.clz32(rest) - 24;
        count += zeros;
        this.bit += zeros + 1;
        if (this.bit === 8) {
          this.bit = 0;
          this.pos++;
        }
        return count;
      }
      count += 8 - this.bit;
      this.bit = 0;
      this.pos++;
    }
  }

  /** Reads one Rice-coded signed residual with parameter `k` (zigzag folded). */
  readRice(k: number): number {
    const q = this.readUnary();
    const u = k === 0 ? q : q * 2 ** k + this.readUint(k);
    // zigzag: 0, -1, 1, -2, 2, … (u & 1 is exact for integers below 2^53)
    return u & 1 ? -(u + 1) / 2 : u / 2;
  }

  /**
   * Decodes Rice codes with parameter `k` into `out[from, to)`: the hot loop
   * of FLAC decoding, with the reader state kept in locals.
   */
  readRiceBlock(out: Float64Array, from: number, to: number, k: number): void {
    const b = this.bytes;
    const len = b.length;
    const scale = 2 ** k;
    let pos = this.pos;
    let bit = this.bit;
    for (let i = from; i < to; i++) {
      let q = 0;
      for (;;) {
        if (pos >= len) throw new TruncatedInputError(pos);
        const rest = (b[pos] << bit) & 0xff;
        if (rest !== 0) {
          const zeros = Math.clz32(rest) - 24;
          q += zeros;
          bit += zeros + 1;
          if (bit === 8) {
            bit = 0;
            pos++;
          }
          break;
        }
        q += 8 - bit;
        bit = 0;
        pos++;
      }
      let low = 0;
      for (let n = k; n > 0;) {
        if (pos >= len) throw new TruncatedInputError(pos);
        const avail = 8 - bit;
        const take = avail < n ? avail : n;
        low = low * (1 << take) + ((b[pos] >> (avail - take)) & ((1 << take) - 1));
        n -= take;
        bit += take;
        if (bit === 8) {
          bit = 0;
          pos++;
        }
      }
      const u = q * scale + low;
      out[i] = u & 1 ? -(u + 1) / 2 : u / 2;
    }
    this.pos = pos;
    this.bit = bit;
  }

  /** Skips to the next byte boundary. */
  alignToByte(): void {
    if (this.bit !== 0) {
      this.bit = 0;
      this.pos++;
    }
  }

  /** Whether the reader sits on a byte boundary. */
  get aligned(): boolean {
    return this.bit === 0;
  }
}
