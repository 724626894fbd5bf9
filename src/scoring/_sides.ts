/**
 * Count sides on the GPU: upload in binding-sized chunks, validate every
 * count (non-negative integers) with scoring_side_info, pack activation
 * bits, and tell single-recording sides apart from summed ones.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { activationWords, scoringSideInfo, SIDE_FLAGS } from "../kernels/scoring_side_info.ts";

/** Where count matrices come from: one or more host arrays of `[rows, nAttr, nCat]`. */
export interface SideSource {
  /** Total number of sides. */
  count: number;
  /** The counts of side `i` (a view, `nAttr * nCat` values). */
  row(i: number): Float32Array;
  /** Names side `i` in error messages. */
  describe(i: number): string;
}

/** A source over one array of `[n, nAttr, nCat]` counts. */
export function arraySource(
  data: Float32Array,
  rowLen: number,
  describe: (i: number) => string,
): SideSource {
  return {
    count: data.length / rowLen,
    row: (i) => data.subarray(i * rowLen, (i + 1) * rowLen),
    describe,
  };
}

/** What scoring_side_info found. */
export interface SidesInfo {
  /** Activation bits `[count, ceil(nAttr / 32)]` on the GPU (when packed). */
  bits: GpuTensor | null;
  /** Per side: a single recording (every attribute row one-hot). */
  oneHot: Uint8Array;
  /** Largest count and largest row total over all sides. */
  maxCount: number;
  maxTotal: number;
}

/** Shape of the sides. */
export interface InspectOptions {
  nAttr: number;
  nCat: number;
  /** Keep the packed activation bits (default false). */
  pack?: boolean;
  /** Label for GPU objects. */
  label?: string;
}

/** Sides per upload chunk: within the binding limit, offsets 256-byte aligned. */
export function sidesPerChunk(gpu: Gpu, rowLen: number): number {
  const limit = Math.min(gpu.maxBindingElements, 16 * 1024 * 1024);
  return Math.max(64, Math.floor(limit / rowLen / 64) * 64);
}

/** Validates all sides (error naming the first bad one) and packs their bits. */
export async function inspectSides(
  gpu: Gpu,
  source: SideSource,
  options: InspectOptions,
): Promise<SidesInfo> {
  const { nAttr, nCat } = options;
  const rowLen = nAttr * nCat;
  const words = activationWords(nAttr);
  const n = source.count;
  const label = options.label ?? "scoring_sides";
  const bits = options.pack ? gpu.empty([Math.max(1, n), words], "u32", { label }) : null;
  const info = gpu.empty([Math.max(1, n), 4], "u32", { label });
  const chunk = sidesPerChunk(gpu, rowLen);
  try {
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const host = new Float32Array((end - start) * rowLen);
      for (let i = start; i < end; i++) host.set(source.row(i), (i - start) * rowLen);
      const run = gpu.run(label);
      const counts = run.scratch([end - start, rowLen], "f32", label);
      gpu.write(counts, host);
      const dummy = run.scratch([1], "u32", label);
      scoringSideInfo(run, {
        counts,
        bits: bits
          ? { buffer: bits.buffer, offset: start * words * 4, size: (end - start) * words * 4 }
          : dummy,
        info: { buffer: info.buffer, offset: start * 16, size: (end - start) * 16 },
        nSides: end - start,
        nAttr,
        nCat,
        pack: Boolean(bits),
      });
      await run.submit();
    }
    const flags = n > 0 ? await gpu.read(info) : new Uint32Array(4);
    const oneHot = new Uint8Array(n);
    let maxCount = 0;
    let maxTotal = 0;
    for (let i = 0; i < n; i++) {
      const f = flags[4 * i];
      if (f & (SIDE_FLAGS.NEGATIVE | SIDE_FLAGS.FRACTION | SIDE_FLAGS.NONFINITE)) {
        const what = f & SIDE_FLAGS.NONFINITE
          ? "NaN or infinite values"
          : f & SIDE_FLAGS.NEGATIVE
          ? "negative counts"
          : "counts that are not integers";
        throw new RangeError(
          `${source.describe(i)} holds ${what}; counts must be non-negative integers ` +
            `(sums of binary attribute vectors)`,
        );
      }
      oneHot[i] = f & SIDE_FLAGS.ONE_HOT ? 1 : 0;
      maxCount = Math.max(maxCount, flags[4 * i + 1]);
      maxTotal = Math.max(maxTotal, flags[4 * i + 2]);
    }
    return { bits, oneHot, maxCount, maxTotal };
  } catch (e) {
    bits?.release();
    throw e;
  } finally {
    info.release();
  }
}
