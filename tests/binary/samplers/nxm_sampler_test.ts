import { assert, assertEquals, assertNotEquals, assertThrows } from "../../_helpers/assert.ts";
import { freshSeed, Rng } from "../../_helpers/random.ts";
import {
  createSampler,
  ExhaustiveNxMSampler,
  RandomNxMSampler,
  samplerKind,
} from "../../../src/binary/samplers/nxm_sampler.ts";

const EXAMPLE = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];

Deno.test("ExhaustiveNxMSampler() reproduces the reference example without shuffling", () => {
  const s = new ExhaustiveNxMSampler(EXAMPLE, { N: 2, M: 2, shuffle: false });
  assertEquals(s.indices(), [0, 1, 5, 6, 8, 9, 2, 3, 7, 5, 4, 0]);
  assertEquals(s.length, 12);
  assertEquals(s.numBatches, 3);
});

Deno.test("RandomNxMSampler() takes every class once, M samples each, per the reference example", () => {
  const dropped = new RandomNxMSampler(EXAMPLE, { N: 2, M: 2, shuffle: false, dropLast: true });
  const [only, ...rest] = dropped.batches();
  assertEquals(rest.length, 0);
  assert(only.slice(0, 2).every((i) => EXAMPLE[i] === 0) && new Set(only.slice(0, 2)).size === 2);
  assert(only.slice(2).every((i) => EXAMPLE[i] === 1) && new Set(only.slice(2)).size === 2);
  const padded = new RandomNxMSampler(EXAMPLE, { N: 2, M: 2, shuffle: false });
  const batches = padded.batches();
  assertEquals(batches.map((b) => b.map((i) => EXAMPLE[i])), [[0, 0, 1, 1], [2, 2, 0, 0]]);
  assertEquals(padded.length, 8);
});

Deno.test("RandomNxMSampler() batches hold N distinct classes of M samples on random label sets", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let trial = 0; trial < 30; trial++) {
    const classes = rng.int(2, 40);
    const labels = Array.from(
      { length: rng.int(classes, 300) },
      (_, i) => i < classes ? i : rng.int(0, classes),
    );
    const N = rng.int(1, classes + 1);
    const M = rng.int(1, 9);
    const s = new RandomNxMSampler(labels, { N, M, seed: trial, dropLast: rng.next() < 0.5 });
    s.setEpoch(trial);
    const batches = s.batches();
    assertEquals(batches.length, s.numBatches, `seed=${seed}`);
    const seen = new Set<number>();
    for (const b of batches) {
      assertEquals(b.length, N * M);
      const cls = [...Array(N).keys()].map((k) => labels[b[k * M]]);
      assertEquals(new Set(cls).size, N, `distinct classes, seed=${seed}`);
      cls.forEach((c, k) => {
        const group = b.slice(k * M, (k + 1) * M);
        assert(group.every((i) => labels[i] === c), `M samples of one class, seed=${seed}`);
        const available = labels.filter((l) => l === c).length;
        if (available >= M) {
          assertEquals(new Set(group).size, M, `without replacement, seed=${seed}`);
        }
        seen.add(c);
      });
    }
    if (!s.dropLast) assertEquals(seen.size, classes, `every class, seed=${seed}`);
  }
});

Deno.test("ExhaustiveNxMSampler() uses every sample and groups M of one class on random label sets", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let trial = 0; trial < 30; trial++) {
    const classes = rng.int(2, 30);
    const labels = Array.from(
      { length: rng.int(classes, 200) },
      (_, i) => i < classes ? i : rng.int(0, classes),
    );
    const N = rng.int(1, classes + 1);
    const M = rng.int(1, 6);
    const s = new ExhaustiveNxMSampler(labels, { N, M, seed: trial });
    const idx = s.indices();
    assertEquals(idx.length, s.totalSize);
    for (let k = 0; k < idx.length; k += M) {
      const c = labels[idx[k]];
      assert(idx.slice(k, k + M).every((i) => labels[i] === c), `groups of M, seed=${seed}`);
    }
    const padded = [...new Set(labels)].reduce(
      (t, c) => t + Math.ceil(labels.filter((l) => l === c).length / M) * M,
      0,
    );
    if (padded % (N * M) === 0) {
      assertEquals(new Set(idx).size, labels.length, `every sample, seed=${seed}`);
    }
  }
});

Deno.test("NxM samplers split batches across replicas, repeating the first ones when uneven", () => {
  const labels = Array.from({ length: 7 * 3 }, (_, i) => i % 7);
  const full = new RandomNxMSampler(labels, { N: 2, M: 3, seed: 5 });
  assertEquals(full.numBatches, 4);
  const whole = full.batches();
  const parts = [0, 1, 2].map((rank) =>
    new RandomNxMSampler(labels, { N: 2, M: 3, seed: 5, numReplicas: 3, rank }).batches()
  );
  // 4 batches over 3 replicas: 2 each, batches 4 and 5 are batches 0 and 1 again.
  assertEquals(parts.map((p) => p.length), [2, 2, 2]);
  assertEquals(parts[0], [whole[0], whole[3]]);
  assertEquals(parts[1], [whole[1], whole[0]]);
  assertEquals(parts[2], [whole[2], whole[1]]);
  const dropped = [0, 1, 2].map((rank) =>
    new RandomNxMSampler(labels, { N: 2, M: 3, seed: 5, numReplicas: 3, rank, dropLast: true })
      .batches().length
  );
  assertEquals(dropped, [1, 1, 1]);
});

Deno.test("NxM samplers shuffle reproducibly per seed and epoch", () => {
  const labels = Array.from({ length: 200 }, (_, i) => i % 20);
  const a = new ExhaustiveNxMSampler(labels, { N: 4, M: 5, seed: 9 });
  const b = new ExhaustiveNxMSampler(labels, { N: 4, M: 5, seed: 9 });
  assertEquals(a.indices(), b.indices());
  b.setEpoch(1);
  assertNotEquals(a.indices(), b.indices());
});

Deno.test("createSampler() resolves class paths and short names and rejects bad settings", () => {
  assertEquals(samplerKind("balr.samplers.nxm_samplers.RandomNxMSampler"), "random");
  assertEquals(samplerKind("ExhaustiveNxMSampler"), "exhaustive");
  assertEquals(samplerKind("exhaustive"), "exhaustive");
  assert(createSampler("random", EXAMPLE, { N: 2, M: 2 }) instanceof RandomNxMSampler);
  assertThrows(
    () => samplerKind("balr.samplers.Other"),
    RangeError,
    "unknown sampler 'balr.samplers.Other'",
  );
  assertThrows(
    () => createSampler("random", EXAMPLE, { N: 2, M: 2, batchSize: 5 }),
    RangeError,
    "Invalid batch_size (5)",
  );
  assertThrows(
    () => createSampler("exhaustive", EXAMPLE, { N: 4, M: 2 }),
    RangeError,
    "Not enough classes (3) in dataset to sample with N_classes_per_batch=4",
  );
});
