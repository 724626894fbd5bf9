import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { buildReferential, sumGroups } from "../../src/scoring/referential.ts";
import { randomBaSides } from "./_counts.ts";

Deno.test({
  name: "buildReferential() sums each speaker's BA vectors exactly",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const nAttr = 512;
    const nRows = 300;
    const nSpeakers = 17;
    const vectors = randomBaSides(rng, nRows, nAttr);
    const speakers = Int32Array.from(
      { length: nRows },
      (_, i) => (i < nSpeakers ? i : rng.int(0, nSpeakers)),
    );
    const ref = await buildReferential(gpu, vectors, { speakers, nSpeakers });
    const expected = new Float32Array(nSpeakers * nAttr * 2);
    for (let i = 0; i < nRows; i++) {
      for (let k = 0; k < nAttr * 2; k++) {
        expected[speakers[i] * nAttr * 2 + k] += vectors[i * nAttr * 2 + k];
      }
    }
    assertEquals(Array.from(ref), Array.from(expected), `seed ${seed}`);
  },
});

Deno.test({
  name: "sumGroups() handles repeated members, empty groups and several upload chunks",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // 16-value rows: sidesPerChunk gives 2^20 rows per chunk, so 2^20 + 5 rows make two chunks.
    const nAttr = 8;
    const nRows = (1 << 20) + 5;
    const vectors = randomBaSides(rng, nRows, nAttr);
    const members = [0, nRows - 1, 7, 7, nRows - 2, 3, 1 << 20];
    const offsets = [0, 2, 2, 5, 7];
    const out = await sumGroups(gpu, vectors, { members, offsets, nAttributes: nAttr });
    const expected = new Float32Array(4 * nAttr * 2);
    for (let g = 0; g < 4; g++) {
      for (let m = offsets[g]; m < offsets[g + 1]; m++) {
        for (let k = 0; k < nAttr * 2; k++) {
          expected[g * nAttr * 2 + k] += vectors[members[m] * nAttr * 2 + k];
        }
      }
    }
    assertEquals(Array.from(out), Array.from(expected), `seed ${seed}`);
  },
});

Deno.test({
  name: "buildReferential() rejects BA vectors of the wrong shape, bad counts and bad speakers",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const v = new Float32Array(3 * 512 * 2).fill(0);
    await assertRejects(
      () => buildReferential(gpu, new Float32Array(1000), { speakers: [0], nSpeakers: 1 }),
      RangeError,
      "not a whole number of [512, 2] vectors",
    );
    await assertRejects(
      () => buildReferential(gpu, v, { speakers: [0, 1], nSpeakers: 2 }),
      RangeError,
      "2 speaker indices for 3",
    );
    await assertRejects(
      () => buildReferential(gpu, v, { speakers: [0, 1, 5], nSpeakers: 2 }),
      RangeError,
      "binary attribute vector #2: speaker index 5",
    );
    await assertRejects(
      () =>
        buildReferential(gpu, v, {
          speakers: [0, 0, 0],
          nSpeakers: 2,
          describeSpeaker: (k) => `speaker id0${k}`,
        }),
      RangeError,
      "speaker id01 has no binary attribute vectors",
    );
    const bad = v.slice();
    bad[512 * 2 + 7] = -1;
    await assertRejects(
      () =>
        buildReferential(gpu, bad, {
          speakers: [0, 1, 1],
          nSpeakers: 2,
          describeRow: (i) => `utt${i}_ba.txt`,
        }),
      RangeError,
      "utt1_ba.txt holds negative counts",
    );
    bad[512 * 2 + 7] = 0.5;
    await assertRejects(
      () => buildReferential(gpu, bad, { speakers: [0, 1, 1], nSpeakers: 2 }),
      RangeError,
      "not integers",
    );
  },
});
