import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringSideTableTrials } from "../../src/kernels/scoring_side_table_trials.ts";
import { scoringSideTableTrialsRef } from "../../src/reference/scoring_side_table_trials.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";
import { randomBits, randomTablePairs } from "../scoring/_counts.ts";

/** `[nTables, 2, nAttr, 2]` pairs: hi up to +-3000 (summed-side LLRs), lo below hi's half ulp. */
function randomTables(rng: Rng, nTables: number, nAttr: number): Float32Array {
  const out = new Float32Array(nTables * 4 * nAttr);
  for (let i = 0; i < out.length; i += 2) {
    const hi = Math.fround(rng.uniform(-3000, 3000) * rng.next() ** 3);
    out[i] = hi;
    out[i + 1] = Math.fround(hi * 2 ** -25 * rng.uniform(-1, 1));
  }
  return out;
}

Deno.test({
  name: "scoringSideTableTrials() sums and per-attribute values match its reference at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, wg, first]: 1, 63, 64, 65 trials (one thread each), then 65536 groups of 1.
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 64, 0],
      [63, 37, 64, 3],
      [64, 512, 64, 0],
      [65, 100, 64, 1],
      [65536, 3, 1, 2],
    ];
    for (const [nTrials, nAttr, wg, first] of cases) {
      const nSides = 9;
      const nTables = 5;
      const bits = randomBits(rng, nSides, nAttr);
      const tables = randomTables(rng, nTables, nAttr);
      const pairs = randomTablePairs(rng, nTrials, nTables, nSides);
      const ref = scoringSideTableTrialsRef(bits, { pairs, tables, nAttr });
      for (const perAttribute of [false, true]) {
        const rows = first + nTrials;
        const t = {
          bits: gpu.upload(bits),
          pairs: gpu.upload(pairs),
          tables: gpu.upload(tables),
          out: gpu.empty(perAttribute ? [rows, nAttr, 2] : [rows, 2], "f32", { poison: true }),
        };
        const run = gpu.run("scoring_side_table_trials_test");
        scoringSideTableTrials(run, { ...t, nTrials, nAttr, first, perAttribute, wg });
        run.read(t.out);
        const [out] = await run.submit();
        const what = `trials=${nTrials} attr=${nAttr} first=${first} ` +
          `perAttribute=${perAttribute} seed=${seed}`;
        const width = perAttribute ? nAttr : 1;
        const values = pairValues(out).subarray(first * width);
        if (perAttribute) {
          // Copies of (hi, lo): exact.
          assertClose(values, ref, {}, what);
        } else {
          const sums = new Float64Array(nTrials);
          let largest = 0;
          for (let i = 0; i < nTrials; i++) {
            for (let a = 0; a < nAttr; a++) {
              sums[i] += ref[i * nAttr + a];
              largest = Math.max(largest, Math.abs(sums[i]));
            }
          }
          // Pair additions: about 2^-44 of the largest partial sum per step.
          assertClose(values, sums, { atol: 2 ** -44 * largest * nAttr + 1e-9 }, what);
        }
        for (const x of Object.values(t)) x.release();
      }
    }
  },
});
