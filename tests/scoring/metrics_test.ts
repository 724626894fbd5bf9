import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  actualDcf,
  binaryStats,
  cllr,
  cllrMin,
  computeMetrics,
  detCurve,
  equalErrorRate,
  minDcf,
} from "../../src/scoring/metrics.ts";

/**
 * SpeechBrain's EER loop written out directly (speechbrain.utils.metric_stats.EER):
 * thresholds = sorted unique scores plus midpoints; for each in order, FRR and FAR as
 * float32 rates (torch `.float() / n`), update when float32 |FAR - FRR| is below the
 * float64 |best FAR - best FRR| or at the first threshold.
 */
function speechbrainEer(pos: number[], neg: number[]): [number, number] {
  const unique = [...new Set([...pos, ...neg])].sort((a, b) => a - b);
  const mids = unique.slice(0, -1).map((v, i) => (v + unique[i + 1]) / 2);
  const thresholds = [...unique, ...mids].sort((a, b) => a - b);
  let minIndex = 0;
  let finalFrr = 0;
  let finalFar = 0;
  thresholds.forEach((thr, i) => {
    const frr = Math.fround(pos.filter((s) => s <= thr).length / pos.length);
    const far = Math.fround(neg.filter((s) => s > thr).length / neg.length);
    if (Math.abs(Math.fround(far - frr)) < Math.abs(finalFar - finalFrr) || i === 0) {
      minIndex = i;
      finalFrr = frr;
      finalFar = far;
    }
  });
  return [(finalFar + finalFrr) / 2, thresholds[minIndex]];
}

Deno.test("equalErrorRate() equals SpeechBrain's loop on random and tie-heavy score lists", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let trial = 0; trial < 60; trial++) {
    const nPos = 1 + rng.int(0, 150);
    const nNeg = 1 + rng.int(0, 300);
    const kind = trial % 4;
    const draw = (shift: number) => {
      if (kind === 0) return rng.normal() + shift; // continuous
      if (kind === 1) return rng.int(0, 6) + (shift > 0 ? rng.int(0, 3) : 0); // heavy ties
      if (kind === 2) return Math.fround(rng.normal() * 1e-3); // f32-rounded, near-duplicates
      return 0.25 * rng.int(-4, 4); // few distinct values shared by both classes
    };
    const pos = Array.from({ length: nPos }, () => draw(1));
    const neg = Array.from({ length: nNeg }, () => draw(0));
    const [eer, thr] = speechbrainEer(pos, neg);
    const ours = equalErrorRate(pos, neg);
    assertEquals([ours.eer, ours.threshold], [eer, thr], `kind ${kind} case ${trial} seed ${seed}`);
  }
});

Deno.test("equalErrorRate() handles SpeechBrain's doc example, identical scores and one-sided errors", () => {
  assertEquals(equalErrorRate([0.6, 0.7, 0.8, 0.5], [0.4, 0.3, 0.2, 0.1]).eer, 0);
  // One candidate threshold: every target is a miss, no false alarm.
  assertEquals(equalErrorRate([1, 1], [1, 1]), { eer: 0.5, threshold: 1, far: 0, frr: 1 });
  assertEquals(speechbrainEer([1, 1], [1, 1]), [0.5, 1]);
  assertThrows(() => equalErrorRate([], [1]), RangeError, "target and non-target");
  assertThrows(() => equalErrorRate([NaN], [1]), RangeError, "NaN");
});

Deno.test("cllr() matches hand-checked values and stays finite past exp overflow", () => {
  assertAlmostEquals(cllr([0], [0]), 1, 1e-15);
  // Targets at +ln 3 and non-targets at -ln 3: log2(4/3) each.
  assertAlmostEquals(cllr([Math.log(3)], [-Math.log(3)]), Math.log2(4 / 3), 1e-15);
  assertAlmostEquals(cllr([1000], [-1000]), 0, 1e-300);
  // exp(1000) overflows; softplus(1000) = 1000: (1000 / ln 2 + 0) / 2.
  assertAlmostEquals(cllr([-1000], [-1000]), 1000 / Math.LN2 / 2, 1e-9);
});

Deno.test("minDcf() and actualDcf() match hand-checked values", () => {
  assertEquals(minDcf([0.6, 0.7, 0.8, 0.5], [0.4, 0.3, 0.2, 0.1], { pTarget: 0.01 }).dcf, 0);
  // Candidates 0 .. 3; at t = 2: P_miss = 1/2, P_fa = 0 -> 0.01 * 0.5 / 0.01.
  const m = minDcf([1, 3], [2, 0], { pTarget: 0.01 });
  assertAlmostEquals(m.dcf, 0.5, 1e-15);
  assertEquals(m.threshold, 2);
  // Bayes threshold ln 99 = 4.595: one miss (4), one false alarm (10): (0.005 + 0.495) / 0.01.
  const a = actualDcf([5, 4], [0, 10], { pTarget: 0.01 });
  assertAlmostEquals(a.dcf, 50, 1e-12);
  assertAlmostEquals(a.threshold, Math.log(99), 1e-15);
  assertAlmostEquals(
    minDcf([1, 3], [2, 0], { pTarget: 0.05, cMiss: 10 }).dcf,
    0.05 * 10 * 0.5 / (0.05 * 10),
    1e-15,
  );
});

Deno.test("cllrMin() matches hand-checked PAV calibrations", () => {
  assertEquals(cllrMin([2, 3], [0, 1]), 0);
  assertAlmostEquals(cllrMin([5, 5], [5, 5]), 1, 1e-15);
  // 0(n) 1(t) 2(n) 3(t): PAV pools {1, 2} at LLR 0; the ends get +-inf, cost ln 2 each.
  assertAlmostEquals(cllrMin([1, 3], [2, 0]), 0.5, 1e-15);
  const seed = freshSeed();
  const rng = new Rng(seed);
  const tar = Array.from({ length: 300 }, () => rng.normal() + 1);
  const non = Array.from({ length: 500 }, () => rng.normal() * 2);
  assert(cllrMin(tar, non) <= cllr(tar, non) + 1e-12, `calibration cannot hurt (seed ${seed})`);
  assert(cllrMin(tar, non) > 0 && cllrMin(tar, non) < 1, `seed ${seed}`);
});

Deno.test("binaryStats() counts decisions as SpeechBrain's BinaryMetricStats", () => {
  const s = binaryStats([0.9, 0.2, 0.7, 0.1, 0.6], [1, 1, 0, 0, 1], 0.5);
  assertEquals([s.TP, s.TN, s.FP, s.FN], [2, 1, 1, 1]);
  assertAlmostEquals(s.FAR, 0.5, 1e-8);
  assertAlmostEquals(s.FRR, 1 / 3, 1e-8);
  assertAlmostEquals(s.DER, 2 / 3, 1e-8);
  assertAlmostEquals(s.precision, 2 / 3, 1e-8);
  assertAlmostEquals(s.recall, 2 / 3, 1e-8);
  assertAlmostEquals(s["F-score"], 2 / 3, 1e-12);
  assertAlmostEquals(s.MCC, (2 - 1) / Math.sqrt(3 * 3 * 2 * 2), 1e-8);
});

Deno.test("computeMetrics() keys follow metrics.json order, then our extras", () => {
  const m = computeMetrics([2, 1, -1, 0.5, -2], [1, 1, 0, 0, 0]);
  assertEquals(Object.keys(m), [
    "EER",
    "EER_thres",
    "CLLR",
    "TP",
    "TN",
    "FP",
    "FN",
    "FAR",
    "FRR",
    "DER",
    "threshold",
    "precision",
    "recall",
    "F-score",
    "MCC",
    "minDCF_0.01",
    "minDCF_0.05",
    "actDCF_0.01",
    "actDCF_0.05",
    "CLLR_min",
    "n_target",
    "n_nontarget",
  ]);
  assertEquals(m.EER, 0);
  assertEquals(m.EER_thres, m.threshold);
  assertEquals([m.n_target, m.n_nontarget], [2, 3]);
});

Deno.test("detCurve() sweeps P_fa down and P_miss up over the thresholds", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const tar = Array.from({ length: 50 }, () => rng.normal() + 1);
  const non = Array.from({ length: 80 }, () => rng.normal());
  const d = detCurve(tar, non);
  for (let i = 1; i < d.pFa.length; i++) {
    assert(d.pFa[i] <= d.pFa[i - 1] && d.pMiss[i] >= d.pMiss[i - 1], `monotone (seed ${seed})`);
  }
  assertEquals(d.pMiss.at(-1), 1);
  assertEquals(d.pFa.at(-1), 0);
});
