import { assertAlmostEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeTripletWeights } from "../../src/kernels/bae_triplet_weights.ts";
import { baeTripletMineRef } from "../../src/reference/bae_triplet_mine.ts";
import { baeTripletWeightsRef } from "../../src/reference/bae_triplet_weights.ts";
import { rowDistancesRef } from "../../src/reference/bae_pair_distance.ts";
import { alignedStride } from "../../src/kernels/_bae_matrix.ts";
import { batchLabelInfo } from "../../src/binary/batch_labels.ts";
import {
  dense,
  finiteDifferences,
  poisonedMatrix,
  randomDistances,
  randomLabels,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

/** The triplet loss of the rows of x (distances computed directly in float64). */
function tripletLoss(x: ArrayLike<number>, n: number, cols: number, ld: number, labels: number[]) {
  const d = rowDistancesRef(x, n, cols, ld);
  const mine = baeTripletMineRef(d, labels, { n, ld: n }, { margin: 0.3, type: "all" });
  const s = mine.lossSum;
  const t = mine.nonzeroCount;
  return { loss: t > 0 ? s / t : 0, d, mine, s, t };
}

Deno.test("baeTripletWeightsRef() gives the gradient of the triplet loss (finite differences)", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [n, cols] = [12, 6];
  const labels = randomLabels(rng, n, 3);
  const x = randomMatrix(rng, n, cols);
  const ld = x.ld;
  const base = tripletLoss(x.data, n, cols, ld, labels);
  const { w, rs } = baeTripletWeightsRef(base.d, base.mine.nonzero, labels, { n, ld: n }, {
    lossSum: base.s,
    nonzeroCount: base.t,
    scale: 1,
  });
  // ∂L/∂x_i = rs_i x_i − Σ_j w_ij x_j
  const grad = new Float64Array(n * ld);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < cols; k++) {
      let s = rs[i] * x.data[i * ld + k];
      for (let j = 0; j < n; j++) s -= w[i * n + j] * x.data[j * ld + k];
      grad[i * ld + k] = s;
    }
  }
  const idx = sampleIndices(rng, n, cols, ld, 25);
  const fd = finiteDifferences((v) => tripletLoss(v, n, cols, ld, labels).loss, x.data, idx, 1e-7);
  assertClose(idx.map((k) => grad[k]), fd, { atol: 1e-6, rtol: 1e-4 }, `seed=${seed}`);
});

Deno.test({
  name: "baeTripletWeights() matches its reference and writes the loss value",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<[number, number]> = [[1, 1], [63, 5], [64, 16], [65, 7], [30, 30]];
    for (const [n, classes] of cases) {
      const labels = randomLabels(rng, n, classes);
      const info = batchLabelInfo(labels);
      const ld = alignedStride(n);
      const dist = randomDistances(rng, n);
      // Coincident rows (distance 0 off the diagonal) get weight 0.
      if (n > 2) dist[1] = dist[ld] = 0;
      const mine = baeTripletMineRef(dist, labels, { n, ld }, { margin: 0.3, type: "all" });
      const s = mine.lossSum;
      const t = mine.nonzeroCount;
      const td = uploadMatrix(gpu, { data: dist, rows: n, cols: n, ld });
      const tnz = uploadMatrix(gpu, {
        data: Float32Array.from(mine.nonzero),
        rows: n,
        cols: n,
        ld,
      });
      const tl = gpu.upload(info.labels);
      const stats = gpu.upload(new Float32Array([s, t]));
      const w = poisonedMatrix(gpu, n, n);
      const rs = gpu.empty([n], "f32", { poison: true });
      const loss = gpu.empty([4], "f32", { poison: true });
      const run = gpu.run("bae_triplet_weights_test");
      baeTripletWeights(run, { d: td, nonzero: tnz, labels: tl, stats, w, rs, loss }, {
        slot: 2,
        scale: 0.75,
      });
      for (const x of [w.tensor, rs, loss]) run.read(x);
      const [gw, grs, gloss] = await run.submit();
      const ref = baeTripletWeightsRef(dist, mine.nonzero, labels, { n, ld }, {
        lossSum: s,
        nonzeroCount: t,
        scale: 0.75,
      });
      const what = `n=${n} seed=${seed}`;
      assertClose(
        dense(gw, n, n, ld),
        dense(ref.w, n, n, ld),
        { atol: 1e-6, rtol: 1e-5 },
        `w ${what}`,
      );
      assertClose(grs, ref.rs, { atol: 1e-5, rtol: 1e-5 }, `rs ${what}`);
      assertAlmostEquals(gloss[2], ref.loss, 1e-6 + 1e-6 * ref.loss, `loss ${what}`);
      releaseAll(td, tnz, tl, stats, w, rs, loss);
    }
  },
});
