/**
 * A pool of GPU buffers keyed by usage and size class.
 *
 * Buffers released while an unsubmitted command encoder may still use them
 * wait in `pending` until the next queue submit: every queue operation after
 * that submit (a `writeBuffer` into the reused buffer, say) is ordered after
 * the work that used the old contents.
 * @module
 */

const MIN_BYTES = 256;
const MIB = 1 << 20;

/** Rounds a request up to the size class the pool allocates. */
export function sizeClass(bytes: number): number {
  const b = Math.max(MIN_BYTES, Math.ceil(bytes / 4) * 4);
  if (b <= MIB) return 2 ** Math.ceil(Math.log2(b));
  return Math.ceil(b / MIB) * MIB;
}

/** Counters for progress bars and leak hunting. */
export interface PoolStats {
  /** Bytes in buffers the pool created and has not destroyed. */
  allocatedBytes: number;
  /** Bytes sitting unused in the free lists. */
  freeBytes: number;
  /** Number of acquires served from a free list. */
  hits: number;
  /** Number of acquires that created a buffer. */
  misses: number;
}

/** Reuses GPU buffers so hot paths do not allocate. */
export class BufferPool {
  readonly #device: GPUDevice;
  readonly #free = new Map<string, GPUBuffer[]>();
  #pending: GPUBuffer[] = [];
  readonly #stats: PoolStats = { allocatedBytes: 0, freeBytes: 0, hits: 0, misses: 0 };
  /** Free bytes kept beyond this are destroyed instead of pooled. */
  readonly maxFreeBytes: number;

  /**
   * A pool allocating on `device`, keeping at most `maxFreeBytes` (default 1 GiB) of free buffers.
   */
  constructor(device: GPUDevice, maxFreeBytes = 1024 * MIB) {
    this.#device = device;
    this.maxFreeBytes = maxFreeBytes;
  }

  /** A buffer of at least `bytes` bytes with exactly `usage`. */
  acquire(bytes: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const key = `${usage}:${size}`;
    const list = this.#free.get(key);
    const reused = list?.pop();
    if (reused) {
      this.#stats.hits++;
      this.#stats.freeBytes -= size;
      reused.label = label;
      return reused;
    }
    this.#stats.misses++;
    this.#stats.allocatedBytes += size;
    return this.#device.createBuffer({ size, usage, label });
  }

  /** Gives a buffer back; it becomes reusable after the next submit. */
  release(buffer: GPUBuffer): void {
    this.#pending.push(buffer);
  }

  /** Called right after a queue submit: pending buffers are now safe to reuse. */
  afterSubmit(): void {
    for (const b of this.#pending) {
      if (this.#stats.freeBytes + b.size > this.maxFreeBytes) {
        this.#stats.allocatedBytes -= b.size;
        b.destroy();
        continue;
      }
      const key = `${b.usage}:${b.size}`;
      let list = this.#free.get(key);
      if (!list) this.#free.set(key, list = []);
      list.push(b);
      this.#stats.freeBytes += b.size;
    }
    this.#pending = [];
  }

  /** Destroys every free buffer (pending ones wait for their submit). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const b of list) {
        this.#stats.allocatedBytes -= b.size;
        b.destroy();
      }
    }
    this.#free.clear();
    this.#stats.freeBytes = 0;
  }

  /** A copy of the counters. */
  stats(): PoolStats {
    return { ...this.#stats };
  }
}
