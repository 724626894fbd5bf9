/**
 * `balr extract` end to end on ../shared/data audio with the small
 * WeSpeaker-architecture fixture model (random weights, committed).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { main } from "../../cli.ts";
import { embedAudioFile } from "../../src/commands/extract.ts";
import { extractFeatures } from "../../src/frontend/mod.ts";
import { embedFeatures, loadEmbeddingModel } from "../../src/embeddings/mod.ts";
import { decodeAudio } from "../../src/io/audio/mod.ts";
import { readVectorFile, writeVectorFile } from "../../src/io/vector_file.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";

const MODEL = new URL("../testdata/resnet/small", import.meta.url).pathname;
const SHARED = new URL("../../../shared/data/voxceleb/", import.meta.url).pathname;
const hasShared = (() => {
  try {
    return Deno.statSync(SHARED).isDirectory;
  } catch {
    return false;
  }
})();
if (!hasShared) console.warn(`SKIPPING shared-audio extract tests: ${SHARED} is absent`);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {}, {
    io: { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) },
  });
  return { code, out, err };
}

async function copyAudio(dir: string, files: string[]): Promise<void> {
  for (const f of files) {
    await Deno.mkdir(`${dir}/${f.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.copyFile(`${SHARED}/${f}`, `${dir}/${f}`);
  }
}

const FILES = [
  "voxceleb1/id10270+5r0dWxy17C8+00004.wav",
  "voxceleb2/id00906/00014.wav",
  "voxceleb2/id01184/00123.wav",
];

Deno.test({
  name: "balr extract writes embeddings equal to features + ResNet run step by step",
  ignore: !hasShared,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "balr_extract_" });
    try {
      await copyAudio(dir, FILES);
      const r = await run(["extract", dir, `embeddings.model.model_dir=${MODEL}`]);
      assertEquals(r.code, 0, r.err);
      const model = await loadEmbeddingModel(gpu, { model_dir: MODEL });
      for (const f of FILES) {
        const saved = await readVectorFile(`${dir}/${f.replace(/\.wav$/, "_emb.pkl")}`);
        assertEquals(saved.shape, [model.embedDim]);
        // The same steps by hand: decode, features (resampling 24 kHz files), ResNet.
        const audio = await decodeAudio(`${dir}/${f}`);
        const feats = await extractFeatures(gpu, audio.samples, audio.sampleRate);
        const [emb] = await embedFeatures(gpu, model, [feats]);
        assertClose(saved.data as Float32Array, emb, { atol: 1e-6, rtol: 1e-5 }, f);
      }
      model.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "balr extract resumes, redoes with --force, mirrors --save-dir and shards",
  ignore: !hasShared,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "balr_extract_resume_" });
    try {
      await copyAudio(`${dir}/in`, FILES);
      const model = `embeddings.model.model_dir=${MODEL}`;
      const save = `${dir}/out`;
      const first = await run([
        "extract",
        `${dir}/in`,
        model,
        "--save-dir",
        save,
        "--shard",
        "0/2",
      ]);
      assertEquals(first.code, 0, first.err);
      assert(first.err.includes("extract: 1 done"), first.err);
      const second = await run(["extract", `${dir}/in`, model, "--save-dir", save]);
      assert(second.err.includes("2 done, 1 already done"), second.err);
      for (const f of FILES) {
        assert((await Deno.stat(`${save}/${f.replace(/\.wav$/, "_emb.pkl")}`)).isFile, f);
      }
      const before = (await Deno.stat(`${save}/${FILES[0].replace(/\.wav$/, "_emb.pkl")}`)).mtime;
      const nothing = await run(["extract", `${dir}/in`, model, "--save-dir", save]);
      assert(nothing.err.includes("nothing to do"), nothing.err);
      const forced = await run(["extract", `${dir}/in`, model, "--save-dir", save, "--force"]);
      assert(forced.err.includes("3 done"), forced.err);
      const after = (await Deno.stat(`${save}/${FILES[0].replace(/\.wav$/, "_emb.pkl")}`)).mtime;
      assert(after! >= before!, "forced run rewrote the file");
      const none = await run(["extract", `${dir}/in`, model, "--no-save-output", "--force"]);
      assertEquals(none.code, 0, none.err);
      const leftovers = [...Deno.readDirSync(`${dir}/in/voxceleb1`)].map((e) => e.name);
      assertEquals(leftovers, ["id10270+5r0dWxy17C8+00004.wav"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "balr extract keeps going past bad files, lists them and exits 1 without partial files",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "balr_extract_bad_" });
    try {
      // Silence (2 s) works; a 10 ms file is shorter than one frame; garbage and an empty file fail.
      const wav = (samples: number) => {
        const b = new Uint8Array(44 + samples * 2);
        const v = new DataView(b.buffer);
        const text = (at: number, s: string) =>
          [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
        text(0, "RIFF");
        v.setUint32(4, 36 + samples * 2, true);
        text(8, "WAVEfmt ");
        v.setUint32(16, 16, true);
        v.setUint16(20, 1, true);
        v.setUint16(22, 1, true);
        v.setUint32(24, 16000, true);
        v.setUint32(28, 32000, true);
        v.setUint16(32, 2, true);
        v.setUint16(34, 16, true);
        text(36, "data");
        v.setUint32(40, samples * 2, true);
        return b;
      };
      await Deno.writeFile(`${dir}/silence.wav`, wav(32000));
      await Deno.writeFile(`${dir}/tiny.wav`, wav(160));
      await Deno.writeFile(`${dir}/garbage.wav`, crypto.getRandomValues(new Uint8Array(2000)));
      await Deno.writeFile(`${dir}/empty.flac`, new Uint8Array(0));
      const r = await run(["extract", dir, `embeddings.model.model_dir=${MODEL}`]);
      assertEquals(r.code, 1, r.err);
      assert(r.err.includes("1 done, 3 failed"), r.err);
      assert(r.err.includes("failed tiny.wav") && r.err.includes("too short"), r.err);
      assert(r.err.includes("failed garbage.wav") && r.err.includes("garbage.wav"), r.err);
      assert(r.err.includes("failed empty.flac"), r.err);
      const silence = await readVectorFile(`${dir}/silence_emb.pkl`);
      assert(
        (silence.data as Float32Array).every(Number.isFinite),
        "silence gives a finite embedding",
      );
      const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      assertEquals(names, [
        "empty.flac",
        "garbage.wav",
        "silence.wav",
        "silence_emb.pkl",
        "tiny.wav",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "balr extract names what to download when the model directory is missing",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "balr_extract_nomodel_" });
    try {
      await Deno.writeFile(`${dir}/a.wav`, new Uint8Array(100));
      const r = await run(["extract", dir, `embeddings.model.model_dir=${dir}/missing`]);
      assert(r.code !== 0);
      assert(r.err.includes("avg_model.pt") && r.err.includes("huggingface.co"), r.err);
      const unset = await run(["extract", dir]);
      assert(unset.err.includes("embeddings.model.model_dir is not set"), unset.err);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "embedAudioFile() gives the embedding extract writes",
  ignore: !hasShared,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model = await loadEmbeddingModel(gpu, { model_dir: MODEL });
    const path = `${SHARED}/${FILES[1]}`;
    const { embedding, seconds } = await embedAudioFile(gpu, model, path);
    assert(seconds > 1);
    const dir = await Deno.makeTempDir();
    await writeVectorFile(`${dir}/x_emb.pkl`, float32Tensor(embedding, [embedding.length]));
    const back = await readVectorFile(`${dir}/x_emb.pkl`);
    assertClose(back.data as Float32Array, embedding, {});
    await Deno.remove(dir, { recursive: true });
    model.dispose();
  },
});
