import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeTripletMine } from "../../src/kernels/bae_triplet_mine.ts";
import { baeTripletPairs, type TripletType } from "../../src/kernels/bae_triplet_pairs.ts";
import { baeTripletMineRef } from "../../src/reference/bae_triplet_mine.ts";
import { baeTripletPairsRef } from "../../src/reference/bae_triplet_pairs.ts";
import { batchLabelInfo } from "../../src/binary/batch_labels.ts";
import { alignedStride, stageMatrix } from "../../src/kernels/_bae_matrix.ts";
import {
  dense,
  poisonedMatrix,
  randomDistances,
  randomLabels,
  releaseAll,
  uploadMatrix,
} from "./_bae_util.ts";

// WG 64: 63, 64, 65 pairs (bae_triplet_pairs) and n = 16 anchors x 4 blocks = 64 invocations
// (bae_triplet_mine) cover WG−1, WG, WG+1; the kernels are O(n²) per batch, so a launch past
// 65535 workgroups (n² > 10⁹ distances) is not tested.
const CASES: Array<[number, number, TripletType]> = [
  [1, 1, "all"],
  [6, 2, "all"],
  [16, 8, "hard"],
  [16, 2, "semihard"],
  [17, 4, "easy"],
  [63, 5, "all"],
  [70, 70, "all"],
];

for (const [n, classes, type] of CASES) {
  Deno.test({
    name:
      `baeTripletPairs() and baeTripletMine() count triplets as the miner does (n=${n}, ${type})`,
    ...GPU_TEST,
    async fn() {
      const gpu = await testGpu();
      if (!gpu) return;
      const seed = freshSeed();
      const rng = new Rng(seed);
      const labels = randomLabels(rng, n, classes);
      const info = batchLabelInfo(labels);
      const dist = randomDistances(rng, n);
      const ld = alignedStride(n);
      const td = uploadMatrix(gpu, { data: dist, rows: n, cols: n, ld });
      const t = {
        labels: gpu.upload(info.labels),
        posStart: gpu.upload(info.posStart),
        posCount: gpu.upload(info.posCount),
        posIdx: gpu.upload(info.posIdx),
        posAnchor: gpu.upload(info.posAnchor),
      };
      const pairs = gpu.empty([4 * Math.max(info.pairs, 1)], "f32", { poison: true });
      const kept = poisonedMatrix(gpu, n, n);
      const nonzero = poisonedMatrix(gpu, n, n);
      const run = gpu.run("bae_triplet_mine_test");
      const tex = stageMatrix(run, td);
      const o = { margin: 0.3, type };
      baeTripletPairs(run, {
        dist: tex,
        labels: t.labels,
        anchor: t.posAnchor,
        positive: t.posIdx,
        out: pairs,
      }, {
        ...o,
        n,
        pairs: info.pairs,
      });
      baeTripletMine(
        run,
        { dist: tex, labels: { ...t, pairs: info.pairs }, pairs, kept, nonzero },
        o,
      );
      for (const x of [pairs, kept.tensor, nonzero.tensor]) run.read(x);
      const [gp, gk, gn] = await run.submit();
      const ref = baeTripletMineRef(dist, labels, { n, ld }, o);
      const refPairs = baeTripletPairsRef(
        dist,
        labels,
        {
          anchor: info.posAnchor,
          positive: info.posIdx,
          count: info.pairs,
        },
        { n, ld },
        o,
      );
      const what = `n=${n} classes=${classes} ${type} seed=${seed}`;
      assertClose(
        gp.subarray(0, 4 * info.pairs),
        refPairs,
        { atol: 1e-5, rtol: 1e-5 },
        `pairs ${what}`,
      );
      assertClose(dense(gk, n, n, ld), dense(ref.kept, n, n, ld), {}, `kept ${what}`);
      assertClose(dense(gn, n, n, ld), dense(ref.nonzero, n, n, ld), {}, `nonzero ${what}`);
      releaseAll(td, kept, nonzero, pairs, ...Object.values(t));
    },
  });
}
