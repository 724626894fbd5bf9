/**
 * NxM batch samplers (balr.samplers.nxm_samplers): batches of N classes ×
 * M samples for the triplet, ArcFace and sparsity losses. Index
 * bookkeeping only. Shuffles are seeded ({@link SeededRandom} with stream =
 * epoch), where upstream draws from an unseeded numpy generator unless it
 * runs distributed.
 * @module
 */
import { SeededRandom } from "../seeded_random.ts";

/** Options shared by the NxM samplers (upstream's constructor arguments). */
export interface NxMSamplerOptions {
  /** N: distinct classes per batch. */
  N: number;
  /** M: samples per class. */
  M: number;
  /** data.batch_size; must equal N × M when given. */
  batchSize?: number | null;
  /** Shuffle classes (and samples) every epoch (default true). */
  shuffle?: boolean;
  /** Drop the incomplete last batch instead of padding (default false). */
  dropLast?: boolean;
  /** Number of replicas the batches are split across (default 1: no splitting). */
  numReplicas?: number;
  /** This replica's index in [0, numReplicas) (default 0). */
  rank?: number;
  /** Seed of the shuffles (default 1234, upstream's). */
  seed?: number;
}

/** Base of the NxM samplers: class bookkeeping, replica splitting, epochs. */
export abstract class NxMSampler {
  /** Distinct classes per batch (N_classes_per_batch, >= 1). */
  readonly N: number;
  /** Samples per class in a batch (M_samples_per_class, >= 1). */
  readonly M: number;
  /** Indices per batch: always N × M. */
  readonly batchSize: number;
  /** Whether classes (and samples) are reshuffled every epoch. */
  readonly shuffle: boolean;
  /** Whether an incomplete last batch is dropped (else padded by wrapping). */
  readonly dropLast: boolean;
  /** Seed of the shuffles; the epoch selects the stream. */
  readonly seed: number;
  /** Number of replicas the batches are split across (>= 1). */
  readonly numReplicas: number;
  /** This replica's index in [0, numReplicas). */
  readonly rank: number;
  /** Classes in order of first appearance, and their sample indices. */
  readonly classes: number[];
  /** Sample (row) indices of each class label, in dataset order. */
  protected readonly indicesOf: Map<number, number[]>;
  /** Current epoch (0-based, as the trainer sets it); seeds the shuffles. */
  epoch = 0;
  /** Batches of one epoch over the whole dataset, before replica splitting. */
  abstract readonly numBatches: number;

  /**
   * Groups sample indices by `labels` (one class label per sample) and checks
   * the options: N, M positive integers, batchSize = N × M when given, rank
   * inside [0, numReplicas), and at least N classes (RangeError otherwise).
   */
  constructor(labels: ArrayLike<number>, o: NxMSamplerOptions) {
    for (const [k, v] of [["N_classes_per_batch", o.N], ["M_samples_per_class", o.M]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`${k} must be a positive integer, got ${v}`);
      }
    }
    this.N = o.N;
    this.M = o.M;
    if (o.batchSize !== undefined && o.batchSize !== null && o.batchSize !== o.N * o.M) {
      throw new RangeError(
        `Invalid batch_size (${o.batchSize}) for sampler. batch_size must be equal to ` +
          `N_classes_per_batch (${o.N}) * M_samples_per_class (${o.M}).`,
      );
    }
    this.batchSize = o.N * o.M;
    this.shuffle = o.shuffle ?? true;
    this.dropLast = o.dropLast ?? false;
    this.seed = o.seed ?? 1234;
    this.numReplicas = o.numReplicas ?? 1;
    this.rank = o.rank ?? 0;
    if (!Number.isInteger(this.numReplicas) || this.numReplicas < 1) {
      throw new RangeError(`numReplicas must be a positive integer, got ${this.numReplicas}`);
    }
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.numReplicas) {
      throw new RangeError(
        `Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`,
      );
    }
    this.indicesOf = new Map();
    for (let i = 0; i < labels.length; i++) {
      let list = this.indicesOf.get(labels[i]);
      if (!list) this.indicesOf.set(labels[i], list = []);
      list.push(i);
    }
    this.classes = [...this.indicesOf.keys()];
    if (o.N > this.classes.length) {
      throw new RangeError(
        `Not enough classes (${this.classes.length}) in dataset to sample with N_classes_per_batch=${o.N}`,
      );
    }
  }

  /** Batches this replica gets per epoch. */
  get batchesPerReplica(): number {
    const r = this.numReplicas;
    if (r === 1) return this.numBatches;
    return this.dropLast && this.numBatches % r !== 0
      ? Math.ceil((this.numBatches - r) / r)
      : Math.ceil(this.numBatches / r);
  }

  /** Number of indices one epoch yields (for this replica). */
  get length(): number {
    return this.batchesPerReplica * this.batchSize;
  }

  /** Selects the epoch, which seeds the shuffles. */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** One epoch's batches of the whole dataset, before replica splitting. */
  protected abstract batchIter(rng: SeededRandom): number[][];

  /** The generator of one pass over the data: the same for every pass of an epoch. */
  protected generator(): SeededRandom {
    return new SeededRandom(this.seed, this.epoch);
  }

  /**
   * This replica's batches for the current epoch: batch k goes to replica
   * k mod R, and when the batches do not split evenly the first ones repeat
   * (a second pass with the same shuffles) so every replica gets as many.
   */
  batches(): number[][] {
    let all = this.batchIter(this.generator());
    const r = this.numReplicas;
    if (r === 1) return all;
    const per = this.batchesPerReplica;
    if (per * r > this.numBatches) all = all.concat(this.batchIter(this.generator()));
    return all.filter((_, k) => k % r === this.rank && Math.floor(k / r) < per);
  }

  /** The flat index order of the current epoch (upstream's `list(sampler)`). */
  indices(): number[] {
    return this.batches().flat();
  }
}

/** Wraps `a` around to length n (numpy's pad mode "wrap" on the right). */
function wrapPad<T>(a: T[], n: number): T[] {
  const out = [...a];
  for (let i = 0; out.length < n; i++) out.push(a[i % a.length]);
  return out;
}

/**
 * Every class once per epoch (shuffled if asked), padded by wrapping to a
 * multiple of N or cut with dropLast; each batch takes N classes and M
 * random samples of each (with replacement only for classes with fewer).
 */
export class RandomNxMSampler extends NxMSampler {
  /** ceil(classes / N), or one fewer batch with dropLast when N does not divide the classes. */
  readonly numBatches: number;

  /** A random sampler over `labels` (one class label per sample); see {@link NxMSampler}. */
  constructor(labels: ArrayLike<number>, o: NxMSamplerOptions) {
    super(labels, o);
    const k = this.classes.length;
    this.numBatches = this.dropLast && k % this.N !== 0
      ? Math.ceil((k - this.N) / this.N)
      : Math.ceil(k / this.N);
  }

  protected batchIter(rng: SeededRandom): number[][] {
    let labels = this.shuffle ? rng.shuffle([...this.classes]) : [...this.classes];
    const mod = labels.length % this.N;
    if (mod !== 0) {
      labels = this.dropLast
        ? labels.slice(0, labels.length - mod)
        : wrapPad(labels, labels.length + this.N - mod);
    }
    const out: number[][] = [];
    for (let b = 0; b < labels.length; b += this.N) {
      const batch: number[] = [];
      for (const label of labels.slice(b, b + this.N)) {
        const samples = this.indicesOf.get(label)!;
        if (samples.length < this.M) {
          for (let q = 0; q < this.M; q++) batch.push(samples[rng.int(samples.length)]);
        } else {
          // Without replacement: the first M of a partial Fisher–Yates shuffle.
          const pool = [...samples];
          for (let q = 0; q < this.M; q++) {
            const j = q + rng.int(pool.length - q);
            [pool[q], pool[j]] = [pool[j], pool[q]];
            batch.push(pool[q]);
          }
        }
      }
      out.push(batch);
    }
    return out;
  }
}

/**
 * Every sample once per epoch: each class's indices padded by wrapping to a
 * multiple of M (shuffled per class if asked), classes taken round-robin M
 * at a time, the total cut to a multiple of N × M.
 */
export class ExhaustiveNxMSampler extends NxMSampler {
  /** Whole N × M batches of the padded samples (a partial last one is dropped). */
  readonly numBatches: number;
  /** Indices one epoch yields before replica splitting: numBatches × N × M. */
  readonly totalSize: number;
  readonly #padded: Map<number, number[]>;

  /** An exhaustive sampler over `labels` (one class label per sample); see {@link NxMSampler}. */
  constructor(labels: ArrayLike<number>, o: NxMSamplerOptions) {
    super(labels, o);
    this.#padded = new Map();
    let total = 0;
    for (const [label, idx] of this.indicesOf) {
      const mod = idx.length % this.M;
      const padded = mod ? wrapPad(idx, idx.length + this.M - mod) : [...idx];
      this.#padded.set(label, padded);
      total += padded.length;
    }
    const nm = this.batchSize;
    this.numBatches = total % nm !== 0 ? Math.ceil((total - nm) / nm) : total / nm;
    this.totalSize = this.numBatches * nm;
  }

  protected batchIter(rng: SeededRandom): number[][] {
    const labels = this.shuffle ? rng.shuffle([...this.classes]) : [...this.classes];
    const queues = labels.map((l) => {
      const idx = this.#padded.get(l)!;
      return this.shuffle ? rng.shuffle([...idx]) : [...idx];
    });
    const heads = queues.map(() => 0);
    const sorted: number[] = [];
    while (sorted.length < this.totalSize) {
      for (let c = 0; c < queues.length; c++) {
        if (heads[c] >= queues[c].length) continue;
        for (let q = 0; q < this.M; q++) sorted.push(queues[c][heads[c]++]);
      }
    }
    const out: number[][] = [];
    for (let b = 0; b < this.totalSize; b += this.batchSize) {
      out.push(sorted.slice(b, b + this.batchSize));
    }
    return out;
  }
}

/** Sampler names: upstream's class paths, class names, or `random` / `exhaustive`. */
export function samplerKind(name: string): "random" | "exhaustive" {
  const t = name.trim().toLowerCase();
  const leaf = t.slice(t.lastIndexOf(".") + 1);
  if (leaf === "randomnxmsampler" || t === "random" || t === "sampler:random") return "random";
  if (leaf === "exhaustivenxmsampler" || t === "exhaustive" || t === "sampler:exhaustive") {
    return "exhaustive";
  }
  throw new RangeError(
    `data.sampler: unknown sampler '${name}'; known: balr.samplers.nxm_samplers.RandomNxMSampler ` +
      `(random), balr.samplers.nxm_samplers.ExhaustiveNxMSampler (exhaustive)`,
  );
}

/** Builds the sampler `name` refers to (see {@link samplerKind}). */
export function createSampler(
  name: string,
  labels: ArrayLike<number>,
  options: NxMSamplerOptions,
): NxMSampler {
  return samplerKind(name) === "random"
    ? new RandomNxMSampler(labels, options)
    : new ExhaustiveNxMSampler(labels, options);
}
