/**
 * Access to the torchaudio fixtures of tools/make_frontend_fixtures.py and
 * to ../shared/data/voxceleb (tests skip with a message when it is absent).
 * @module
 */
import { type Pcm16Audio, readPcm16Wav } from "./_pcm16_wav.ts";

const here = new URL("./", import.meta.url);
const fixtureDir = new URL("../testdata/frontend/", here);
/** The shared VoxCeleb sample, relative to the repository root. */
export const DATA_DIR = new URL("../../../shared/data/voxceleb/", here);

/** One wav's fixture entry (see the generator's docstring). */
export interface FileFixture {
  path: string;
  sha256: string;
  sampleRate: number;
  samples: number;
  resample?: {
    length: number;
    head: number;
    tail: number;
    edge: number;
    stride: number;
    strided: number;
    stridedCount: number;
  };
  /** float32 torchaudio features (what users run). */
  fbank: FbankFixture;
  /** The same pipeline in float64 (the accuracy yardstick). */
  fbank64: FbankFixture;
}

/** Offsets of one file's features in fbank.f32. */
export interface FbankFixture {
  frames: number;
  bins: number;
  blockStart: number;
  blockCount: number;
  block: number;
  stride: number;
  stridedCount: number;
  strided: number;
  rawMean: number;
}

/** The manifest plus its float32 blobs. */
export interface Fixtures {
  files: FileFixture[];
  syntheticResample: Array<
    { from: number; to: number; n: number; seed: number; offset: number; length: number }
  >;
  optionCases: Array<
    {
      file: string;
      options: Record<string, unknown>;
      frames: number;
      bins: number;
      offset: number;
    }
  >;
  tables: {
    resample: Array<
      { from: number; to: number; phases: number; taps: number; rows: number[]; offset: number }
    >;
    windows: Array<{ type: string; length: number; offset: number }>;
    melBank: { bins: number; nFft: number; columns: number; offset: number };
  };
  resample: Float32Array;
  fbank: Float32Array;
  tableValues: Float32Array;
}

/** Loads the committed fixtures. */
export async function loadFixtures(): Promise<Fixtures> {
  const manifest = JSON.parse(await Deno.readTextFile(new URL("manifest.json", fixtureDir)));
  const blob = async (name: string) => {
    const b = await Deno.readFile(new URL(name, fixtureDir));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  return {
    ...manifest,
    resample: await blob("resample.f32"),
    fbank: await blob("fbank.f32"),
    tableValues: await blob("tables.f32"),
  };
}

/** True when ../shared/data/voxceleb exists; otherwise prints why the test skips. */
export async function haveVoxceleb(test: string): Promise<boolean> {
  try {
    await Deno.stat(DATA_DIR);
    return true;
  } catch {
    console.warn(`%cSKIPPING ${test}: ${DATA_DIR.pathname} is absent`, "color: yellow");
    return false;
  }
}

/** Decodes one of the shared wavs, checking it is the file the fixture was made from. */
export async function readVoxceleb(file: { path: string; sha256?: string }): Promise<Pcm16Audio> {
  const bytes = await Deno.readFile(new URL(file.path, DATA_DIR));
  if (file.sha256) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== file.sha256) {
      throw new Error(`${file.path}: differs from the file the fixtures were made from`);
    }
  }
  return readPcm16Wav(bytes, file.path);
}

/** The synthetic resampler input of the generator (float64 formula rounded to float32). */
export function syntheticSignal(n: number, rate: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    const noise = s / 4294967296 * 2 - 1;
    out[i] = 0.4 * Math.sin(2 * Math.PI * 440 * i / rate) +
      0.25 * Math.sin(2 * Math.PI * 0.45 * i + 0.3) + 0.1 * noise;
  }
  return out;
}
