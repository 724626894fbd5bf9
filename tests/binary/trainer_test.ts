import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { syntheticPopulation } from "../../src/data/synthetic_population.ts";
import { trainBae, type TrainBaeConfig } from "../../src/binary/trainer.ts";
import { initBaeWeights, loadBae } from "../../src/binary/bae_weights.ts";
import { SeededRandom } from "../../src/binary/seeded_random.ts";
import { binarizeEmbeddings } from "../../src/binary/binarize.ts";
import { readTensorBoardScalars } from "../../src/report/tensorboard.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import type { BaeWeights } from "../../src/binary/bae_weights.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import { betaScore, equalErrorRate, fitAlpha } from "./_beta_scorer.ts";

function config(
  over: Partial<TrainBaeConfig["trainer"]> = {},
  data: Partial<TrainBaeConfig["data"]> = {},
): TrainBaeConfig {
  return {
    trainer: {
      input_dim: 256,
      internal_dim: 512,
      learning_rate: 0.001,
      epochs: 2,
      seed: 1234,
      save_period: 0,
      log_period: 1,
      val_period: 1,
      losses: { mse: { weight: 1 }, triplet: { margin: 0.3, type_of_triplets: "all", weight: 1 } },
      ...over,
    },
    data: {
      batch_size: 64,
      shuffle: true,
      sampler: "balr.samplers.nxm_samplers.RandomNxMSampler",
      N_classes_per_batch: 8,
      M_samples_per_class: 8,
      ...data,
    },
  };
}

function split(p: ReturnType<typeof syntheticPopulation>) {
  return { embeddings: p.embeddings, labels: p.speakers, ids: p.ids };
}

/** Populations with strong session noise (same-speaker cosine ≈ 0.34), so EERs are not 0. */
const HARD = { sessionNoise: 1.4, channelStrength: 0.3 };

/** EER of same/different-speaker trials scored by a beta scorer on the BAE's attributes. */
async function attributeEer(gpu: Gpu, weights: BaeWeights, seed: number): Promise<number> {
  const h = weights.dims.internalDim;
  const counts = async (p: ReturnType<typeof syntheticPopulation>) => {
    const { bits } = await binarizeEmbeddings(gpu, weights, p.embeddings);
    return (rows: number[]) => {
      const c = new Float64Array(2 * h);
      for (const r of rows) {
        for (let i = 0; i < h; i++) {
          c[2 * i] += bits[r * h + i];
          c[2 * i + 1] += 1 - bits[r * h + i];
        }
      }
      return c;
    };
  };
  // Reference population (fits α) and evaluation speakers, all unseen in training.
  const ref = syntheticPopulation({
    speakers: 40,
    utterancesPerSpeaker: 10,
    seed: seed + 1,
    ...HARD,
  });
  const refCounts = await counts(ref);
  const alpha = fitAlpha(
    [...Array(40).keys()].map((s) => refCounts([...Array(10).keys()].map((u) => s * 10 + u))),
    h,
  );
  const ev = syntheticPopulation({
    speakers: 20,
    utterancesPerSpeaker: 12,
    seed: seed + 2,
    speakerPrefix: "ev",
    ...HARD,
  });
  const evCounts = await counts(ev);
  const target: number[] = [];
  const nonTarget: number[] = [];
  for (let s = 0; s < 20; s++) {
    // One enrolment recording against the other 11 recordings of every speaker.
    const enrol = evCounts([s * 12]);
    for (let o = 0; o < 20; o++) {
      for (let u = 1; u < 12; u++) {
        const score = betaScore(alpha, enrol, evCounts([o * 12 + u]));
        (o === s ? target : nonTarget).push(score);
      }
    }
  }
  return equalErrorRate(target, nonTarget);
}

Deno.test({
  name: "trainBae() lowers the validation loss and its attributes separate unseen speakers",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "bae_train_" });
    try {
      const train = syntheticPopulation({
        speakers: 32,
        utterancesPerSpeaker: 16,
        seed: 11,
        ...HARD,
      });
      const val = syntheticPopulation({
        speakers: 16,
        utterancesPerSpeaker: 16,
        seed: 12,
        speakerPrefix: "val",
        ...HARD,
      });
      const result = await trainBae(
        gpu,
        { train: split(train), val: split(val) },
        config({ epochs: 30, val_period: 5, save_period: 15 }),
        {
          saveDir: dir,
          progressBar: false,
        },
      );
      const totals = result.history.test.total_loss;
      console.log(
        `  validation total loss every 5 epochs: ${totals.map((v) => v.toFixed(4)).join(" → ")}`,
      );
      assertEquals(result.epochs, 30);
      assert(totals.at(-1)! < totals[0], "validation loss did not decrease");
      const untrained = await attributeEer(
        gpu,
        initBaeWeights({ inputDim: 256, internalDim: 512 }, new SeededRandom(1234)),
        40,
      );
      const trained = await attributeEer(gpu, result.weights, 40);
      console.log(
        `  beta-scorer EER on unseen speakers: untrained ${
          (100 * untrained).toFixed(2)
        } %, trained ${(100 * trained).toFixed(2)} %`,
      );
      // A random-init BAE is already a random-hyperplane hash of the embeddings, so training
      // mainly has to keep that quality while learning to reconstruct; both are printed.
      assert(trained < 0.2, `EER ${trained} is not far below 50 %`);
      assert(
        trained <= untrained + 0.02,
        `training made the EER worse: ${trained} vs ${untrained}`,
      );
      // Files: checkpoints torch.load would read, events, metrics, plot.
      for (
        const f of ["last.pt", "best.pt", "epoch14.pt", "epoch29.pt", "metrics.csv", "losses.svg"]
      ) {
        await Deno.stat(`${dir}/${f}`);
      }
      const last = await loadBae(`${dir}/last.pt`);
      assertEquals(
        last.tensors.get("encoder.3.weight")!.data,
        result.weights.tensors.get("encoder.3.weight")!.data,
      );
      assertEquals(
        Number((last.tensors.get("encoder.2.num_batches_tracked")!.data as BigInt64Array)[0]),
        30 * 4,
      );
      const events = [...Deno.readDirSync(dir)].find((e) =>
        e.name.startsWith("events.out.tfevents")
      )!;
      const scalars = await readTensorBoardScalars(`${dir}/${events.name}`);
      const tags = new Set(scalars.map((s) => s.tag));
      for (
        const tag of [
          "train/total_loss",
          "train/MSE",
          "train/Triplet",
          "test/total_loss",
          "test/MSE",
          "test/Triplet",
        ]
      ) {
        assert(tags.has(tag), `missing ${tag}`);
      }
      assertEquals(scalars.filter((s) => s.tag === "test/total_loss").map((s) => s.step), [
        4,
        9,
        14,
        19,
        24,
        29,
      ]);
      assertEquals(scalars.filter((s) => s.tag === "train/MSE").length, 30);
      const csv = await Deno.readTextFile(`${dir}/metrics.csv`);
      assertEquals(csv.split("\n")[0], "epoch,split,total_loss,MSE,Triplet");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "trainBae() gives bitwise the same weights for the same seed, with ArcFace and sparsity",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const train = syntheticPopulation({ speakers: 12, utterancesPerSpeaker: 8, dim: 32, seed: 3 });
    const val = syntheticPopulation({ speakers: 6, utterancesPerSpeaker: 8, dim: 32, seed: 4 });
    const cfg = config({
      input_dim: 32,
      internal_dim: 40,
      epochs: 2,
      losses: {
        mse: { weight: 1 },
        triplet: { margin: 0.3, type_of_triplets: "semihard", weight: 1 },
        sparsity: { weight: 1e-4 },
        arcface: { margin: 0.3, type_of_triplets: "all", weight: 1e-3 },
      },
    }, { batch_size: 16, N_classes_per_batch: 4, M_samples_per_class: 4, sampler: "exhaustive" });
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const dir = await Deno.makeTempDir({ prefix: "bae_seed_" });
      try {
        runs.push(
          await trainBae(gpu, { train: split(train), val: split(val) }, cfg, {
            saveDir: dir,
            progressBar: false,
          }),
        );
        const params = await readStateDict(`${dir}/last_loss_params.pt`);
        assertEquals(params.get("arcface.W")!.shape, [40, 12]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
    for (const [key, t] of runs[0].weights.tensors) {
      assertEquals(t.data, runs[1].weights.tensors.get(key)!.data, `${key} differs between runs`);
    }
    assertEquals(runs[0].lastVal, runs[1].lastVal);
  },
});

Deno.test({
  name: "trainBae() stopped by its signal keeps the last complete checkpoint",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const train = syntheticPopulation({ speakers: 8, utterancesPerSpeaker: 8, dim: 32, seed: 5 });
    const val = syntheticPopulation({ speakers: 4, utterancesPerSpeaker: 8, dim: 32, seed: 6 });
    const dir = await Deno.makeTempDir({ prefix: "bae_abort_" });
    try {
      const stop = new AbortController();
      const result = await trainBae(
        gpu,
        { train: split(train), val: split(val) },
        config({ input_dim: 32, internal_dim: 40, epochs: 50 }, {
          batch_size: 16,
          N_classes_per_batch: 4,
          M_samples_per_class: 4,
        }),
        {
          saveDir: dir,
          progressBar: false,
          signal: stop.signal,
          onProgress: (p) => {
            if (p.epoch === 3) stop.abort();
          },
        },
      );
      assert(result.aborted);
      assertEquals(result.epochs, 3);
      const last = await loadBae(`${dir}/last.pt`);
      assertEquals(
        Number((last.tensors.get("encoder.2.num_batches_tracked")!.data as BigInt64Array)[0]),
        3 * 2,
      );
      assertEquals([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")).length, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "trainBae() rejects bad input with errors naming the id, key or setting",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const pop = syntheticPopulation({ speakers: 4, utterancesPerSpeaker: 4, dim: 32, seed: 7 });
    const good = split(pop);
    const cfg = config({ input_dim: 32, internal_dim: 40 }, {
      batch_size: 4,
      N_classes_per_batch: 2,
      M_samples_per_class: 2,
    });
    const opts = { saveDir: "/nonexistent/never", progressBar: false };
    const nan = { ...good, embeddings: Float32Array.from(good.embeddings) };
    nan.embeddings[5 * 32 + 3] = NaN;
    await assertRejects(
      () => trainBae(gpu, { train: nan, val: good }, cfg, opts),
      RangeError,
      `embedding ${pop.ids[5]} has a non-finite value`,
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          { train: { ...good, embeddings: good.embeddings.subarray(0, 100) }, val: good },
          cfg,
          opts,
        ),
      RangeError,
      "not a multiple of the BAE input size 32",
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          { train: { embeddings: new Float32Array(0), labels: [] }, val: good },
          cfg,
          opts,
        ),
      Error,
      "train dataset",
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          {
            train: {
              ...good,
              labels: good.labels.map(() => ""),
            },
            val: good,
          },
          cfg,
          opts,
        ),
      Error,
      "row 0 has no speaker label",
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          { train: good, val: good },
          config({ input_dim: 32, internal_dim: 40, losses: { mse: {}, center: {} } }),
          opts,
        ),
      Error,
      "trainer.losses.center: unknown loss 'center'; known losses: mse, triplet, sparsity, arcface",
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          { train: good, val: good },
          config({ input_dim: 32, internal_dim: 40 }, {
            batch_size: 5,
            N_classes_per_batch: 2,
            M_samples_per_class: 2,
          }),
          opts,
        ),
      RangeError,
      "Invalid batch_size (5)",
    );
    await assertRejects(
      () =>
        trainBae(
          gpu,
          { train: good, val: good },
          config({ input_dim: 32, internal_dim: 40 }, {
            batch_size: 10,
            N_classes_per_batch: 5,
            M_samples_per_class: 2,
          }),
          opts,
        ),
      RangeError,
      "Not enough classes (4)",
    );
  },
});
