import { assertEquals } from "../_helpers/assert.ts";
import { type Prepared, sideTableBatches, splitPaths } from "../../src/scoring/_trial_paths.ts";
import type { Scorer } from "../../src/scoring/scorer.ts";

/** Sides 0-2 single recordings, 3-5 summed; trials as (enrolment, test). */
function prepared(kind: string, nCategories: number, pairs: number[]): Prepared {
  return {
    scorer: { settings: { kind, nCategories, nAttributes: 8 } } as unknown as Scorer,
    source: { count: 6, row: () => new Float32Array(16), describe: (i) => `side ${i}` },
    pairs: Uint32Array.from(pairs),
    nTrials: pairs.length / 2,
    bits: null,
    oneHot: Uint8Array.from([1, 1, 1, 0, 0, 0]),
  };
}

const PAIRS = [
  ...[0, 1], // 0 single vs single: table
  ...[3, 0], // 1 side 3 as enrolment
  ...[4, 4], // 2 summed vs summed: general
  ...[3, 2], // 3 side 3 as enrolment again
  ...[1, 3], // 4 side 3 as test: another table (another role)
  ...[5, 1], // 5 side 5 once: general
  ...[3, 1], // 6 side 3 as enrolment
  ...[2, 3], // 7 side 3 as test
];

Deno.test("splitPaths() tabulates sides that two trials share in one role, sorted by side", () => {
  const prep = prepared("beta", 2, PAIRS);
  const all = [0, 1, 2, 3, 4, 5, 6, 7];
  assertEquals(splitPaths(prep, all), {
    table: [0],
    sideTable: [1, 3, 6, 4, 7],
    general: [2, 5],
  });
  // Within a smaller batch, side 3 as test is used once: general.
  assertEquals(splitPaths(prep, [1, 3, 4]).general, [4]);
  // K = 3 has no bits: everything general; dna never tabulates summed sides.
  assertEquals(splitPaths(prepared("beta", 3, PAIRS), all).general, all);
  assertEquals(splitPaths(prepared("dna", 2, PAIRS), all).sideTable, []);
  // Resident tables decide instead of counts: side 5 (key 10) has one, side 3 as test (key 7) not.
  const resident = { tables: null as never, index: new Map([[6, 0], [10, 1]]) };
  assertEquals(splitPaths(prep, all, { resident }), {
    table: [0],
    sideTable: [1, 3, 6, 5],
    general: [2, 4, 7],
  });
});

Deno.test("sideTableBatches() splits sorted trials by distinct sides and by trial count", () => {
  const prep = prepared("beta", 2, PAIRS);
  const sorted = [1, 3, 6, 4, 7];
  assertEquals(sideTableBatches(prep, sorted, { maxSides: 1, maxTrials: 10 }), [[1, 3, 6], [4, 7]]);
  assertEquals(sideTableBatches(prep, sorted, { maxSides: 2, maxTrials: 2 }), [
    [1, 3],
    [6, 4],
    [7],
  ]);
  assertEquals(sideTableBatches(prep, [], { maxSides: 2, maxTrials: 2 }), []);
});
