/**
 * Random count matrices for scoring tests: referentials whose speakers hold
 * 1 to `maxRecordings` recordings, with attributes that are always, never,
 * rarely or sometimes active, trial sides of one or many recordings, trial
 * pairs and activation bits.
 */
import type { Rng } from "../_helpers/random.ts";

/** Options of randomReferential. */
export interface ReferentialOptions {
  nSpeakers: number;
  nAttr: number;
  /** Largest number of recordings per speaker (default 1000). */
  maxRecordings?: number;
}

/** Activation statistics `[S, nAttr, 2]` (activations, non-activations). */
export function randomReferential(rng: Rng, options: ReferentialOptions): Float32Array {
  const { nSpeakers, nAttr } = options;
  const maxRec = options.maxRecordings ?? 1000;
  const out = new Float32Array(nSpeakers * nAttr * 2);
  const kinds = Array.from({ length: nAttr }, (_, a) => a % 7);
  const rates = Array.from({ length: nAttr }, () => rng.uniform(0.05, 0.95));
  for (let l = 0; l < nSpeakers; l++) {
    const n = 1 + Math.floor(rng.next() ** 3 * maxRec);
    for (let a = 0; a < nAttr; a++) {
      let act: number;
      switch (kinds[a]) {
        case 0: // never active
          act = 0;
          break;
        case 1: // always active
          act = n;
          break;
        case 2: // rarely active: few speakers, few recordings
          act = rng.next() < 0.05 ? Math.min(n, 1 + rng.int(0, 3)) : 0;
          break;
        case 3: // speaker either has it (mostly active) or not
          act = rng.next() < rates[a] ? Math.round(n * rng.uniform(0.7, 1)) : 0;
          break;
        default: {
          const p = Math.min(1, Math.max(0, rates[a] + 0.25 * rng.normal()));
          act = Math.round(n * p);
        }
      }
      out[(l * nAttr + a) * 2] = act;
      out[(l * nAttr + a) * 2 + 1] = n - act;
    }
  }
  return out;
}

/** One BA vector `[nAttr, 2]` (rows [b, 1 - b]) per side, activation rate ~0.5. */
export function randomBaSides(rng: Rng, nSides: number, nAttr: number): Float32Array {
  const out = new Float32Array(nSides * nAttr * 2);
  for (let i = 0; i < nSides * nAttr; i++) {
    const b = rng.next() < 0.5 ? 1 : 0;
    out[2 * i] = b;
    out[2 * i + 1] = 1 - b;
  }
  return out;
}

/** Summed sides: each of `nSides` has 1 to `maxRecordings` recordings. */
export function randomSummedSides(
  rng: Rng,
  nSides: number,
  nAttr: number,
  maxRecordings: number,
): Float32Array {
  const out = new Float32Array(nSides * nAttr * 2);
  for (let s = 0; s < nSides; s++) {
    const n = 1 + rng.int(0, maxRecordings);
    for (let a = 0; a < nAttr; a++) {
      const act = Math.round(n * rng.next());
      out[(s * nAttr + a) * 2] = act;
      out[(s * nAttr + a) * 2 + 1] = n - act;
    }
  }
  return out;
}

/** `[nTrials, 2]` random (enrolment, test) side indices. */
export function randomPairs(rng: Rng, nTrials: number, nSides: number): Uint32Array {
  const out = new Uint32Array(nTrials * 2);
  for (let i = 0; i < out.length; i++) out[i] = rng.int(0, nSides);
  return out;
}

/** `nSingle` BA vectors (single recordings), then `nSummed` summed sides of up to `maxRecordings`. */
export function randomMixedSides(
  rng: Rng,
  nSingle: number,
  nSummed: number,
  nAttr: number,
  maxRecordings: number,
): Float32Array {
  return new Float32Array([
    ...randomBaSides(rng, nSingle, nAttr),
    ...randomSummedSides(rng, nSummed, nAttr, maxRecordings),
  ]);
}

/** `[nTrials, 2]` random (table, side) indices: trials against tabulated sides. */
export function randomTablePairs(
  rng: Rng,
  nTrials: number,
  nTables: number,
  nSides: number,
): Uint32Array {
  const out = new Uint32Array(nTrials * 2);
  for (let t = 0; t < nTrials; t++) {
    out[2 * t] = rng.int(0, nTables);
    out[2 * t + 1] = rng.int(0, nSides);
  }
  return out;
}

/** Activation bits `[nSides, ceil(nAttr / 32)]`, all 32 bits of every word random (padding too). */
export function randomBits(rng: Rng, nSides: number, nAttr: number): Uint32Array {
  return new Uint32Array(nSides * Math.ceil(nAttr / 32)).map(() =>
    rng.int(0, 2 ** 31) * 2 + rng.int(0, 2)
  );
}
