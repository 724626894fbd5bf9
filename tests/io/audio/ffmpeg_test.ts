import { assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { decodeAudio } from "../../../src/io/audio/decode_audio.ts";
import { ffmpegAvailable } from "../../../src/io/audio/ffmpeg.ts";
import { assertMatchesSummary, audioFixturePath, toneFixtures } from "./_fixtures.ts";

const tones = await toneFixtures();
const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg) {
  console.warn(
    "ffmpeg_test: ffmpeg is not on PATH; skipping the ogg/vorbis, m4a and wma decode tests",
  );
}

for (const name of ["tone_stereo_vorbis.ogg", "tone_stereo.m4a", "tone_stereo.wma"]) {
  const f = tones.get(name)!;
  Deno.test({
    name: `decodeAudio() decodes ${name} through ffmpeg like the fixture's ffmpeg reference`,
    ignore: !hasFfmpeg,
    fn: async () => {
      const got = await decodeAudio(audioFixturePath(name));
      assertEquals([got.sampleRate, got.channels], [f.sampleRate, f.channels]);
      // the same decoder as the fixture's reference; a different ffmpeg build may round differently
      assertMatchesSummary(got.samples, f, name, { atol: 1e-4, sumRtol: 1e-4 });
    },
  });
}

Deno.test("decodeAudio() says to install ffmpeg when it is missing", async () => {
  const saved = Deno.env.get("BALR_FFMPEG");
  Deno.env.set("BALR_FFMPEG", "/nonexistent/ffmpeg-for-test");
  try {
    const path = audioFixturePath("tone_stereo.m4a");
    await assertRejects(() => decodeAudio(path), Error, `${path}: decoding m4a audio needs ffmpeg`);
    await assertRejects(() => decodeAudio(path), Error, "apt-get install ffmpeg");
  } finally {
    if (saved === undefined) Deno.env.delete("BALR_FFMPEG");
    else Deno.env.set("BALR_FFMPEG", saved);
  }
});
