/**
 * Paths and expectations of tests/testdata/resnet (written by
 * tools/make_resnet_fixtures.py).
 * @module
 */

/** The fixture folder. */
export const RESNET_DATA = new URL("../testdata/resnet/", import.meta.url).pathname;

/** The WeSpeaker-format directory of the small (m = 4) ResNet34. */
export const SMALL_DIR = `${RESNET_DATA}small`;

/** PyTorch embeddings of the small model. */
export interface SmallExpected {
  featureSeed: number;
  embedDim: number;
  cases: Array<{ frames: number; embedding: number[] }>;
  long: { frames: number; embedding: number[] };
  /** Embeddings of hashedFeatures(7, 98) and hashedFeatures(8, 98) run as one batch. */
  batch98: number[][];
}

/** Embeddings of the hash-weighted models. */
export interface HashedExpected {
  models: Array<{
    name: string;
    m: number;
    embedDim: number;
    twoEmbLayer: boolean;
    frames: number[];
    featureSeed: number;
    embeddings: number[][];
    checksums: Record<string, number>;
  }>;
}

/** Reads the small model's expectations. */
export function smallExpected(): SmallExpected {
  return JSON.parse(Deno.readTextFileSync(`${SMALL_DIR}/expected.json`));
}

/** Reads the hashed models' expectations. */
export function hashedExpected(): HashedExpected {
  return JSON.parse(Deno.readTextFileSync(`${RESNET_DATA}hashed.json`));
}
