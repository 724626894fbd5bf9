/** The scoring fixture of tools/make_scoring_fixtures.py, decoded. */

interface Encoded {
  dtype: string;
  shape: number[];
  b64: string;
}

function decode(e: Encoded): Float64Array {
  const bytes = Uint8Array.from(atob(e.b64), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const n = e.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (e.dtype) {
      case "float64":
        out[i] = view.getFloat64(8 * i, true);
        break;
      case "uint16":
        out[i] = view.getUint16(2 * i, true);
        break;
      case "uint8":
        out[i] = view.getUint8(i);
        break;
      default:
        throw new Error(`fixture dtype ${e.dtype}`);
    }
  }
  return out;
}

/** Decoded fixture arrays (float64) and scalars. */
export interface ScoringFixture {
  nAttributes: number;
  nSpeakers: number;
  nIterations: number;
  referential: Float32Array;
  sides: Float32Array;
  pairs: Uint32Array;
  single: Uint8Array;
  beta: {
    alpha: Float64Array;
    alpha0: Float64Array;
    geometricMean: number;
    excluded: number;
    scores: Float64Array;
    scoresF32Alpha: Float64Array;
    upstreamAlphaHasNaN: boolean;
  };
  dna: {
    typicality: Float64Array;
    dropout: Float64Array;
    llrs: Float64Array;
    scores: Float64Array;
    scoresF32Table: Float64Array;
  };
  speech: {
    typicality: Float64Array;
    dropout: Float64Array;
    llrs: Float64Array;
    scores: Float64Array;
    scoresF32Table: Float64Array;
  };
  maxllr: { f: Float64Array; p: Float64Array; q: Float64Array; scores: Float64Array };
  cosine: { scores: Float64Array };
}

const PATH = new URL("../testdata/scoring/fixture.json", import.meta.url);

/** Reads and decodes tests/testdata/scoring/fixture.json. */
export async function loadScoringFixture(): Promise<ScoringFixture> {
  // deno-lint-ignore no-explicit-any
  const raw = JSON.parse(await Deno.readTextFile(PATH)) as any;
  // deno-lint-ignore no-explicit-any
  const group = (g: any) =>
    Object.fromEntries(
      Object.entries(g).map(([k, v]) => [k, typeof v === "object" ? decode(v as Encoded) : v]),
    );
  return {
    nAttributes: raw.nAttributes,
    nSpeakers: raw.nSpeakers,
    nIterations: raw.nIterations,
    referential: Float32Array.from(decode(raw.referential)),
    sides: Float32Array.from(decode(raw.sides)),
    pairs: Uint32Array.from(decode(raw.pairs)),
    single: Uint8Array.from(decode(raw.singleTrials)),
    beta: group(raw.beta),
    dna: group(raw.dna),
    speech: group(raw.speech),
    maxllr: group(raw.maxllr),
    cosine: group(raw.cosine),
  } as unknown as ScoringFixture;
}
