/**
 * A seeded synthetic speaker population for tests and the demo: speaker
 * embeddings with between-speaker, session and channel variability.
 *
 * Model: each speaker has a mean direction μ drawn uniformly on the unit
 * sphere; each recording adds a session deviation N(0, σ²/dim·I) and the
 * offset of one of a few shared channels (also random directions, length
 * `channelStrength`). Rows are then either L2-normalised or scaled to the
 * norm of WeSpeaker ResNet34 embeddings (~20). With the defaults the
 * same-speaker cosine similarity is about 0.7 and different speakers sit
 * near 0, as with real embeddings. Generation runs on the CPU: it is data
 * synthesis, not a pipeline step.
 * @module
 */
import { SeededRandom } from "../binary/seeded_random.ts";

/** Options of {@link syntheticPopulation}. */
export interface SyntheticPopulationOptions {
  /** Number of speakers. */
  speakers: number;
  /** Recordings per speaker. */
  utterancesPerSpeaker: number;
  /** Embedding size (default 256). */
  dim?: number;
  /** Seed (default 1234). */
  seed?: number;
  /** Length of the session deviation relative to the unit speaker mean (default 0.65). */
  sessionNoise?: number;
  /** Number of shared channels (default 4; 0 for none). */
  channels?: number;
  /** Length of a channel offset (default 0.2). */
  channelStrength?: number;
  /** `wespeaker`: rows scaled to norm ≈ 20 (default); `unit`: L2-normalised. */
  scale?: "wespeaker" | "unit";
  /** Prefix of speaker ids (default "spk"). */
  speakerPrefix?: string;
  /**
   * Dimension of the subspace speaker means live in (default: `dim`, i.e. the
   * whole sphere). Real embeddings spread speakers over a low-dimensional
   * subspace, so impostor cosines scatter far more than 1/√dim; a small value
   * makes the task realistically hard.
   */
  speakerDim?: number;
  /** Seed of that subspace, shared by populations that should share it (default 7). */
  subspaceSeed?: number;
}

/** A generated population, recordings in id order. */
export interface SyntheticPopulation {
  /** Recording ids `<speaker>/utt<k>`. */
  ids: string[];
  /** Speaker of each recording. */
  speakers: string[];
  /** Embeddings [ids.length, dim], row-major. */
  embeddings: Float32Array;
  /** Embedding size (columns of `embeddings`). */
  dim: number;
}

function randomUnit(rng: SeededRandom, dim: number): Float64Array {
  const v = new Float64Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = rng.normal();
    n += v[i] * v[i];
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

/** Generates a population (see the module doc for the model). */
export function syntheticPopulation(options: SyntheticPopulationOptions): SyntheticPopulation {
  const dim = options.dim ?? 256;
  const { speakers: ns, utterancesPerSpeaker: nu } = options;
  for (const [k, v] of [["speakers", ns], ["utterancesPerSpeaker", nu], ["dim", dim]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`syntheticPopulation: ${k} must be a positive integer, got ${v}`);
    }
  }
  const rng = new SeededRandom(options.seed ?? 1234);
  const sigma = (options.sessionNoise ?? 0.65) / Math.sqrt(dim);
  const nc = options.channels ?? 4;
  const channels = Array.from({ length: nc }, () => randomUnit(rng, dim));
  const cs = options.channelStrength ?? 0.2;
  const prefix = options.speakerPrefix ?? "spk";
  const width = String(ns).length;
  const uWidth = String(nu).length;
  const ids: string[] = [];
  const speakers: string[] = [];
  const embeddings = new Float32Array(ns * nu * dim);
  const row = new Float64Array(dim);
  const speakerDim = options.speakerDim ?? dim;
  if (!Number.isInteger(speakerDim) || speakerDim < 1 || speakerDim > dim) {
    throw new RangeError(
      `syntheticPopulation: speakerDim must be in [1, ${dim}], got ${speakerDim}`,
    );
  }
  const basis = speakerDim < dim ? subspaceBasis(options.subspaceSeed ?? 7, dim, speakerDim) : null;
  for (let s = 0; s < ns; s++) {
    const spk = `${prefix}${String(s + 1).padStart(width, "0")}`;
    const mu = basis ? inSubspace(basis, randomUnit(rng, speakerDim), dim) : randomUnit(rng, dim);
    for (let u = 0; u < nu; u++) {
      const ch = nc > 0 ? channels[rng.int(nc)] : null;
      let norm = 0;
      for (let i = 0; i < dim; i++) {
        row[i] = mu[i] + sigma * rng.normal() + (ch ? cs * ch[i] : 0);
        norm += row[i] * row[i];
      }
      norm = Math.sqrt(norm);
      // WeSpeaker-like rows vary in norm (~20 ± 3) as real embeddings do.
      const target = options.scale === "unit" ? 1 : 20 + 3 * rng.normal();
      const k = ids.length;
      for (let i = 0; i < dim; i++) embeddings[k * dim + i] = (row[i] / norm) * target;
      ids.push(`${spk}/utt${String(u + 1).padStart(uWidth, "0")}`);
      speakers.push(spk);
    }
  }
  return { ids, speakers, embeddings, dim };
}

/** `r` random unit directions of R^dim (nearly orthogonal for r ≪ dim). */
function subspaceBasis(seed: number, dim: number, r: number): Float64Array[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: r }, () => randomUnit(rng, dim));
}

/** The unit vector Σ z_k · basis_k. */
function inSubspace(basis: Float64Array[], z: Float64Array, dim: number): Float64Array {
  const v = new Float64Array(dim);
  basis.forEach((b, k) => {
    for (let i = 0; i < dim; i++) v[i] += z[k] * b[i];
  });
  let n = 0;
  for (let i = 0; i < dim; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}
