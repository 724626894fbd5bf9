import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { assertClose } from "../../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../../_helpers/random.ts";
import { decodeWav, parseWavHeader } from "../../../src/io/audio/wav.ts";
import { alawTable16, mulawTable16 } from "../../../src/io/audio/g711.ts";
import { buildWav, encodeCodes } from "./_wav_bytes.ts";

interface EncodingCase {
  name: string;
  formatTag: number;
  extensible: boolean;
  bitsPerSample: number;
  channels: number;
  kind: "int" | "uint" | "float";
  codes: number[];
  planar: number[][];
  mono: number[];
}

const fixture = JSON.parse(
  await Deno.readTextFile(
    new URL("../../testdata/audio/wav_encodings_torchaudio.json", import.meta.url),
  ),
) as { cases: EncodingCase[] };

/** The value one code decodes to, by the formulas of the module docs. */
function expectedValue(c: EncodingCase, code: number): number {
  if (c.kind === "float") return Math.fround(code);
  if (c.formatTag === 6) return alawTable16()[code] / 32768;
  if (c.formatTag === 7) return mulawTable16()[code] / 32768;
  if (c.bitsPerSample === 8) return (code - 128) / 128;
  return Math.fround(code / 2 ** (c.bitsPerSample - 1));
}

function monoOf(c: EncodingCase, values: number[]): Float32Array {
  const frames = values.length / c.channels;
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let ch = 0; ch < c.channels; ch++) s += values[i * c.channels + ch];
    out[i] = s / c.channels;
  }
  return out;
}

for (const c of fixture.cases) {
  Deno.test(`decodeWav() ${c.name} matches the formula and torchaudio`, () => {
    const bytes = buildWav(
      {
        formatTag: c.formatTag,
        channels: c.channels,
        bitsPerSample: c.bitsPerSample,
        extensible: c.extensible,
      },
      encodeCodes(c.codes, c.bitsPerSample, c.kind),
    );
    const got = decodeWav(bytes, { path: `${c.name}.wav` });
    assertEquals(got.channels, c.channels);
    assertEquals(got.sampleRate, 16000);
    const expected = monoOf(c, c.codes.map((code) => expectedValue(c, code)));
    assertClose(got.samples, expected, { atol: 0 }, `${c.name} vs formula`);
    // torchaudio 0.13 (sox) rounds 32-bit integer and float WAV to a 2^-23 grid
    // and clips floats to [-1, 1); everything else it decodes exactly as we do.
    const coarse = c.bitsPerSample === 32 || c.kind === "float";
    const atol = coarse ? 2 ** -24 + 1e-12 : 0;
    assertClose(got.samples, c.mono, { atol }, `${c.name} vs torchaudio`);
  });
}

Deno.test("decodeWav() averages random multichannel PCM16 like the per-channel mean", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (const channels of [1, 2, 3, 6]) {
    const frames = rng.int(1, 300);
    const codes = Array.from({ length: frames * channels }, () => rng.int(-32768, 32768));
    const got = decodeWav(
      buildWav({ formatTag: 1, channels, bitsPerSample: 16 }, encodeCodes(codes, 16, "int")),
      {
        path: "r.wav",
      },
    );
    const expected = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      let s = 0;
      for (let c = 0; c < channels; c++) s += codes[i * channels + c] / 32768;
      expected[i] = s / channels;
    }
    assertClose(got.samples, expected, { atol: 0 }, `seed ${seed}, ${channels} channels`);
  }
});

const tone16 = encodeCodes([0, 1000, -1000, 32767, -32768, 5], 16, "int");

Deno.test("parseWavHeader() skips unknown chunks and honours odd-size padding", () => {
  const odd = new Uint8Array([1, 2, 3]);
  const padded = buildWav(
    {
      formatTag: 1,
      channels: 1,
      bitsPerSample: 16,
      extraChunks: [{ id: "junk", body: odd }, { id: "LIST", body: new Uint8Array(4) }],
    },
    tone16,
  );
  const h = parseWavHeader(padded, { path: "p.wav" });
  assertEquals(h.frames, 6);
  const unpadded = buildWav(
    {
      formatTag: 1,
      channels: 1,
      bitsPerSample: 16,
      extraChunks: [{ id: "junk", body: odd, pad: false }],
    },
    tone16,
  );
  assertEquals(
    decodeWav(unpadded, { path: "u.wav" }).samples,
    decodeWav(padded, { path: "p.wav" }).samples,
  );
});

Deno.test("parseWavHeader() clamps streaming placeholder data sizes to the file", () => {
  for (const dataSize of [0xffffffff, 0, 0x7ffff000]) {
    const bytes = buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, dataSize }, tone16);
    const h = parseWavHeader(bytes, { path: "s.wav" });
    assertEquals(h.frames, 6);
    assert(h.clamped);
  }
  // a real-looking size beyond the file, but the RIFF size is a placeholder too
  const streamed = buildWav(
    { formatTag: 1, channels: 1, bitsPerSample: 16, dataSize: 1000 },
    tone16,
  );
  streamed.set([0xff, 0xff, 0xff, 0xff], 4);
  assertEquals(parseWavHeader(streamed, { path: "st.wav" }).frames, 6);
  const rf64 = buildWav(
    { formatTag: 1, channels: 1, bitsPerSample: 16, container: "RF64" },
    tone16,
  );
  const h = parseWavHeader(rf64, { path: "rf.wav" });
  assertEquals([h.container, h.frames, h.clamped], ["RF64", 6, false]);
});

Deno.test("parseWavHeader() reads a data chunk followed by other chunks and drops a partial frame", () => {
  const bytes = buildWav(
    {
      formatTag: 1,
      channels: 2,
      bitsPerSample: 16,
      trailingChunks: [{ id: "LIST", body: new Uint8Array(10) }],
    },
    encodeCodes([1, 2, 3, 4, 5, 6], 16, "int"),
  );
  assertEquals(parseWavHeader(bytes, { path: "t.wav" }).frames, 3);
  const partial = buildWav({ formatTag: 1, channels: 2, bitsPerSample: 16 }, new Uint8Array(10));
  assertEquals(decodeWav(partial, { path: "p.wav" }).samples.length, 2);
});

Deno.test("decodeWav() rejects lying headers with a message naming the file", () => {
  const cases: Array<[string, Uint8Array, string]> = [
    [
      "zero channels",
      buildWav({ formatTag: 1, channels: 0, bitsPerSample: 16, blockAlign: 2 }, tone16),
      "zero channels",
    ],
    [
      "12-bit",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 12, blockAlign: 2 }, tone16),
      "not a multiple of 8",
    ],
    [
      "block align",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, blockAlign: 4 }, tone16),
      "block align 4",
    ],
    [
      "sample rate 0",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, sampleRate: 0 }, tone16),
      "0 Hz",
    ],
    [
      "short fmt",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, fmtSize: 10 }, tone16),
      "shorter than the 16",
    ],
    [
      "data too big",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, dataSize: 1000 }, tone16),
      "declares 1000 bytes",
    ],
    [
      "chunk past end",
      buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16, fmtSize: 4000 }, tone16),
      "declares 4000 bytes",
    ],
    ["float16", buildWav({ formatTag: 3, channels: 1, bitsPerSample: 16 }, tone16), "16-bit float"],
    [
      "adpcm",
      buildWav({ formatTag: 2, channels: 1, bitsPerSample: 16 }, tone16),
      "format tag 0x0002",
    ],
  ];
  for (const [what, bytes, message] of cases) {
    const err = assertThrows(() => decodeWav(bytes, { path: `/data/${what}.wav` }), Error, message);
    assert(err.message.includes(`/data/${what}.wav`), `${what}: ${err.message}`);
  }
});

Deno.test("decodeWav() rejects truncated, empty, non-WAV and fmt-less files", () => {
  const full = buildWav({ formatTag: 1, channels: 1, bitsPerSample: 16 }, tone16);
  assertThrows(
    () => decodeWav(full.subarray(0, full.length - 3), { path: "cut.wav" }),
    Error,
    "cut.wav",
  );
  assertThrows(() => decodeWav(full.subarray(0, 30), { path: "cut2.wav" }), Error, "cut2.wav");
  assertThrows(
    () => decodeWav(new Uint8Array(0), { path: "empty.wav" }),
    Error,
    "empty.wav: empty file",
  );
  assertThrows(
    () => decodeWav(new TextEncoder().encode("hello world, not audio"), { path: "x.wav" }),
    Error,
    "not a WAV",
  );
  const noFmt = new Uint8Array([...full.subarray(0, 12), ...full.subarray(36)]);
  assertThrows(() => decodeWav(noFmt, { path: "nofmt.wav" }), Error, "no fmt chunk");
});

Deno.test("decodeWav() refuses NaN and infinite float samples", () => {
  const bytes = buildWav(
    { formatTag: 3, channels: 1, bitsPerSample: 32 },
    encodeCodes([0.5, NaN, 0.25], 32, "float"),
  );
  assertThrows(() => decodeWav(bytes, { path: "nan.wav" }), Error, "non-finite sample in frame 1");
});
