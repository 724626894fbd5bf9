import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { loadModelPlan, parseResNetConfig } from "../../src/embeddings/load_model.ts";
import { planFromStateDict } from "../../src/embeddings/resnet_state_dict.ts";
import { decodeOnnxModel } from "../../src/embeddings/onnx_proto.ts";
import { planFromOnnx } from "../../src/embeddings/onnx_plan.ts";
import { checkPlan } from "../../src/embeddings/conv_plan.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { RESNET_DATA, SMALL_DIR } from "./_fixtures.ts";

Deno.test("loadModelPlan() reads a WeSpeaker directory (config.yaml + avg_model.pt)", async () => {
  const plan = await loadModelPlan({ model_dir: SMALL_DIR });
  const geo = checkPlan(plan);
  // stem + 16 blocks × 2 convs + 3 shortcuts
  assertEquals(plan.steps.length, 36);
  assertEquals(plan.featDim, 80);
  assertEquals(plan.dense.length, 1);
  assertEquals(plan.dense[0].inDim, 2 * 32 * 10);
  assertEquals(geo[plan.pooled].channels, 32);
  assert(plan.description.includes("ResNet34 (m = 4)"), plan.description);
});

Deno.test("loadModelPlan() accepts the reference's extensionless avg_model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(`${SMALL_DIR}/avg_model.pt`, `${dir}/avg_model`);
    await Deno.copyFile(`${SMALL_DIR}/config.yaml`, `${dir}/config.yaml`);
    const plan = await loadModelPlan({ model_dir: dir, model_name: "avg_model" });
    assertEquals(plan.steps.length, 36);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModelPlan() reads WeSpeaker's ONNX export, by file or by model_name", async () => {
  const byFile = await loadModelPlan({ model_dir: `${SMALL_DIR}/model.onnx` });
  const byName = await loadModelPlan({ model_dir: SMALL_DIR, model_name: "model.onnx" });
  const pt = await loadModelPlan({ model_dir: SMALL_DIR });
  // The same convolutions (BatchNorm folded by the exporter instead of by us); the graph
  // orders a block's shortcut after conv2 and fuses the residual add into either.
  const signature = (p: typeof pt) =>
    p.steps.map((s) => {
      let sum = 0;
      for (const v of s.weight) sum += Math.abs(v);
      return `${s.k}/${s.stride}/${s.cin}/${s.cout}/${sum.toFixed(3)}`;
    }).sort();
  for (const plan of [byFile, byName]) {
    checkPlan(plan);
    assertEquals(signature(plan), signature(pt));
    assertEquals(plan.steps.filter((s) => s.residual !== undefined).length, 16);
    assert(Math.abs(plan.poolEps - 1e-7) < 1e-12, `eps ${plan.poolEps}`);
  }
});

Deno.test("loadModelPlan() without model_dir says what to download and where", async () => {
  const err = await assertRejects(() => loadModelPlan({ model_dir: null }), Error);
  for (
    const part of [
      "model_dir",
      "Wespeaker/wespeaker-voxceleb-resnet34-LM",
      "avg_model.pt",
      "config.yaml",
      ".onnx",
    ]
  ) {
    assert(err.message.includes(part), `message lacks "${part}": ${err.message}`);
  }
});

Deno.test("loadModelPlan() names the folder and the files to fetch when avg_model.pt is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(`${SMALL_DIR}/config.yaml`, `${dir}/config.yaml`);
    const err = await assertRejects(
      () => loadModelPlan({ model_dir: dir, model_repo: "someone/some-model" }),
      Error,
    );
    for (const part of [dir, "avg_model.pt", "https://huggingface.co/someone/some-model"]) {
      assert(err.message.includes(part), `message lacks "${part}": ${err.message}`);
    }
    await assertRejects(
      () => loadModelPlan({ model_dir: `${dir}/nowhere` }),
      Error,
      "does not exist",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModelPlan() refuses a config.yaml naming an unknown model, naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(`${SMALL_DIR}/avg_model.pt`, `${dir}/avg_model.pt`);
    const cfg = (await Deno.readTextFile(`${SMALL_DIR}/config.yaml`)).replace(
      "model: ResNet34",
      "model: ECAPA_TDNN_GLOB_c512",
    );
    await Deno.writeTextFile(`${dir}/config.yaml`, cfg);
    await assertRejects(() => loadModelPlan({ model_dir: dir }), Error, "ECAPA_TDNN_GLOB_c512");
    await Deno.remove(`${dir}/config.yaml`);
    await assertRejects(() => loadModelPlan({ model_dir: dir }), Error, "config.yaml is missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("planFromStateDict() names a missing or mis-shaped tensor with both shapes", async () => {
  const sd = await readStateDict(`${SMALL_DIR}/avg_model.pt`);
  const cfg = { model: "ResNet34" };
  const missing = new Map(sd);
  missing.delete("layer3.2.bn1.running_var");
  assertThrows(() => planFromStateDict(missing, cfg, "x.pt"), Error, '"layer3.2.bn1.running_var"');
  const bad = new Map(sd);
  const t = sd.get("layer2.0.conv1.weight")!;
  bad.set("layer2.0.conv1.weight", { ...t, shape: [t.shape[0], t.shape[1], 9, 1] });
  const err = assertThrows(() => planFromStateDict(bad, cfg, "x.pt"), Error);
  for (const part of ["layer2.0.conv1.weight", "[8, 4, 9, 1]", "[8, 4, 3, 3]"]) {
    assert(err.message.includes(part), `message lacks "${part}": ${err.message}`);
  }
});

Deno.test("planFromStateDict() ignores training heads but rejects layers of another architecture", async () => {
  const sd = await readStateDict(`${SMALL_DIR}/avg_model.pt`);
  assert(sd.has("projection.weight") && sd.get("bn1.num_batches_tracked")!.dtype === "float32");
  checkPlan(planFromStateDict(sd, { model: "ResNet34" }, "x.pt"));
  // A ResNet34 checkpoint read as ResNet18 leaves layer1.2.* unused.
  assertThrows(() => planFromStateDict(sd, { model: "ResNet18" }, "x.pt"), Error, "layer1.2.");
  assertThrows(
    () => planFromStateDict(sd, { model: "ResNet34", poolingFunc: "ASTP" }, "x.pt"),
    Error,
    "ASTP",
  );
  assertThrows(
    () => planFromStateDict(sd, { model: "ResNet34", embedDim: 256 }, "x.pt"),
    Error,
    "embed_dim 256",
  );
});

Deno.test("parseResNetConfig() reads model and model_args from a training config", () => {
  const cfg = parseResNetConfig(Deno.readTextFileSync(`${SMALL_DIR}/config.yaml`), "c.yaml");
  assertEquals(cfg, {
    model: "ResNet34",
    featDim: 80,
    embedDim: 32,
    poolingFunc: "TSTP",
    twoEmbLayer: false,
  });
  assertThrows(() => parseResNetConfig("foo: [1", "c.yaml"), Error, "c.yaml");
  assertThrows(() => parseResNetConfig("seed: 1\n", "c.yaml"), Error, '"model"');
});

Deno.test("planFromOnnx() rejects an unsupported operator, naming it and its node", () => {
  const path = `${RESNET_DATA}unsupported_op.onnx`;
  const model = decodeOnnxModel(Deno.readFileSync(path), path);
  const err = assertThrows(() => planFromOnnx(model, path), Error);
  for (const part of ["Softmax", "mystery_softmax", path]) {
    assert(err.message.includes(part), `message lacks "${part}": ${err.message}`);
  }
});
