/**
 * The seeded generator behind every random choice of BAE training
 * (initial weights, the sparsity target, ArcFace's class matrix, sampler
 * shuffles): xoshiro128** seeded through splitmix32, normals by Box–Muller
 * in float64. PyTorch's and numpy's generators cannot be matched, so
 * parity tests with PyTorch load the same initial weights instead.
 * @module
 */

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** A reproducible stream of random numbers (xoshiro128**). */
export class SeededRandom {
  #s = new Uint32Array(4);
  #spare: number | null = null;

  /** A stream for `seed` (any integer); `stream` selects an independent sub-stream. */
  constructor(seed: number, stream = 0) {
    let st = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x632be5ab)) >>> 0;
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(st);
      st = next;
      this.#s[i] = out;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const r = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A standard normal (Box–Muller, both values of each pair used). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n) without modulo bias. */
  int(n: number): number {
    if (!(n >= 1) || n > 2 ** 32) throw new RangeError(`int(${n}): n must be in [1, 2^32]`);
    const limit = Math.floor(2 ** 32 / n) * n;
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
