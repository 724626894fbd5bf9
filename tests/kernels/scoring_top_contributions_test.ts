import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import {
  NO_ATTRIBUTE,
  scoringTopContributions,
  TOP_CONTRIBUTIONS_MAX_K,
  topContributionsFits,
} from "../../src/kernels/scoring_top_contributions.ts";
import { scoringTopContributionsRef } from "../../src/reference/scoring_top_contributions.ts";
import { topContributions } from "../../src/scoring/explanations.ts";
import { scoringTableTrialsRef } from "../../src/reference/scoring_table_trials.ts";
import { scoringSideTableTrialsRef } from "../../src/reference/scoring_side_table_trials.ts";
import type { GpuTensor } from "../../src/gpu/mod.ts";
import { pairValues } from "../../src/reference/scoring_row_sum.ts";
import { randomBits, randomPairs, randomTablePairs } from "../scoring/_counts.ts";

type G = Record<"values" | "bits" | "sidePairs" | "tablePairs", GpuTensor>;

Deno.test("scoringTopContributionsRef() ranks hand-checked rows like topContributions()", () => {
  // Row 0: values 0.5, -2, 0, 3, -0.1, 0.5 (+ a lo part), -2; row 1: all zero.
  const row0 = [0.5, 0, -2, 0, 0, 0, 3, 0, -0.1, 0, 0.5, 1e-9, -2, 0];
  const contrib = [...row0, ...new Array(14).fill(0)];
  const ref = scoringTopContributionsRef(contrib, { nAttr: 7, k: 2 });
  assertEquals([...ref.attributes], [3, 5, 1, 6, -1, -1, -1, -1]);
  assertEquals([...ref.llrs], [3, 0.5 + 1e-9, -2, -2, 0, 0, 0, 0]);
  const values = [0.5, -2, 0, 3, -0.1, 0.5, -2];
  const pairs = values.flatMap((v) => [v, 0]);
  const top = topContributions(values, 3);
  const r = scoringTopContributionsRef(pairs, { nAttr: 7, k: 3 });
  assertEquals([...r.attributes], [...top.for, ...top.against].map((c) => c.attribute));
});

Deno.test("topContributionsFits() bounds k by the lists and the loop budget", () => {
  assertEquals(topContributionsFits(512, 5), true);
  assertEquals(topContributionsFits(512, TOP_CONTRIBUTIONS_MAX_K + 1), false);
  assertEquals(topContributionsFits(512, 0), false);
  assertEquals(topContributionsFits(4000, 20), false);
  assertThrows(
    () =>
      scoringTopContributions({} as never, {
        source: { rows: null as never },
        topAttr: null as never,
        topLlr: null as never,
        nTrials: 1,
        nAttr: 8,
        k: 40,
      }),
    RangeError,
    "k=40",
  );
});

/** Contributions with many exact ties, pairs equal in hi that differ in lo, zeros and sorted rows. */
function randomContributions(rng: Rng, nTrials: number, nAttr: number): Float32Array {
  const out = new Float32Array(nTrials * nAttr * 2);
  for (let t = 0; t < nTrials; t++) {
    const sorted = t % 5 === 1; // ascending rows: every value inserts at the top (most shifts)
    for (let a = 0; a < nAttr; a++) {
      const i = 2 * (t * nAttr + a);
      if (sorted) {
        out[i] = a - nAttr / 2;
        continue;
      }
      out[i] = rng.int(-6, 7) * 0.25;
      if (out[i] !== 0 && rng.next() < 0.3) out[i + 1] = rng.int(-2, 3) * 2 ** -30;
    }
  }
  return out;
}

/** Pairs (v, 0) of float64 values. */
function asPairs(values: Float64Array): Float64Array {
  const out = new Float64Array(2 * values.length);
  values.forEach((v, i) => (out[2 * i] = v));
  return out;
}

Deno.test({
  name:
    "scoringTopContributions() matches its reference from rows, the table and side tables at edge sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [trials, attributes, k, wg]: 1, 63, 64, 65 trials (one thread each), then 65536 groups of 1.
    const cases: Array<[number, number, number, number]> = [
      [1, 1, 1, 64],
      [63, 40, 5, 64],
      [64, 512, TOP_CONTRIBUTIONS_MAX_K, 64],
      [65, 100, 3, 64],
      [65536, 4, 2, 1],
    ];
    for (const [nTrials, nAttr, k, wg] of cases) {
      const nSides = 7;
      const nTables = 3;
      const bits = randomBits(rng, nSides, nAttr);
      const sidePairs = randomPairs(rng, nTrials, nSides);
      const tablePairs = randomTablePairs(rng, nTrials, nTables, nSides);
      // Few distinct values: ties everywhere; side tables also differ in lo only.
      const table = new Float32Array(4 * nAttr).map(() => rng.int(-4, 5) * 0.5);
      const sideTables = randomContributions(rng, 2 * nTables, nAttr);
      const rows = randomContributions(rng, nTrials, nAttr);
      const sources = [
        { name: "rows", values: rows, src: (g: G) => ({ rows: g.values }), ref: rows },
        {
          name: "table",
          values: table,
          src: (g: G) => ({ table: g.values, bits: g.bits, pairs: g.sidePairs }),
          ref: asPairs(scoringTableTrialsRef(bits, { pairs: sidePairs, llrs: table, nAttr })),
        },
        {
          name: "side tables",
          values: sideTables,
          src: (g: G) => ({ sideTables: g.values, bits: g.bits, pairs: g.tablePairs }),
          ref: asPairs(
            scoringSideTableTrialsRef(bits, { pairs: tablePairs, tables: sideTables, nAttr }),
          ),
        },
      ];
      for (const source of sources) {
        const g = {
          values: gpu.upload(source.values),
          bits: gpu.upload(bits),
          sidePairs: gpu.upload(sidePairs),
          tablePairs: gpu.upload(tablePairs),
          // Poisoned with a value that is not NO_ATTRIBUTE (the usual u32 poison), so an unwritten
          // empty rank fails too.
          topAttr: gpu.upload(
            new Uint32Array(nTrials * 2 * k).fill(0xdeadbeef),
            [nTrials, 2, k],
            "u32",
          ),
          topLlr: gpu.empty([nTrials, 2, k, 2], "f32", { poison: true }),
        };
        const run = gpu.run("scoring_top_contributions_test");
        scoringTopContributions(run, {
          source: source.src(g),
          topAttr: g.topAttr,
          topLlr: g.topLlr,
          nTrials,
          nAttr,
          k,
          wg,
        });
        run.read(g.topAttr);
        run.read(g.topLlr);
        const [attrs, llrs] = await run.submit();
        const ref = scoringTopContributionsRef(source.ref, { nAttr, k });
        const what = `${source.name} trials=${nTrials} attr=${nAttr} k=${k} seed=${seed}`;
        const gotAttr = Array.from(attrs, (a) => (a === NO_ATTRIBUTE ? -1 : a));
        assertEquals(gotAttr, [...ref.attributes], `${what} attributes`);
        assertEquals([...pairValues(llrs)], [...ref.llrs], `${what} values`);
        for (const x of Object.values(g)) x.release();
      }
    }
  },
});
