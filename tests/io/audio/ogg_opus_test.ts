import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { assertClose } from "../../_helpers/assert_close.ts";
import { decodeOggOpus, parseOpusHead } from "../../../src/io/audio/ogg_opus.ts";
import { assertMatchesSummary, audioFixturePath, blockRms, toneFixtures } from "./_fixtures.ts";

const fixture = (await toneFixtures()).get("tone_stereo.opus")!;
const path = audioFixturePath(fixture.file);

// opus-decoder (libopus) and ffmpeg's native Opus decoder differ by ~6e-5 here.
const ATOL = 5e-4;

Deno.test("decodeOggOpus() matches ffmpeg's decode of the fixture within 5e-4 and trims to the encoded length", async () => {
  const got = await decodeOggOpus(await Deno.readFile(path), { path });
  assertEquals([got.sampleRate, got.channels, got.format], [48000, 2, "ogg/opus"]);
  assertMatchesSummary(got.samples, fixture, fixture.file, { atol: ATOL, sumRtol: 1e-3 });
  assertClose(blockRms(got.samples, 480), fixture.blockRms10ms!, { atol: 1e-3 }, "10 ms block RMS");
  // the 0.5 s source at 48 kHz
  assertEquals(got.samples.length, 24000);
});

Deno.test("parseOpusHead() rejects malformed identification headers", () => {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode("OpusHead"));
  head[8] = 1;
  head[9] = 0;
  assertThrows(
    () => parseOpusHead(head, "h.opus"),
    Error,
    "h.opus: OpusHead declares zero channels",
  );
  head[9] = 3;
  assertThrows(() => parseOpusHead(head, "h.opus"), Error, "mapping family 0 with 3 channels");
  head[9] = 2;
  head[10] = 0x38; // pre-skip 0x0138 = 312
  head[11] = 0x01;
  const ok = parseOpusHead(head, "h.opus");
  assertEquals([ok.channels, ok.preSkip, ok.streamCount, ok.coupledStreamCount], [2, 312, 1, 1]);
  head[8] = 0x10;
  assertThrows(() => parseOpusHead(head, "h.opus"), Error, "major version 1");
});

Deno.test("decodeOggOpus() names the file of a truncated stream", async () => {
  const bytes = await Deno.readFile(path);
  let message = "";
  try {
    await decodeOggOpus(bytes.subarray(0, bytes.length - 100), { path: "/data/cut.opus" });
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.startsWith("/data/cut.opus: "), message);
});
