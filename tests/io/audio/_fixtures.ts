/**
 * The audio fixtures of tests/testdata/audio (made by tools/make_audio_fixtures.py)
 * and comparisons against their summaries.
 * @module
 */
import { AssertionError } from "node:assert";
import { assertEquals } from "../../_helpers/assert.ts";
import { assertClose } from "../../_helpers/assert_close.ts";

/** A summary of mono samples: length, sums and both ends. */
export interface Summary {
  frames: number;
  sum: number;
  sumSquares: number;
  head: number[];
  tail: number[];
}

/** One encoded tone of tones.json. */
export interface ToneFixture extends Summary {
  file: string;
  codec: string;
  lossless: boolean;
  sampleRate: number;
  channels: number;
  bitsPerSample?: number;
  decodedWithFfmpegAtTestTime?: boolean;
  blockRms10ms?: number[];
}

/** Absolute path of a file under tests/testdata/audio. */
export function audioFixturePath(name: string): string {
  return new URL(`../../testdata/audio/${name}`, import.meta.url).pathname;
}

/** The tone fixtures, by file name. */
export async function toneFixtures(): Promise<Map<string, ToneFixture>> {
  const json = JSON.parse(await Deno.readTextFile(audioFixturePath("tones.json"))) as {
    fixtures: ToneFixture[];
  };
  return new Map(json.fixtures.map((f) => [f.file, f]));
}

/** Checks samples against a summary: exact ends, sums within `tol` (relative). */
export function assertMatchesSummary(
  samples: Float32Array,
  expected: Summary,
  what: string,
  tol: { atol: number; sumRtol: number } = { atol: 0, sumRtol: 1e-9 },
): void {
  assertEquals(samples.length, expected.frames, `${what}: length`);
  assertClose(
    samples.subarray(0, expected.head.length),
    expected.head,
    { atol: tol.atol },
    `${what} head`,
  );
  assertClose(
    samples.subarray(samples.length - expected.tail.length),
    expected.tail,
    { atol: tol.atol },
    `${what} tail`,
  );
  let sum = 0;
  let sq = 0;
  for (const v of samples) {
    sum += v;
    sq += v * v;
  }
  const scale = Math.max(1, Math.abs(expected.sum));
  if (Math.abs(sum - expected.sum) > tol.sumRtol * scale + tol.atol * samples.length) {
    throw new AssertionError({ message: `${what}: sum ${sum} != ${expected.sum}` });
  }
  if (
    Math.abs(sq - expected.sumSquares) >
      tol.sumRtol * Math.max(1, expected.sumSquares) + tol.atol * samples.length
  ) {
    throw new AssertionError({
      message: `${what}: sum of squares ${sq} != ${expected.sumSquares}`,
    });
  }
}

/** RMS of consecutive blocks of `block` samples. */
export function blockRms(samples: Float32Array, block: number): number[] {
  const out: number[] = [];
  for (let b = 0; (b + 1) * block <= samples.length; b++) {
    let s = 0;
    for (let i = b * block; i < (b + 1) * block; i++) s += samples[i] * samples[i];
    out.push(Math.sqrt(s / block));
  }
  return out;
}
