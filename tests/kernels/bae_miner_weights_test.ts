import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeMinerWeights } from "../../src/kernels/bae_miner_weights.ts";
import { baeMinerWeightsRef } from "../../src/reference/bae_miner_weights.ts";
import { baeTripletMineRef } from "../../src/reference/bae_triplet_mine.ts";
import { alignedStride } from "../../src/kernels/_bae_matrix.ts";
import { batchLabelInfo } from "../../src/binary/batch_labels.ts";
import { randomDistances, randomLabels, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeMinerWeights() matches convert_to_weights on the mined triplets",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // One workgroup of 256 strides over the samples: 255, 256, 257 samples cover the stride edges.
    const cases: Array<[number, number, "all" | "hard" | "easy"]> = [
      [1, 1, "all"],
      [10, 3, "hard"],
      [255, 40, "all"],
      [256, 64, "easy"],
      [257, 90, "all"],
      [6, 6, "all"],
    ];
    for (const [n, classes, type] of cases) {
      const labels = randomLabels(rng, n, classes);
      const info = batchLabelInfo(labels);
      const ld = alignedStride(n);
      const dist = randomDistances(rng, n);
      const mine = baeTripletMineRef(dist, labels, { n, ld }, { margin: 0.3, type });
      const kept = uploadMatrix(gpu, { data: Float32Array.from(mine.kept), rows: n, cols: n, ld });
      const tl = gpu.upload(info.labels);
      const weights = gpu.empty([n], "f32", { poison: true });
      const run = gpu.run("bae_miner_weights_test");
      baeMinerWeights(run, { kept, labels: tl, weights });
      run.read(weights);
      const [got] = await run.submit();
      const want = baeMinerWeightsRef(dist, labels, { n, ld }, { margin: 0.3, type });
      assertClose(got, want, { atol: 1e-7, rtol: 1e-6 }, `n=${n} ${type} seed=${seed}`);
      releaseAll(kept, tl, weights);
    }
  },
});
