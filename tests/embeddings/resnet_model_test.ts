import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { relativeL2 } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import {
  createResNetModel,
  type EmbeddingModel,
  embedFeatures,
  loadEmbeddingModel,
  loadModelPlan,
  planFromStateDict,
  type ResNetModelOptions,
} from "../../src/embeddings/mod.ts";
import { hashedFeatures, hashedStateDict } from "./_hash_values.ts";
import { hashedExpected, SMALL_DIR, smallExpected } from "./_fixtures.ts";

/** The tolerance the brief sets against PyTorch. */
const REL_L2 = 1e-4;

function checkAgainst(got: Float32Array[], want: number[][], what: string): void {
  assertEquals(got.length, want.length, what);
  want.forEach((w, i) => {
    const err = relativeL2(got[i], w);
    assert(err <= REL_L2, `${what} #${i}: relative L2 error ${err.toExponential(2)} > ${REL_L2}`);
  });
}

async function smallModel(gpu: Gpu, options: ResNetModelOptions = {}, dir = SMALL_DIR) {
  return await loadEmbeddingModel(gpu, { model_dir: dir }, options);
}

const exp = smallExpected();
const smallFeatures = exp.cases.map((c) => hashedFeatures(exp.featureSeed, c.frames));
const smallWant = exp.cases.map((c) => c.embedding);

Deno.test({
  name: "embedFeatures() matches PyTorch on the small ResNet34 at 50, 98, 301 and 1000 frames",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    for (const options of [{}, { winograd: "never" }, { gemmVariant: "tiled" }] as const) {
      const model = await smallModel(gpu, options);
      checkAgainst(
        await embedFeatures(gpu, model, smallFeatures),
        smallWant,
        JSON.stringify(options),
      );
      model.dispose();
    }
  },
});

Deno.test({
  name: "embedFeatures() matches PyTorch with the ONNX export loaded into our kernels",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model = await smallModel(gpu, {}, `${SMALL_DIR}/model.onnx`);
    checkAgainst(await embedFeatures(gpu, model, smallFeatures), smallWant, "onnx");
    model.dispose();
  },
});

Deno.test({
  name: "embed() gives every utterance of a batch exactly its own embedding",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model = await smallModel(gpu);
    const a = hashedFeatures(7, 98);
    const b = hashedFeatures(8, 98);
    const [alone] = await embedFeatures(gpu, model, [a]);
    const batched = await embedFeatures(gpu, model, [b, a, b], { batchSize: 3 });
    assertEquals(Array.from(batched[1]), Array.from(alone), "batching changed an embedding");
    assertEquals(Array.from(batched[0]), Array.from(batched[2]));
    checkAgainst([batched[1], batched[0]], exp.batch98, "batch of 98-frame utterances");
    // Mixed lengths come back in input order, each computed in its own equal-length batch.
    const mixed = await embedFeatures(gpu, model, [smallFeatures[2], a, smallFeatures[0]]);
    checkAgainst(mixed, [smallWant[2], exp.batch98[0], smallWant[0]], "mixed lengths");
    // A memory budget of 2.5 utterances splits a batch of three without changing a bit: the
    // largest activation of a 98-frame utterance is 4 channels x 80 rows x 32 texels x 16 bytes.
    const tight = await smallModel(gpu, { batchBytes: 2.5 * 4 * 80 * 32 * 16 });
    assertEquals(tight.maxBatch(98), 2);
    const split = await embedFeatures(gpu, tight, [b, a, b], { batchSize: 3 });
    assertEquals(split.map((e) => Array.from(e)), batched.map((e) => Array.from(e)));
    tight.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "embed() splits Winograd work into tile-row chunks without changing a bit",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const whole = await smallModel(gpu);
    // A 1.5 MiB budget leaves one tile row per chunk in the first stage, a few later.
    const chunked = await smallModel(gpu, { chunkBytes: 1.5 * (1 << 20) });
    const x = [smallFeatures[3], hashedFeatures(3, 1000)];
    const a = await embedFeatures(gpu, whole, x, { batchSize: 2 });
    const b = await embedFeatures(gpu, chunked, x, { batchSize: 2 });
    assertEquals(a.map((e) => Array.from(e)), b.map((e) => Array.from(e)));
    checkAgainst([b[0]], [smallWant[3]], "chunked");
    whole.dispose();
    chunked.dispose();
  },
});

Deno.test({
  name: "embed() matches PyTorch for full-width ResNet34, Bottleneck ResNet50 and a two-layer head",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    for (const s of hashedExpected().models) {
      const sd = hashedStateDict(s.name, s.m, s.embedDim, s.twoEmbLayer);
      // The TypeScript hash reproduces the Python weights exactly.
      for (const [key, sum] of Object.entries(s.checksums)) {
        let got = 0;
        for (const v of sd.get(key)!.data as Float32Array) got += v;
        assertEquals(got, sum, `checksum of ${key}`);
      }
      const plan = planFromStateDict(sd, { model: s.name, twoEmbLayer: s.twoEmbLayer }, "hashed");
      const model = createResNetModel(gpu, plan);
      const feats = s.frames.map((t) => hashedFeatures(s.featureSeed, t));
      checkAgainst(await embedFeatures(gpu, model, feats), s.embeddings, `${s.name} m=${s.m}`);
      model.dispose();
    }
  },
});

Deno.test({
  name: "embed() refuses features with 8 frames or fewer and wrong feature sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model = await smallModel(gpu);
    assertEquals(model.minFrames, 9);
    await assertRejects(
      () => embedFeatures(gpu, model, [hashedFeatures(1, 8)]),
      RangeError,
      "at least 9",
    );
    const x = gpu.upload(hashedFeatures(1, 8), [1, 8, 80]);
    const run = gpu.run("refuse");
    assertThrows(() => model.embed(run, x), RangeError, "unbiased standard deviation");
    const y = gpu.upload(new Float32Array(40 * 20), [1, 20, 40]);
    assertThrows(() => model.embed(run, y), RangeError, "[batch, frames, 80]");
    await run.submit();
    x.release();
    y.release();
    // Nine frames leave two time steps in the last stage: accepted.
    const [e] = await embedFeatures(gpu, model, [hashedFeatures(1, 9)]);
    assert(e.every(Number.isFinite), "9-frame embedding is not finite");
    model.dispose();
  },
});

Deno.test({
  name: "embed() handles a 10-minute utterance (60000 frames) like PyTorch (BALR_SLOW_TESTS=1)",
  ...GPU_TEST,
  ignore: !Deno.env.get("BALR_SLOW_TESTS"),
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model: EmbeddingModel = await smallModel(gpu);
    const [e] = await embedFeatures(gpu, model, [hashedFeatures(exp.featureSeed, exp.long.frames)]);
    checkAgainst([e], [exp.long.embedding], "60000 frames");
    model.dispose();
  },
});

Deno.test({
  name: "loadModelPlan() plans load the same network from .pt and .onnx (GPU-free check)",
  async fn() {
    const a = await loadModelPlan({ model_dir: SMALL_DIR });
    const b = await loadModelPlan({ model_dir: `${SMALL_DIR}/model.onnx` });
    assertEquals(a.dense[0].outDim, b.dense[0].outDim);
    assertEquals(a.steps.length, b.steps.length);
  },
});
