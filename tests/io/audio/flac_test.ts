import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { assertClose } from "../../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../../_helpers/random.ts";
import { decodeFlac, parseFlacHeader } from "../../../src/io/audio/flac.ts";
import { assertMatchesSummary, audioFixturePath, toneFixtures } from "./_fixtures.ts";
import { buildFlac, type FrameSpec, type SubframeSpec } from "./_flac_writer.ts";

const tones = await toneFixtures();
const flacFixtures = [...tones.values()].filter((f) => f.codec === "flac");

for (const f of flacFixtures) {
  Deno.test(`decodeFlac() ${f.file} is bit-exact (MD5 and source samples)`, async () => {
    const path = audioFixturePath(f.file);
    const got = decodeFlac(await Deno.readFile(path), { path, verifyMd5: true });
    assertEquals([got.channels, got.sampleRate, got.format], [
      f.channels,
      f.sampleRate,
      `flac/${f.bitsPerSample}`,
    ]);
    assertMatchesSummary(got.samples, f, f.file);
  });
}

function fixedResidualBits(r: number[]): number {
  let m = 0;
  for (const v of r) m = Math.max(m, v < 0 ? -v - 1 : v);
  return Math.ceil(Math.log2(m + 1)) + 1;
}

Deno.test("decodeFlac() decodes written frames of FIXED 0–4, escapes, Rice2, CONSTANT, VERBATIM bit-exactly", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const bps = 20;
  const top = 2 ** (bps - 1);
  const left: number[] = [];
  const right: number[] = [];
  const frames: FrameSpec[] = [];
  const sizes = [64, 200, 18, 4096];
  for (let f = 0; f < 12; f++) {
    const n = sizes[f % sizes.length];
    const l: number[] = [];
    const r: number[] = [];
    let phase = rng.uniform(0, 6.28);
    for (let i = 0; i < n; i++) {
      phase += 0.05;
      l.push(Math.round(Math.sin(phase) * top * 0.6 + rng.int(-200, 200)));
      r.push(Math.round(Math.cos(phase * 1.3) * top * 0.4 + rng.int(-200, 200)));
    }
    const silent = f === 3;
    if (silent) {
      l.fill(0);
      r.fill(0);
    }
    const assignment = silent ? 1 : [1, 8, 9, 10][f % 4];
    const [a, b] = decorrelate(l, r, assignment);
    const specs: SubframeSpec[] = [a, b].map((s, c): SubframeSpec => {
      if (silent) return { type: "constant" };
      const kind = (f + c) % 6;
      if (kind === 5) return { type: "verbatim" };
      const order = Math.min(4, kind) as 0 | 1 | 2 | 3 | 4;
      const residual = s.slice(order).map((v, i) => v - predict(s, i + order, order));
      const bits = fixedResidualBits(residual.slice(n / 2 - order));
      return { type: "fixed", order, riceK: 12, escapeBits: bits, rice2: (f + c) % 2 === 1 };
    });
    frames.push({ channelAssignment: assignment, subframes: [a, b], specs });
    left.push(...l);
    right.push(...r);
  }
  const bytes = buildFlac(frames, {
    sampleRate: 12345,
    channels: 2,
    bitsPerSample: bps,
    totalSamples: left.length,
  });
  const got = decodeFlac(bytes, { path: "written.flac" });
  assertEquals([got.sampleRate, got.channels, got.format], [12345, 2, "flac/20"]);
  const expected = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) {
    expected[i] = (Math.fround(left[i] / top) + Math.fround(right[i] / top)) / 2;
  }
  assertClose(got.samples, expected, { atol: 0 }, `seed ${seed}`);
});

/** The two stored channels of a stereo assignment (1 independent, 8 left/side, 9 side/right, 10 mid/side). */
function decorrelate(l: number[], r: number[], assignment: number): [number[], number[]] {
  const side = l.map((v, i) => v - r[i]);
  if (assignment === 8) return [l, side];
  if (assignment === 9) return [side, r];
  if (assignment === 10) return [l.map((v, i) => Math.floor((v + r[i]) / 2)), side];
  return [l, r];
}

function predict(s: number[], i: number, order: number): number {
  const c = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]][order];
  let p = 0;
  c.forEach((k, j) => p += k * s[i - 1 - j]);
  return p;
}

const stereoPath = audioFixturePath("tone_s16_stereo_ffmpeg_level0.flac");
const stereo = await Deno.readFile(stereoPath);

Deno.test("decodeFlac() reports a truncated file with its name", () => {
  for (const cut of [stereo.length - 1, Math.floor(stereo.length / 2), 60]) {
    const err = assertThrows(
      () => decodeFlac(stereo.subarray(0, cut), { path: "/x/cut.flac" }),
      Error,
      "/x/cut.flac",
    );
    assert(/truncated/.test(err.message), err.message);
  }
  assertThrows(() => decodeFlac(stereo.subarray(0, 20), { path: "meta.flac" }), Error, "meta.flac");
});

Deno.test("decodeFlac() detects a damaged byte through the frame CRCs", () => {
  const { framesOffset } = parseFlacHeader(stereo, { path: "x" });
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let k = 0; k < 8; k++) {
    const bad = stereo.slice();
    const at = rng.int(framesOffset, bad.length);
    bad[at] ^= 1 << rng.int(0, 8);
    const err = assertThrows(() => decodeFlac(bad, { path: "bad.flac" }), Error, "bad.flac: FLAC");
    assert(!/undefined|NaN/.test(err.message), `seed ${seed}: ${err.message}`);
  }
});

Deno.test("decodeFlac() checks STREAMINFO's MD5 and total length", () => {
  const info = parseFlacHeader(stereo, { path: "x" }).info;
  const streaminfoMd5End = 4 + 4 + 34; // "fLaC", block header, STREAMINFO
  const md5Only = stereo.slice();
  md5Only[streaminfoMd5End - 1] ^= 0xff;
  assertThrows(
    () => decodeFlac(md5Only, { path: "md5.flac", verifyMd5: true }),
    Error,
    "MD5 mismatch",
  );
  decodeFlac(md5Only, { path: "md5.flac" }); // without the check it decodes
  const longer = stereo.slice();
  // total samples: 36 bits ending 16 bytes before the end of STREAMINFO
  const totalAt = streaminfoMd5End - 16 - 1;
  longer[totalAt] = (info.totalSamples + 1000) & 0xff;
  longer[totalAt - 1] = ((info.totalSamples + 1000) >> 8) & 0xff;
  assertThrows(() => decodeFlac(longer, { path: "long.flac" }), Error, "truncated");
});

Deno.test("decodeFlac() rejects empty and non-FLAC input", () => {
  assertThrows(
    () => decodeFlac(new Uint8Array(0), { path: "e.flac" }),
    Error,
    "e.flac: empty file",
  );
  assertThrows(() => decodeFlac(new Uint8Array(100), { path: "z.flac" }), Error, "not a FLAC file");
});
