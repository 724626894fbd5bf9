import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshSeed } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { parseResolvedConfig, resolveConfig } from "../../src/config/mod.ts";
import { loadDataset } from "../../src/data/dataset.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { writeVectorFile } from "../../src/io/vector_file.ts";
import { readTensorBoardScalars } from "../../src/report/tensorboard.ts";
import { BAE_STATE_KEYS, baeShapes, loadBae } from "../../src/binary/bae_weights.ts";
import { trainBae } from "../../src/binary/trainer.ts";
import { trainOnDatasets } from "../../src/commands/train.ts";
import {
  balr,
  type EmbeddingDataset,
  exists,
  listFiles,
  writeEmbeddingDataset,
} from "./_emb_dataset.ts";

/** Train and val csv datasets in one temp dir. */
async function trainAndVal(
  seed: number,
  sizes: { train: [number, number]; val: [number, number] },
): Promise<{ train: EmbeddingDataset; val: EmbeddingDataset; dir: string }> {
  const train = await writeEmbeddingDataset({
    speakers: sizes.train[0],
    utterancesPerSpeaker: sizes.train[1],
    seed,
    layout: "csv",
    name: "train",
  });
  const val = await writeEmbeddingDataset({
    speakers: sizes.val[0],
    utterancesPerSpeaker: sizes.val[1],
    seed: seed + 1,
    layout: "csv",
    name: "val",
    speakerPrefix: "val",
    dir: train.dir,
  });
  return { train, val, dir: train.dir };
}

/** Small NxM training: 8 speakers × 4 recordings per batch. */
const SMALL = [
  "data.N_classes_per_batch=8",
  "data.M_samples_per_class=4",
  "data.batch_size=32",
];

Deno.test({
  name: "runTrain() trains a few epochs and writes checkpoints, logs, metrics and config.yaml",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const { train, val, dir } = await trainAndVal(seed, { train: [40, 8], val: [10, 8] });
    const saveDir = join(dir, "runs", "train");
    const r = await balr([
      "train",
      train.input,
      val.input,
      ...SMALL,
      "trainer.epochs=3",
      "trainer.val_period=1",
      "trainer.log_period=1",
      "trainer.save_period=2",
      "--save-dir",
      saveDir,
    ]);
    assertEquals(r.code, 0, `seed ${seed}: ${r.err}`);
    assert(r.out.includes("3 epochs completed"), r.out);
    assert(r.out.includes(`Results saved to ${saveDir}\n`), r.out);
    assert(
      r.err.includes(
        `train: 320 recordings of 40 speakers from ${train.input}; val: 80 recordings`,
      ),
      r.err,
    );
    const files = listFiles(saveDir);
    for (
      const f of ["last.pt", "best.pt", "epoch1.pt", "config.yaml", "metrics.csv", "losses.svg"]
    ) {
      assert(files.includes(f), `${f} missing from ${files.join(", ")}`);
    }
    assert(!files.some((f) => f.endsWith(".tmp")), `temp files left: ${files.join(", ")}`);
    // last.pt holds exactly upstream's state_dict keys and shapes (torch.load + strict load).
    const sd = await readStateDict(join(saveDir, "last.pt"));
    assertEquals([...sd.keys()], [...BAE_STATE_KEYS]);
    const shapes = baeShapes({ inputDim: 256, internalDim: 512 });
    for (const [k, t] of sd) assertEquals(t.shape, shapes[k], k);
    // 40 speakers, 8 per batch: 5 batches an epoch.
    assertEquals(Number((sd.get("encoder.2.num_batches_tracked")!.data as BigInt64Array)[0]), 15);
    const config = parseResolvedConfig(Deno.readTextFileSync(join(saveDir, "config.yaml")));
    assertEquals(
      [
        config.input,
        config.trainer.epochs,
        config.data.batch_size,
        Object.keys(config.trainer.losses),
      ],
      [train.input, 3, 32, ["mse", "triplet"]],
    );
    const csv = Deno.readTextFileSync(join(saveDir, "metrics.csv")).trim().split("\n");
    assertEquals(csv[0], "epoch,split,total_loss,MSE,Triplet");
    assertEquals(csv.slice(1).map((l) => l.split(",").slice(0, 2).join(",")), [
      "1,train",
      "1,test",
      "2,train",
      "2,test",
      "3,train",
      "3,test",
    ]);
    // The printed validation loss is the last test row's total, as upstream prints it (%.4g).
    const lastVal = Number(csv.at(-1)!.split(",")[2]);
    assert(r.out.includes(`validation loss ${Number(lastVal.toPrecision(4))} (MSE`), r.out);
    const events = files.find((f) => f.startsWith("events.out.tfevents"))!;
    const scalars = await readTensorBoardScalars(join(saveDir, events));
    assertEquals(scalars.filter((s) => s.tag === "test/total_loss").map((s) => s.step), [0, 1, 2]);
    assertEquals(scalars.filter((s) => s.tag === "train/Triplet").length, 3);
  },
});

Deno.test({
  name: "runTrain() runs the SPEC example line (ExhaustiveNxMSampler, 32 × 10, no shuffle)",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const { train, val, dir } = await trainAndVal(seed, { train: [32, 10], val: [32, 10] });
    const saveDir = join(dir, "runs", "train");
    const r = await balr([
      "train",
      train.input,
      val.input,
      "data.num_workers=4",
      "data.shuffle=False",
      "data.sampler=balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
      "data.N_classes_per_batch=32",
      "data.M_samples_per_class=10",
      "data.batch_size=320",
      "trainer.epochs=2",
      "--save-dir",
      saveDir,
    ]);
    assertEquals(r.code, 0, `seed ${seed}: ${r.err}`);
    assert(r.out.includes("2 epochs completed"), r.out);
    // One batch of all 320 recordings an epoch.
    const last = await loadBae(join(saveDir, "last.pt"));
    const tracked = last.tensors.get("encoder.2.num_batches_tracked")!.data as BigInt64Array;
    assertEquals(Number(tracked[0]), 2);
    assert(exists(join(saveDir, "best.pt")), "no best.pt after the final validation");
    const config = parseResolvedConfig(Deno.readTextFileSync(join(saveDir, "config.yaml")));
    assertEquals(
      [config.data.sampler, config.data.shuffle, config.data.num_workers],
      ["balr.samplers.nxm_samplers.ExhaustiveNxMSampler", false, 4],
    );
  },
});

Deno.test({
  name: "runTrain() increments the save dir unless --exist-ok",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const { train, val, dir } = await trainAndVal(freshSeed(), { train: [8, 4], val: [8, 4] });
    const base = join(dir, "runs", "train");
    const args = [
      "train",
      train.input,
      val.input,
      ...SMALL,
      "trainer.epochs=1",
      "--save-dir",
      base,
    ];
    const first = await balr(args);
    assertEquals(first.code, 0, first.err);
    const second = await balr(args);
    assertEquals(second.code, 0, second.err);
    assert(second.out.includes(`Results saved to ${base}2\n`), second.out);
    assert(exists(join(`${base}2`, "last.pt")) && exists(join(`${base}2`, "config.yaml")));
    const reuse = await balr([...args, "--exist-ok"]);
    assertEquals(reuse.code, 0, reuse.err);
    assert(reuse.out.includes(`Results saved to ${base}\n`), reuse.out);
    assert(!exists(`${base}3`), "--exist-ok made a new save dir");
  },
});

Deno.test({
  name: "runTrain() refuses bad datasets and settings before creating the save dir",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const { train, val, dir } = await trainAndVal(freshSeed(), { train: [8, 4], val: [8, 4] });
    const saveDir = join(dir, "runs", "train");
    const run = (t: string, v: string, ...extra: string[]) =>
      balr(["train", t, v, ...SMALL, "trainer.epochs=1", ...extra, "--save-dir", saveDir]);
    const expectError = async (
      r: Promise<{ code: number; err: string }>,
      code: number,
      part: string,
    ) => {
      const { code: got, err } = await r;
      assertEquals(got, code, err);
      assert(err.includes(part), `${part} not in: ${err}`);
      assert(!exists(saveDir), `the save dir was created by a failing run (${part})`);
    };
    // No speaker column.
    const unlabelled = await writeEmbeddingDataset({
      speakers: 8,
      utterancesPerSpeaker: 4,
      seed: 3,
      layout: "csv",
      name: "unlabelled",
      noSpeakers: true,
      dir,
    });
    await expectError(
      run(unlabelled.input, val.input),
      1,
      `${unlabelled.input}: the dataset has no speaker labels; balr train (TRAIN dataset) needs`,
    );
    // A NaN embedding in the val set, and a listed embedding file that is missing.
    const nanId = val.ids[5];
    const v = val.population.embeddings.slice(5 * 256, 6 * 256);
    v[9] = NaN;
    await writeVectorFile(val.embPath.get(nanId)!, float32Tensor(v, [256]));
    await Deno.remove(val.embPath.get(val.ids[7])!);
    const { err } = await run(train.input, val.input);
    for (
      const part of [
        `${val.input}: 2 of 32 items of the val dataset have no usable embedding [256]`,
        `id ${nanId}: ${val.embPath.get(nanId)}: value 9 is NaN`,
        `id ${val.ids[7]}: ${val.embPath.get(val.ids[7])}: file not found`,
      ]
    ) {
      assert(err.includes(part), `${part} not in: ${err}`);
    }
    assert(!exists(saveDir));
    // Too few speakers for N = 8.
    const few = await writeEmbeddingDataset({
      speakers: 4,
      utterancesPerSpeaker: 8,
      seed: 4,
      layout: "csv",
      name: "few",
      dir,
    });
    await expectError(
      run(train.input, few.input),
      1,
      `${few.input}: the val dataset (4 speakers) cannot be sampled`,
    );
    // ArcFace cannot score more val speakers than it has classes.
    const many = await writeEmbeddingDataset({
      speakers: 12,
      utterancesPerSpeaker: 4,
      seed: 5,
      layout: "csv",
      name: "many",
      dir,
    });
    await expectError(
      run(train.input, many.input, "trainer.losses=[mse, arcface]"),
      1,
      "the val dataset has 12 speakers but ArcFace's class matrix has the train dataset's 8",
    );
    await expectError(
      run(train.input, train.input, "trainer.losses=[mse, nope]"),
      2,
      "unknown option 'nope' for config group 'trainer.losses'",
    );
    await expectError(
      run(train.input, train.input, "data.batch_size=30"),
      2,
      "data.batch_size=30 must equal",
    );
  },
});

Deno.test({
  name: "trainOnDatasets() trains the same model as trainBae() on the loaded arrays",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const { train, val, dir } = await trainAndVal(seed, { train: [12, 4], val: [8, 4] });
    const config = resolveConfig({
      overrides: [
        ...SMALL,
        "trainer.epochs=2",
        "data.num_workers=0",
        "trainer.losses=[mse, triplet, sparsity]",
      ],
    });
    const ours = await trainOnDatasets(
      gpu,
      { train: await loadDataset(train.input), val: await loadDataset(val.input) },
      { config, saveDir: join(dir, "ours"), stderr: () => {} },
    );
    assertEquals([ours.aborted, ours.epochs, ours.data.train.speakers], [false, 2, 12]);
    assert(ours.files.includes(join(dir, "ours", "config.yaml")), ours.files.join(", "));
    // Dataset order is csv order here (ids sorted = speakers then utterances).
    const direct = await trainBae(
      gpu,
      {
        train: { embeddings: train.population.embeddings, labels: train.population.speakers },
        val: { embeddings: val.population.embeddings, labels: val.population.speakers },
      },
      config,
      { saveDir: join(dir, "direct"), progressBar: false },
    );
    // Bitwise equal (same seed, same adapter); compared by hand, a deep-equality diff of
    // 262k floats would not fit in memory.
    for (const key of BAE_STATE_KEYS) {
      const a = ours.weights.tensors.get(key)!.data;
      const b = direct.weights.tensors.get(key)!.data;
      const bad = Array.prototype.findIndex.call(a, (x: unknown, i: number) => x !== b[i]);
      assert(a.length === b.length && bad < 0, `${key} differs at ${bad} (seed ${seed})`);
    }
  },
});

Deno.test({
  name: "trainOnDatasets() stopped by its signal keeps the last complete checkpoint",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const { train, val, dir } = await trainAndVal(freshSeed(), { train: [16, 4], val: [8, 4] });
    const saveDir = join(dir, "runs", "train");
    const last = join(saveDir, "last.pt");
    // Aborts at the first batch after epoch 1's checkpoint is on disk.
    const signal = {
      get aborted() {
        return exists(last);
      },
    } as AbortSignal;
    const result = await trainOnDatasets(
      gpu,
      { train: await loadDataset(train.input), val: await loadDataset(val.input) },
      {
        config: resolveConfig({ overrides: [...SMALL, "trainer.epochs=50"] }),
        saveDir,
        signal,
        stderr: () => {},
      },
    );
    assertEquals([result.aborted, result.epochs], [true, 1]);
    const weights = await loadBae(last);
    const tracked = weights.tensors.get("encoder.2.num_batches_tracked")!.data as BigInt64Array;
    assertEquals(Number(tracked[0]), 2, "last.pt is not epoch 1's (2 batches)");
    assert(!listFiles(saveDir).some((f) => f.endsWith(".tmp")), "a temp file was left");
  },
});

const CLI = fileURLToPath(new URL("../../cli.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));

Deno.test({
  name: "balr train exits 130 on Ctrl-C and says where the last complete checkpoint is",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const { train, val, dir } = await trainAndVal(freshSeed(), { train: [16, 4], val: [8, 4] });
    const saveDir = join(dir, "runs", "train");
    const last = join(saveDir, "last.pt");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "train",
        train.input,
        val.input,
        ...SMALL,
        "trainer.epochs=100000",
        "--save-dir",
        saveDir,
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const started = Date.now();
    while (!exists(last)) {
      if (Date.now() - started > 120_000) {
        child.kill("SIGKILL");
        throw new Error(
          `no last.pt after 120 s: ${new TextDecoder().decode((await output).stderr)}`,
        );
      }
      await new Promise((ok) => setTimeout(ok, 50));
    }
    child.kill("SIGINT");
    const { code, stdout, stderr } = await output;
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assertEquals(code, 130, err);
    assert(err.includes("interrupted: stopping after the current batch"), err);
    assert(out.includes(`the last complete checkpoint (epoch `) && out.includes(last), out);
    assert(!listFiles(saveDir).some((f) => f.endsWith(".tmp")), "a temp file was left");
    const weights = await loadBae(last);
    assertEquals(weights.dims, { inputDim: 256, internalDim: 512 });
  },
});
