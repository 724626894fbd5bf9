import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringCosineBits } from "../../src/kernels/scoring_cosine_bits.ts";
import { scoringCosineBitsRef } from "../../src/reference/scoring_cosine_bits.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";
import { randomPairs } from "../scoring/_counts.ts";

Deno.test({
  name: "scoringCosineBits() matches its reference for dim 1 and 2 at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, wg]: 1, 63, 64, 65 trials, then 65536 workgroups of one.
    const cases: Array<[number, number, number]> = [[1, 1, 64], [63, 512, 64], [64, 37, 64], [
      65,
      100,
      64,
    ], [65536, 3, 1]];
    for (const [nTrials, nAttr, wg] of cases) {
      const words = Math.ceil(nAttr / 32);
      const nSides = 6;
      const bits = new Uint32Array(nSides * words);
      for (let s = 0; s < nSides; s++) {
        for (let a = 0; a < nAttr; a++) {
          if (rng.next() < 0.5) bits[s * words + (a >> 5)] |= 1 << (a & 31);
        }
      }
      // All-zero and all-one sides exercise the eps floor of the norms.
      bits.fill(0, 0, words);
      for (let a = 0; a < nAttr; a++) bits[words + (a >> 5)] |= 1 << (a & 31);
      const pairs = randomPairs(rng, nTrials, nSides);
      for (const dim of [1, 2] as const) {
        const t = {
          bits: gpu.upload(bits),
          pairs: gpu.upload(pairs),
          out: gpu.empty([nTrials, 2], "f32", { poison: true }),
        };
        const run = gpu.run("scoring_cosine_bits_test");
        scoringCosineBits(run, { ...t, nTrials, nAttr, dim, eps: 1e-8, wg });
        run.read(t.out);
        const [out] = await run.submit();
        const ref = scoringCosineBitsRef(bits, { pairs, nAttr, dim, eps: 1e-8 });
        // Exact counts; one division and two square roots per column.
        assertClose(
          pairValues(out),
          ref,
          { atol: 1e-7, rtol: 3e-7 },
          `dim=${dim} trials=${nTrials} attr=${nAttr} seed=${seed}`,
        );
        for (const x of Object.values(t)) x.release();
      }
    }
  },
});
