import { assert } from "../_helpers/assert.ts";
import { relativeL2 } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import * as ort from "onnxruntime-web";
import { embedFeatures, loadEmbeddingModel } from "../../src/embeddings/mod.ts";
import { hashedFeatures } from "./_hash_values.ts";
import { SMALL_DIR } from "./_fixtures.ts";

Deno.test({
  name: "embedFeatures() matches onnxruntime-web (wasm) running WeSpeaker's ONNX export",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = "error";
    const path = `${SMALL_DIR}/model.onnx`;
    const session = await ort.InferenceSession.create(await Deno.readFile(path), {
      executionProviders: ["wasm"],
    });
    const model = await loadEmbeddingModel(gpu, { model_dir: path });
    const frames = [9, 77, 402];
    const feats = frames.map((t) => hashedFeatures(21, t));
    const ours = await embedFeatures(gpu, model, feats);
    for (let i = 0; i < frames.length; i++) {
      const x = new ort.Tensor("float32", feats[i], [1, frames[i], 80]);
      const out = await session.run({ feats: x });
      const theirs = out.embs.data as Float32Array;
      const err = relativeL2(ours[i], theirs);
      assert(
        err <= 1e-4,
        `${frames[i]} frames: relative L2 error ${err.toExponential(2)} vs onnxruntime-web`,
      );
    }
    await session.release();
    model.dispose();
  },
});
