import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { freshSeed } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { loadDataset } from "../../src/data/dataset.ts";
import { float32Tensor, toFloat32 } from "../../src/io/host_tensor.ts";
import { readStateDict, writeStateDict } from "../../src/io/torch_checkpoint.ts";
import { readVectorFile, writeVectorFile } from "../../src/io/vector_file.ts";
import { initBaeWeights, loadBae } from "../../src/binary/bae_weights.ts";
import { baVectors, binarizeEmbeddings } from "../../src/binary/binarize.ts";
import { SeededRandom } from "../../src/binary/seeded_random.ts";
import { stateDictOf } from "../../src/binary/trainer.ts";
import { binarizeDataset } from "../../src/commands/binarize.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { loadEncoderCheckpoint } from "../../src/commands/binarize_checkpoint.ts";
import {
  balr,
  type EmbeddingDataset,
  exists,
  listFiles,
  missingBae,
  SHARED_BAE,
  tempDir,
  writeEmbeddingDataset,
} from "./_emb_dataset.ts";

const SKIP = missingBae();
if (SKIP) console.warn(`%c${SKIP}`, "color: yellow");

/** PyTorch's BAE_mse.pt forward pass on 300 embeddings (input, z), from tools/. */
const FIXTURE = new URL("../testdata/bae/bae_mse_forward.pt", import.meta.url).pathname;

const CKPT = `encoder.model.checkpoint_path=${SHARED_BAE}`;

/** BA vectors [n, 512, 2] the engine gives for the dataset's embeddings. */
async function expectedBa(data: EmbeddingDataset): Promise<Float32Array> {
  const gpu = (await testGpu())!;
  const { bits } = await binarizeEmbeddings(
    gpu,
    await loadBae(SHARED_BAE),
    data.population.embeddings,
  );
  return baVectors(bits);
}

/** Checks every id's BA file against `expected` (rows in population order). */
async function checkBaFiles(
  data: EmbeddingDataset,
  expected: Float32Array,
  pathOf: (id: string) => string,
  context: string,
): Promise<void> {
  for (const [k, id] of data.ids.entries()) {
    const t = await readVectorFile(pathOf(id));
    assertEquals([t.dtype, t.shape], ["float32", [512, 2]], `${id} (${context})`);
    assertEquals(t.data, expected.slice(k * 1024, (k + 1) * 1024), `${id} bits (${context})`);
  }
}

function mtimes(paths: string[]): number[] {
  return paths.map((p) => Deno.statSync(p).mtime!.getTime());
}

Deno.test({
  name: "runBinarize() writes [512, 2] BA vectors equal to binarizeEmbeddings() beside the audio",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    // 37 items in batches of 8: four full batches and a partial one.
    const data = await writeEmbeddingDataset({
      speakers: 37,
      utterancesPerSpeaker: 1,
      seed,
      layout: "folder",
    });
    const r = await balr(["binarize", data.input, CKPT, "data.batch_size=8"]);
    assertEquals(r.code, 0, `seed ${seed}: ${r.err}`);
    assert(r.err.includes("binarize: 37 done"), r.err);
    await checkBaFiles(data, await expectedBa(data), (id) => data.baPath.get(id)!, `seed ${seed}`);
    assert(!listFiles(data.dir).some((f) => f.endsWith(".tmp")), "a temp file was left");
  },
});

Deno.test({
  name: "runBinarize() reproduces PyTorch's BAE_mse.pt attributes on a csv of embeddings",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const fx = await readStateDict(FIXTURE);
    const input = toFloat32(fx.get("input")!);
    const z = toFloat32(fx.get("z")!);
    const n = 40;
    const dir = await tempDir("balr_binarize_torch_");
    const rows = ["id,embedding"];
    for (let i = 0; i < n; i++) {
      // Every fourth embedding in numpy text format (float64 text holds float32 exactly).
      const file = `e${i}_emb.${i % 4 === 3 ? "txt" : "pkl"}`;
      await writeVectorFile(
        join(dir, file),
        float32Tensor(input.slice(i * 256, (i + 1) * 256), [256]),
      );
      rows.push(`utt${i},${file}`);
    }
    await Deno.writeTextFile(join(dir, "emb.csv"), rows.join("\n") + "\n");
    const r = await balr(["binarize", join(dir, "emb.csv"), CKPT, "data.batch_size=16"]);
    assertEquals(r.code, 0, r.err);
    let nearZero = 0;
    for (let i = 0; i < n; i++) {
      // Outputs land beside the reference (embedding) file, named without its _emb suffix.
      const ba = (await readVectorFile(join(dir, `e${i}_ba.pkl`))).data as Float32Array;
      for (let a = 0; a < 512; a++) {
        const zz = z[i * 512 + a];
        const b = zz > 0 ? 1 : 0;
        if (ba[2 * a] !== b || ba[2 * a + 1] !== 1 - b) {
          // Only a Z within float32 rounding of 0 may land on the other side.
          assert(Math.abs(zz) < 1e-5, `utt${i} attribute ${a}: Z = ${zz}, ours [${ba[2 * a]}]`);
          nearZero++;
        }
      }
    }
    assert(nearZero <= 2, `${nearZero} attributes differ from PyTorch`);
  },
});

Deno.test({
  name: "runBinarize() takes a single audio file with its embedding beside it",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const data = await writeEmbeddingDataset({
      speakers: 2,
      utterancesPerSpeaker: 2,
      seed: freshSeed(),
      layout: "folder",
    });
    const id = data.ids[2];
    const r = await balr(["binarize", join(data.input, id), CKPT]);
    assertEquals(r.code, 0, r.err);
    assert(r.err.includes("binarize: 1 done"), r.err);
    assertEquals([...data.baPath.values()].map(exists), [false, false, true, false]);
    const expected = (await expectedBa(data)).slice(2 * 1024, 3 * 1024);
    assertEquals((await readVectorFile(data.baPath.get(id)!)).data, expected);
  },
});

Deno.test({
  name: "runBinarize() skips finished items on a re-run, --force redoes them",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await writeEmbeddingDataset({
      speakers: 6,
      utterancesPerSpeaker: 2,
      seed,
      layout: "folder",
    });
    const args = ["binarize", data.input, CKPT, "data.batch_size=5"];
    assertEquals((await balr(args)).code, 0);
    const outputs = data.ids.map((id) => data.baPath.get(id)!);
    const before = mtimes(outputs);
    await new Promise((ok) => setTimeout(ok, 20));
    const again = await balr(args);
    assertEquals(again.code, 0, again.err);
    assert(again.err.includes("nothing to do (12 already done"), again.err);
    assertEquals(mtimes(outputs), before, "a finished output was rewritten");
    // A lost output is redone alone.
    await Deno.remove(outputs[3]);
    const resume = await balr(args);
    assertEquals(resume.code, 0, resume.err);
    assert(resume.err.includes("binarize: 1 done, 11 already done (skipped)"), resume.err);
    assert(exists(outputs[3]));
    const forced = await balr([...args, "--force"]);
    assertEquals(forced.code, 0, forced.err);
    assert(forced.err.includes("binarize: 12 done"), forced.err);
    assert(mtimes(outputs).every((t, i) => t > before[i]), "--force did not rewrite every output");
    await checkBaFiles(data, await expectedBa(data), (id) => data.baPath.get(id)!, `seed ${seed}`);
  },
});

Deno.test({
  name: "runBinarize() mirrors the dataset's layout under --save-dir",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await writeEmbeddingDataset({
      speakers: 3,
      utterancesPerSpeaker: 3,
      seed,
      layout: "folder",
    });
    const out = join(data.dir, "runs", "ba");
    const r = await balr(["binarize", data.input, CKPT, "--save-dir", out]);
    assertEquals(r.code, 0, r.err);
    assertEquals(
      listFiles(out),
      data.ids.map((id) => id.replace(/\.wav$/, "_ba.pkl")).sort(),
    );
    assert(![...data.baPath.values()].some(exists), "outputs also landed beside the audio");
    await checkBaFiles(
      data,
      await expectedBa(data),
      (id) => join(out, id.replace(/\.wav$/, "_ba.pkl")),
      `seed ${seed}`,
    );
    // --no-save-output computes without writing anything.
    const dry = await balr(["binarize", data.input, CKPT, "--no-save-output"]);
    assertEquals(dry.code, 0, dry.err);
    assert(dry.err.includes("binarize: 9 done"), dry.err);
    assert(![...data.baPath.values()].some(exists), "--no-save-output wrote files");
  },
});

Deno.test({
  name: "runBinarize() fails bad embeddings by id and file and writes the others",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await writeEmbeddingDataset({
      speakers: 4,
      utterancesPerSpeaker: 3,
      seed,
      layout: "folder",
    });
    const [nan, short, garbage, none] = [data.ids[1], data.ids[5], data.ids[8], data.ids[10]];
    const nanValues = data.population.embeddings.slice(256, 512);
    nanValues[17] = NaN;
    await writeVectorFile(data.embPath.get(nan)!, float32Tensor(nanValues, [256]));
    await writeVectorFile(data.embPath.get(short)!, float32Tensor(new Float32Array(255), [255]));
    await Deno.writeTextFile(data.embPath.get(garbage)!, "not a pickle");
    await Deno.remove(data.embPath.get(none)!);
    const r = await balr(["binarize", data.input, CKPT, "data.batch_size=4"]);
    assertEquals(r.code, 1, r.err);
    assert(r.err.includes("binarize: 8 done, 1 skipped, 3 failed"), r.err);
    assert(r.err.includes(`warning: skipping ${none}: no embedding`), r.err);
    const failed = (id: string) => r.err.split("\n").find((l) => l.startsWith(`  failed ${id}: `));
    assert(failed(nan)?.includes(`${data.embPath.get(nan)}: value 17 is NaN`), r.err);
    assert(
      failed(short)?.includes(`${data.embPath.get(short)}: shape [255], expected [256]`),
      r.err,
    );
    assert(failed(garbage)?.includes(data.embPath.get(garbage)!), r.err);
    const expected = await expectedBa(data);
    for (const [k, id] of data.ids.entries()) {
      const path = data.baPath.get(id)!;
      if ([nan, short, garbage, none].includes(id)) {
        assert(!exists(path), `${id} has an output`);
        continue;
      }
      assertEquals(
        (await readVectorFile(path)).data,
        expected.slice(k * 1024, (k + 1) * 1024),
        `${id} (seed ${seed})`,
      );
    }
    assert(!listFiles(data.dir).some((f) => f.endsWith(".tmp")), "a temp file was left");
  },
});

Deno.test({
  name: "binarizeDataset() stopped between batches leaves whole files only, and resumes",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const data = await writeEmbeddingDataset({
      speakers: 5,
      utterancesPerSpeaker: 4,
      seed: freshSeed(),
      layout: "folder",
    });
    const dataset = await loadDataset(data.input);
    const weights = await loadBae(SHARED_BAE);
    // Aborts once two batches have started: the loop checks the signal before each batch.
    let checks = 0;
    const signal = {
      get aborted() {
        return ++checks > 2;
      },
    } as AbortSignal;
    const first = await binarizeDataset(gpu, dataset, {
      weights,
      batchSize: 6,
      signal,
      stderr: () => {},
    });
    assertEquals([first.interrupted, first.processed, first.failed.length], [true, 12, 0]);
    const written = listFiles(data.dir).filter((f) => f.endsWith("_ba.pkl"));
    assertEquals(written.length, 12);
    assert(!listFiles(data.dir).some((f) => f.endsWith(".tmp")), "a temp file was left");
    for (const f of written) {
      assertEquals((await readVectorFile(join(data.dir, f))).shape, [512, 2], f);
    }
    const rest = await binarizeDataset(gpu, await loadDataset(data.input), {
      weights,
      batchSize: 6,
      stderr: () => {},
    });
    assertEquals([rest.interrupted, rest.processed, rest.alreadyDone], [false, 8, 12]);
    // Without saving, the vectors come back in the summary.
    const kept = await binarizeDataset(gpu, dataset, {
      weights,
      force: true,
      saveOutput: false,
      stderr: () => {},
    });
    assertEquals([kept.processed, kept.vectors.size, kept.outputs.size], [20, 20, 0]);
    const expected = await expectedBa(data);
    for (const [k, id] of data.ids.entries()) {
      assertEquals(kept.vectors.get(id)!.data, expected.slice(k * 1024, (k + 1) * 1024), id);
    }
  },
});

Deno.test({
  name: "runBinarize() says where the reference checkpoint comes from when it is missing",
  async fn() {
    const data = await writeEmbeddingDataset({
      speakers: 1,
      utterancesPerSpeaker: 2,
      seed: 1,
      layout: "folder",
    });
    const missing = join(data.dir, "nowhere", "BAE_mse.pt");
    const r = await balr(["binarize", data.input, `encoder.model.checkpoint_path=${missing}`]);
    assertEquals(r.code, 2, r.err);
    for (
      const part of [
        `BAE checkpoint ${missing} not found`,
        "resources/models/BAE/BAE_mse.pt",
        "encoder.model.checkpoint_path=",
      ]
    ) {
      assert(r.err.includes(part), `${part} not in: ${r.err}`);
    }
    // The default path is upstream's, relative to the current directory.
    if (!exists("resources/models/BAE/BAE_mse.pt")) {
      const d = await balr(["binarize", data.input]);
      assertEquals(d.code, 2, d.err);
      assert(d.err.includes("BAE checkpoint resources/models/BAE/BAE_mse.pt not found"), d.err);
    }
    assert(![...data.baPath.values()].some(exists), "outputs were written");
  },
});

Deno.test({
  name: "runBinarize() refuses a checkpoint whose shapes do not match the config or each other",
  ignore: SKIP !== null,
  async fn() {
    const data = await writeEmbeddingDataset({
      speakers: 1,
      utterancesPerSpeaker: 2,
      seed: 2,
      layout: "folder",
    });
    // A consistent BAE of input_dim 128 against the default encoder.model.input_dim=256.
    const small = join(data.dir, "bae128.pt");
    await writeStateDict(
      small,
      stateDictOf(initBaeWeights({ inputDim: 128, internalDim: 512 }, new SeededRandom(3))),
    );
    const r = await balr(["binarize", data.input, `encoder.model.checkpoint_path=${small}`]);
    assertEquals(r.code, 2, r.err);
    assert(
      r.err.includes(
        `encoder.model.input_dim=256 does not match the checkpoint ${small}: its encoder.0.weight ` +
          `has shape [512, 128]`,
      ),
      r.err,
    );
    await assertRejects(
      () =>
        loadEncoderCheckpoint({
          name: "autoencoder",
          _target_: "",
          checkpoint_path: small,
          input_dim: 128,
          internal_dim: 256,
        }),
      ConfigError,
      "encoder.model.internal_dim=256 does not match",
    );
    // One key of the shipped checkpoint with a wrong shape.
    const sd = await readStateDict(SHARED_BAE);
    sd.set("decoder.0.weight", {
      dtype: "float32",
      shape: [512, 500],
      data: new Float32Array(512 * 500),
    });
    const broken = join(data.dir, "broken.pt");
    await writeStateDict(broken, sd);
    const b = await balr(["binarize", data.input, `encoder.model.checkpoint_path=${broken}`]);
    assertEquals(b.code, 1, b.err);
    assert(
      b.err.includes(`${broken}: key decoder.0.weight has shape [512, 500], expected [512, 512]`),
      b.err,
    );
    assert(![...data.baPath.values()].some(exists), "outputs were written");
  },
});
