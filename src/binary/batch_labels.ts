/**
 * Label bookkeeping of one batch, computed on the CPU and uploaded with the
 * batch: each anchor's positives (for triplet mining) and the speaker groups
 * of M samples (for the sparsity loss).
 * @module
 */

/** Index lists of one batch. */
export interface BatchLabelInfo {
  /** The label of each row. */
  labels: Uint32Array;
  /** First entry of each row's positives in `posIdx`. */
  posStart: Uint32Array;
  /** Number of positives (same label, other row) of each row. */
  posCount: Uint32Array;
  /** All rows' positives, in row order then batch order (one entry per anchor-positive pair). */
  posIdx: Uint32Array;
  /** The anchor of each pair (same length as posIdx). */
  posAnchor: Uint32Array;
  /** Number of anchor-positive pairs (posIdx holds one unused entry when 0). */
  pairs: number;
  /** Largest `posCount`. */
  maxPositives: number;
}

/** Positives of every row of a batch. */
export function batchLabelInfo(labels: ArrayLike<number>): BatchLabelInfo {
  const n = labels.length;
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) {
      throw new RangeError(`label ${l} of row ${i} is not a class index`);
    }
    let list = byLabel.get(l);
    if (!list) byLabel.set(l, list = []);
    list.push(i);
  }
  const posStart = new Uint32Array(n);
  const posCount = new Uint32Array(n);
  const posIdx: number[] = [];
  const posAnchor: number[] = [];
  let maxPositives = 0;
  for (let i = 0; i < n; i++) {
    posStart[i] = posIdx.length;
    for (const j of byLabel.get(labels[i])!) {
      if (j === i) continue;
      posIdx.push(j);
      posAnchor.push(i);
    }
    posCount[i] = posIdx.length - posStart[i];
    maxPositives = Math.max(maxPositives, posCount[i]);
  }
  const pairs = posIdx.length;
  // An empty storage binding is not allowed; one unused entry keeps it valid.
  if (pairs === 0) {
    posIdx.push(0);
    posAnchor.push(0);
  }
  return {
    labels: Uint32Array.from(labels),
    posStart,
    posCount,
    posIdx: Uint32Array.from(posIdx),
    posAnchor: Uint32Array.from(posAnchor),
    pairs,
    maxPositives,
  };
}

/**
 * Rows of each speaker (speakers in increasing label order, rows in batch
 * order), cut into groups of `m`: the sparsity loss sums Z over each group.
 * Every speaker must have a multiple of `m` rows, as upstream requires.
 */
export function speakerGroups(labels: ArrayLike<number>, m: number): Uint32Array {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    let list = byLabel.get(labels[i]);
    if (!list) byLabel.set(labels[i], list = []);
    list.push(i);
  }
  const out: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const rows = byLabel.get(label)!;
    if (rows.length % m !== 0) {
      throw new RangeError(
        `sparsity loss: speaker with label ${label} has ${rows.length} samples in the batch, ` +
          `not a multiple of M_samples_per_class (${m})`,
      );
    }
    out.push(...rows);
  }
  return Uint32Array.from(out);
}
