import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import {
  melBankTable,
  resampleFilterSpans,
  resampleFilterTable,
  resampleTapQuads,
  twiddleTable,
  windowTable,
} from "../../src/frontend/constant_tables.ts";
import { planResample } from "../../src/frontend/resample_plan.ts";
import type { WindowType } from "../../src/frontend/options.ts";
import { loadFixtures } from "./_fixtures.ts";

const fixtures = await loadFixtures();
const t = fixtures.tables;
const values = fixtures.tableValues;

/** Counts entries that are not bit-identical. */
function mismatches(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

Deno.test("resampleFilterTable() equals transforms.Resample's float32 kernels", () => {
  for (const r of t.resample) {
    const plan = planResample(r.from, r.to);
    assertEquals([plan.rateOut, plan.taps], [r.phases, r.taps], `${r.from} Hz geometry`);
    const table = resampleFilterTable(plan);
    const ours = new Float32Array(r.rows.length * r.taps);
    r.rows.forEach((p, i) => ours.set(table.subarray(p * r.taps, (p + 1) * r.taps), i * r.taps));
    const theirs = values.subarray(r.offset, r.offset + ours.length);
    // Same float64 formula rounded once: identical but for rare last-bit libm differences.
    assertClose(ours, theirs, { atol: 1e-9, rtol: 1.2e-7 }, `${r.from} Hz -> ${r.to} Hz`);
    assert(
      mismatches(ours, theirs) <= ours.length / 100,
      `${r.from} Hz: too many last-bit differences`,
    );
  }
});

Deno.test("windowTable() equals torchaudio's float32 windows", () => {
  for (const w of t.windows) {
    const ours = windowTable(w.length, w.type as WindowType);
    const theirs = values.subarray(w.offset, w.offset + w.length);
    // torch's vectorised cosf/powf are not always correctly rounded: a few entries differ by 1 ulp.
    assertClose(ours, theirs, { atol: 1e-7, rtol: 2.4e-7 }, w.type);
    assert(mismatches(ours, theirs) <= w.length / 20, `${w.type}: too many last-bit differences`);
  }
});

Deno.test("melBankTable() equals torchaudio's float32 mel bank and brackets its nonzeros", () => {
  const m = t.melBank;
  const { bank, range } = melBankTable({
    nBins: m.bins,
    nFft: m.nFft,
    sampleRate: 16000,
    lowFreq: 20,
    highFreq: 8000,
  });
  const cols = m.nFft / 2 + 1;
  const theirs = values.subarray(m.offset, m.offset + m.bins * m.columns);
  const ours = new Float32Array(m.bins * m.columns);
  for (let b = 0; b < m.bins; b++) {
    ours.set(bank.subarray(b * cols, b * cols + m.columns), b * m.columns);
    assertEquals(bank[b * cols + m.nFft / 2], 0, "Nyquist column is zero");
    for (let k = 0; k < cols; k++) {
      const inside = k >= range[2 * b] && k < range[2 * b + 1];
      assert(inside || bank[b * cols + k] === 0, `bin ${b} has weight outside its range at ${k}`);
    }
  }
  // torch's float32 logf may differ from a correctly rounded one in the last bit.
  assertClose(ours, theirs, { atol: 1e-5 }, "mel bank");
  assert(mismatches(ours, theirs) < 20, `${mismatches(ours, theirs)} weights differ`);
});

Deno.test("twiddleTable() holds e^{-2πi m/n} rounded to float32", () => {
  const tw = twiddleTable(512);
  assertEquals(tw.length, 512);
  assertEquals([tw[0], tw[1]], [1, -0]);
  assertEquals([tw[256], tw[257]], [Math.fround(Math.cos(Math.PI / 2)), -1]);
  assertClose([tw[2 * 37], tw[2 * 37 + 1]], [
    Math.fround(Math.cos(2 * Math.PI * 37 / 512)),
    Math.fround(-Math.sin(2 * Math.PI * 37 / 512)),
  ]);
});

Deno.test("resampleTapQuads() lays each phase's taps out in quads for every input alignment", () => {
  for (const [from, to] of [[24000, 16000], [44100, 16000], [8000, 16000]]) {
    const plan = planResample(from, to);
    const table = resampleFilterTable(plan);
    const spans = resampleFilterSpans(table, plan);
    const { row, data } = resampleTapQuads(table, spans, plan);
    assertEquals(data.length, 4 * plan.rateOut * row * 4);
    for (let r = 0; r < 4; r++) {
      for (let p = 0; p < plan.rateOut; p++) {
        const [lo, hi] = [spans[2 * p], spans[2 * p + 1]];
        assert(Math.ceil((hi - lo + r) / 4) <= row, `phase ${p} alignment ${r} fits its row`);
        // Tap lo - r + i sits at float i of the phase's quads; the rest of the row is zero.
        const at = (r * plan.rateOut + p) * row * 4;
        for (let i = 0; i < 4 * row; i++) {
          const k = lo - r + i;
          const want = k >= lo && k < hi ? table[p * plan.taps + k] : 0;
          assertEquals(data[at + i], want, `${from} Hz phase ${p} alignment ${r} tap ${k}`);
        }
      }
    }
  }
});
