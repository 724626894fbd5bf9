import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeSparsity } from "../../src/kernels/bae_sparsity.ts";
import { baeSparsityRef } from "../../src/reference/bae_sparsity.ts";
import { speakerGroups } from "../../src/binary/batch_labels.ts";
import {
  dense,
  finiteDifferences,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

/** Labels of `speakers` speakers with m samples each, shuffled. */
function groupedLabels(rng: Rng, speakers: number, m: number): number[] {
  const labels = Array.from({ length: speakers * m }, (_, i) => Math.floor(i / m) * 3);
  return labels.sort(() => rng.next() - 0.5);
}

Deno.test("baeSparsityRef() gradient agrees with finite differences", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [speakers, m, cols] = [3, 4, 8];
  const labels = groupedLabels(rng, speakers, m);
  const members = speakerGroups(labels, m);
  const z = randomMatrix(rng, speakers * m, cols, [-1, 1]);
  const quota = Array.from({ length: cols }, () => rng.int(0, m));
  const shape = { rows: speakers * m, cols, ld: z.ld, groups: speakers, m };
  const ref = baeSparsityRef(z.data, members, quota, shape, 1.5);
  const idx = sampleIndices(rng, speakers * m, cols, z.ld, 25);
  const fd = finiteDifferences(
    (v) => 1.5 * baeSparsityRef(v, members, quota, shape).loss,
    z.data,
    idx,
  );
  assertClose(idx.map((k) => ref.gz[k]), fd, { atol: 1e-6, rtol: 1e-5 }, `seed=${seed}`);
});

Deno.test({
  name: "baeSparsity() matches its reference and adds into the Z gradient",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 (group, vec4) pairs: 1 x 252, 1 x 256, 1 x 260 columns give WG−1, WG, WG+1.
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 4, 64],
      [1, 2, 252, 64],
      [2, 3, 128, 64],
      [1, 4, 260, 64],
      [32, 16, 512, 64],
      [1, 2, 4 * 65537, 1],
    ];
    for (const [speakers, m, cols, wg] of cases) {
      const labels = groupedLabels(rng, speakers, m);
      const members = speakerGroups(labels, m);
      const rows = speakers * m;
      const z = randomMatrix(rng, rows, cols, [-1, 1]);
      const quota = Float32Array.from({ length: cols }, () => rng.int(0, m));
      const prev = randomMatrix(rng, rows, cols);
      const tz = uploadMatrix(gpu, z);
      const tm = gpu.upload(members);
      const tq = gpu.upload(quota);
      const terms = gpu.empty([speakers * cols / 4], "f32", { poison: true });
      const gz = uploadMatrix(gpu, prev);
      const run = gpu.run("bae_sparsity_test");
      baeSparsity(run, { z: tz, members: tm, quota: tq, terms, gz }, {
        groups: speakers,
        m,
        scale: 0.5,
        wg,
      });
      run.read(terms);
      run.read(gz.tensor);
      const [gt, gg] = await run.submit();
      const ref = baeSparsityRef(z.data, members, quota, {
        rows,
        cols,
        ld: z.ld,
        groups: speakers,
        m,
      }, 0.5);
      const what = `${speakers}x${m} cols=${cols} seed=${seed}`;
      assertClose(gt, ref.terms, { atol: 1e-5, rtol: 1e-5 }, `terms ${what}`);
      const want = dense(ref.gz, rows, cols, z.ld).map((v, k) =>
        v + prev.data[Math.floor(k / cols) * z.ld + (k % cols)]
      );
      assertClose(dense(gg, rows, cols, z.ld), want, { atol: 1e-5, rtol: 1e-5 }, `gz ${what}`);
      releaseAll(tz, tm, tq, terms, gz);
    }
  },
});
