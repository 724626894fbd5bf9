import { assert, assertEquals } from "../../_helpers/assert.ts";
import { decodeMp3File } from "../../../src/io/audio/mp3.ts";
import { assertMatchesSummary, audioFixturePath, toneFixtures } from "./_fixtures.ts";

const fixture = (await toneFixtures()).get("tone_stereo.mp3")!;
const path = audioFixturePath(fixture.file);

Deno.test("decodeMp3File() matches ffmpeg's gapless decode of the fixture within 1e-5", async () => {
  const got = await decodeMp3File(await Deno.readFile(path), { path });
  assertEquals([got.sampleRate, got.channels, got.format], [fixture.sampleRate, 2, "mp3"]);
  // mpg123 and ffmpeg's mp3 decoder agree to ~1e-6; both trim the LAME delay and padding
  assertMatchesSummary(got.samples, fixture, fixture.file, { atol: 1e-5, sumRtol: 1e-4 });
});

Deno.test("decodeMp3File() names the file when no MPEG frame is found", async () => {
  let message = "";
  try {
    await decodeMp3File(new Uint8Array(500), { path: "/data/zeros.mp3" });
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.startsWith("/data/zeros.mp3: "), message);
});
