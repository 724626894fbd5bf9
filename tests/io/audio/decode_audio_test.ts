import { assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { decodeAudio } from "../../../src/io/audio/decode_audio.ts";
import { assertMatchesSummary, audioFixturePath, type Summary, toneFixtures } from "./_fixtures.ts";

interface SharedWav extends Summary {
  path: string;
  sampleRate: number;
  channels: number;
}

// fixture paths are relative to shared/ (e.g. data/voxceleb/voxceleb1/….wav)
const sharedRoot = new URL("../../../../shared/", import.meta.url).pathname;
const shared = JSON.parse(
  await Deno.readTextFile(audioFixturePath("shared_wav_torchaudio.json")),
) as { files: SharedWav[] };
const hasShared = await Deno.stat(sharedRoot + "data/voxceleb").then(() => true, () => false);
if (!hasShared) {
  console.warn(`decode_audio_test: ${sharedRoot} is absent; skipping the VoxCeleb wav tests`);
}

Deno.test({
  name: "decodeAudio() decodes every shared VoxCeleb wav exactly as torchaudio.load does",
  ignore: !hasShared,
  fn: async () => {
    assertEquals(shared.files.length, 30);
    for (const f of shared.files) {
      const got = await decodeAudio(sharedRoot + f.path);
      assertEquals([got.sampleRate, got.channels, got.format], [
        f.sampleRate,
        f.channels,
        "wav/pcm16",
      ], f.path);
      assertMatchesSummary(got.samples, f, f.path);
    }
  },
});

Deno.test("decodeAudio() recognises the format from the bytes, not the extension", async () => {
  const tones = await toneFixtures();
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [file, expectFormat] of [
        ["tone_s16_stereo_flaccli.flac", "flac/16"],
        ["tone_stereo.opus", "ogg/opus"],
        ["tone_stereo.mp3", "mp3"],
      ]
    ) {
      const renamed = `${dir}/${file}.wav`;
      await Deno.copyFile(audioFixturePath(file), renamed);
      const got = await decodeAudio(renamed);
      assertEquals(got.format, expectFormat);
      assertEquals(got.samples.length, tones.get(file)!.frames);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeAudio() errors name the file: missing, empty, unknown format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(
      () => decodeAudio(`${dir}/none.wav`),
      Error,
      `${dir}/none.wav: audio file not found`,
    );
    await Deno.writeFile(`${dir}/empty.flac`, new Uint8Array(0));
    await assertRejects(
      () => decodeAudio(`${dir}/empty.flac`),
      Error,
      `${dir}/empty.flac: empty audio file`,
    );
    await Deno.writeTextFile(`${dir}/notes.mp3`, "these are not audio samples at all");
    await assertRejects(
      () => decodeAudio(`${dir}/notes.mp3`),
      Error,
      `${dir}/notes.mp3: unrecognised audio format`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
