import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { readOggStream, sniffOggCodec } from "../../../src/io/audio/ogg.ts";
import { audioFixturePath } from "./_fixtures.ts";

const opusPath = audioFixturePath("tone_stereo.opus");
const opus = await Deno.readFile(opusPath);

Deno.test("readOggStream() reassembles the Opus headers and audio packets", () => {
  const s = readOggStream(opus, { path: opusPath });
  const text = (p: Uint8Array) => new TextDecoder("latin1").decode(p.subarray(0, 8));
  assertEquals(text(s.packets[0].data), "OpusHead");
  assertEquals(text(s.packets[1].data), "OpusTags");
  assert(s.packets.length > 10);
  const last = s.packets[s.packets.length - 1];
  assert(
    last.endOfStream && last.granule > 0,
    "last packet ends the stream with a granule position",
  );
  assertEquals(s.chained, false);
});

Deno.test("sniffOggCodec() tells Opus from Vorbis", async () => {
  assertEquals(sniffOggCodec(opus), "opus");
  assertEquals(
    sniffOggCodec(await Deno.readFile(audioFixturePath("tone_stereo_vorbis.ogg"))),
    "vorbis",
  );
  assertEquals(sniffOggCodec(new Uint8Array(10)), "unknown");
});

Deno.test("readOggStream() rejects damaged pages and truncated files, naming the file", () => {
  const bad = opus.slice();
  bad[200] ^= 0x10;
  assertThrows(
    () => readOggStream(bad, { path: "bad.opus" }),
    Error,
    "bad.opus: Ogg page CRC mismatch",
  );
  const cut = opus.subarray(0, opus.length - 50);
  assertThrows(() => readOggStream(cut, { path: "cut.opus" }), Error, "cut.opus");
  assertThrows(
    () => readOggStream(new Uint8Array(0), { path: "e.opus" }),
    Error,
    "e.opus: empty file",
  );
  assertThrows(
    () => readOggStream(new Uint8Array(30), { path: "z.opus" }),
    Error,
    "not an Ogg file",
  );
});
