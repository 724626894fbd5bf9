import { assert, assertThrows } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import { frontendFbank } from "../../src/kernels/frontend_fbank.ts";
import { fbankNoiseRef, frontendFbankRef } from "../../src/reference/frontend_fbank.ts";
import { type FbankPlan, frameCount, planFbank } from "../../src/frontend/fbank_plan.ts";
import type { FeatureOptions } from "../../src/frontend/options.ts";
import { melBankTable, twiddleTable, windowTable } from "../../src/frontend/constant_tables.ts";
import { fbankTablesOn } from "../../src/frontend/tables.ts";

/** White noise plus a tone: a spectrum without 70 dB gaps, so float32 stays well conditioned. */
function testSignal(rng: Rng, n: number): Float32Array {
  const x = rng.floats(n, -0.5, 0.5);
  for (let i = 0; i < n; i++) x[i] += 0.3 * Math.sin(0.05 * i);
  return x;
}

function hostTables(plan: FbankPlan) {
  const { bank, range } = melBankTable({
    nBins: plan.nBins,
    nFft: plan.nFft,
    sampleRate: plan.sampleRate,
    lowFreq: plan.lowFreq,
    highFreq: plan.highFreq,
  });
  return { window: windowTable(plan.win, plan.windowType, plan.blackmanCoeff), bank, range };
}

async function runFbank(
  gpu: Gpu,
  x: Float32Array,
  plan: FbankPlan,
  options: { wg?: number; frames?: number; maxBindingElements?: number } = {},
): Promise<Float32Array> {
  const frames = frameCount(x.length, plan);
  const xt = gpu.upload(x);
  const out = gpu.empty([frames, plan.nBins], "f32", { poison: true });
  const run = gpu.run("frontend_fbank_test");
  frontendFbank(run, xt, out, { ...fbankTablesOn(gpu, plan), plan, ...options });
  run.read(out);
  const [got] = await run.submit();
  xt.release();
  out.release();
  return got as Float32Array;
}

const TOL = { atol: 2e-4, rtol: 2e-5 };

Deno.test({
  name: "frontendFbank() matches its reference at edge frame counts, windows and workgroup sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<{ options: FeatureOptions; wg: number; frames: number; count: number }> = [];
    // Frame counts 1, F-1, F, F+1 per workgroup of F = wg x frames frames, across variants and windows.
    for (const [wg, f] of [[8, 1], [8, 3], [4, 2], [1, 3]]) {
      const perGroup = wg * f;
      for (const count of [1, perGroup - 1, perGroup, perGroup + 1].filter((c) => c > 0)) {
        cases.push({ options: { windowType: "hamming" }, wg, frames: f, count });
      }
    }
    cases.push({
      options: { windowType: "povey", dither: 1, seed: 7 },
      wg: 8,
      frames: 4,
      count: 9,
    });
    cases.push({
      options: { windowType: "hanning", numMelBins: 40, frameLength: 20, frameShift: 8 },
      wg: 2,
      frames: 2,
      count: 5,
    });
    cases.push({
      options: { windowType: "blackman", numMelBins: 23, frameLength: 50 },
      wg: 4,
      frames: 1,
      count: 3,
    });
    // 256- and 128-point FFTs: a radix-32 pass, then a radix-8 pass or two radix-2 stages.
    cases.push({
      options: { windowType: "hamming", numMelBins: 40, frameLength: 16, frameShift: 10 },
      wg: 8,
      frames: 2,
      count: 19,
    });
    cases.push({
      options: { windowType: "hanning", numMelBins: 23, frameLength: 8, frameShift: 4 },
      wg: 4,
      frames: 1,
      count: 6,
    });
    cases.push({
      options: { windowType: "rectangular", numMelBins: 8, frameLength: 2, frameShift: 1 },
      wg: 64,
      frames: 3,
      count: 11,
    });
    for (const c of cases) {
      const plan = planFbank(c.options);
      const n = plan.win + (c.count - 1) * plan.shift + rng.int(0, plan.shift);
      const x = testSignal(rng, n);
      assert(frameCount(n, plan) === c.count);
      const got = await runFbank(gpu, x, plan, { wg: c.wg, frames: c.frames });
      const want = frontendFbankRef(x, plan, hostTables(plan));
      assertClose(got, want, TOL, `${JSON.stringify(c)} seed=${seed}`);
    }
  },
});

Deno.test({
  name: "frontendFbank() matches its reference one past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Short 2 ms frames keep 65536 of them cheap; one frame per workgroup puts the
    // last one in a second row of workgroups.
    const plan = planFbank({ frameLength: 2, frameShift: 1, numMelBins: 8, dither: 0.5, seed: 3 });
    const count = 65536;
    const x = testSignal(rng, plan.win + (count - 1) * plan.shift);
    const got = await runFbank(gpu, x, plan, { wg: 1, frames: 1 });
    const tables = hostTables(plan);
    for (const [start, end] of [[0, 3], [65533, 65536]]) {
      const want = frontendFbankRef(x, plan, tables, { start, end });
      const slice = got.subarray(start * plan.nBins, end * plan.nBins);
      assertClose(slice, want, TOL, `frames ${start}..${end} seed=${seed}`);
    }
    assert(got.every(Number.isFinite), "every frame written");
  },
});

Deno.test({
  name: "frontendFbank() split over a small binding limit equals one pass",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const plan = planFbank({ dither: 1, seed: 11 });
    const x = testSignal(rng, 400 + 999 * 160 + 77);
    const whole = await runFbank(gpu, x, plan);
    // 64 frames per chunk: 16 chunks, each bound at its own aligned input offset.
    const chunked = await runFbank(gpu, x, plan, { maxBindingElements: 64 * 160 + 400 + 64 });
    assertClose(chunked, whole, {}, `seed=${seed}`);
  },
});

Deno.test({
  name: "frontendFbank() dither adds seeded unit-variance noise (expected mel energies of silence)",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const plan = planFbank({ dither: 1, seed: freshSeed() });
    const frames = 4000;
    const x = new Float32Array(plan.win + (frames - 1) * plan.shift);
    const got = await runFbank(gpu, x, plan);
    // Frames are y = W·P·D·z (DC removal, pre-emphasis, window) of z ~ N(0, I), so
    // E|Y_k|^2 = ||(W P D)^T e_k||^2 with e_k the k-th DFT row.
    const { window, bank, range } = hostTables(plan);
    const { win, nFft } = plan;
    const cols = nFft / 2 + 1;
    const power = new Float64Array(cols);
    for (let k = 0; k < cols; k++) {
      const ur = new Float64Array(win + 1);
      const ui = new Float64Array(win + 1);
      for (let m = 0; m < win; m++) {
        ur[m] = window[m] * Math.cos(-2 * Math.PI * k * m / nFft);
        ui[m] = window[m] * Math.sin(-2 * Math.PI * k * m / nFft);
      }
      const vr = new Float64Array(win);
      const vi = new Float64Array(win);
      for (let n = 0; n < win; n++) {
        const self = n === 0 ? 1 - plan.preemph : 1;
        vr[n] = self * ur[n] - plan.preemph * ur[n + 1];
        vi[n] = self * ui[n] - plan.preemph * ui[n + 1];
      }
      const mr = vr.reduce((a, b) => a + b, 0) / win;
      const mi = vi.reduce((a, b) => a + b, 0) / win;
      for (let n = 0; n < win; n++) power[k] += (vr[n] - mr) ** 2 + (vi[n] - mi) ** 2;
    }
    for (let b = 0; b < plan.nBins; b++) {
      let expected = 0;
      for (let k = range[2 * b]; k < range[2 * b + 1]; k++) {
        expected += bank[b * cols + k] * power[k];
      }
      let mean = 0;
      for (let f = 0; f < frames; f++) mean += Math.exp(got[f * plan.nBins + b]) / frames;
      // Each bin averages 4000 overlapping frames: a few percent of noise; 15% is > 4 sigma.
      assert(
        Math.abs(mean / expected - 1) < 0.15,
        `bin ${b}: mean mel energy ${mean} vs expected ${expected} (seed ${plan.seed})`,
      );
    }
  },
});

Deno.test("fbankNoiseRef() draws standard normals (moments of 200k draws)", () => {
  const seed = freshSeed();
  const n = 200_000;
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const z = fbankNoiseRef(seed, Math.floor(i / 400), i % 400);
    s1 += z;
    s2 += z * z;
    s4 += z ** 4;
  }
  const mean = s1 / n;
  const variance = s2 / n - mean * mean;
  // Standard errors: mean 0.0022, variance 0.0032, fourth moment ~0.024.
  assert(Math.abs(mean) < 0.012, `mean ${mean} (seed ${seed})`);
  assert(Math.abs(variance - 1) < 0.016, `variance ${variance} (seed ${seed})`);
  assert(Math.abs(s4 / n - 3) < 0.12, `fourth moment ${s4 / n} (seed ${seed})`);
});

Deno.test({
  name: "frontendFbank() gives the log floor for digital silence",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const plan = planFbank({});
    const got = await runFbank(gpu, new Float32Array(400 + 9 * 160), plan);
    assertClose(got, new Float32Array(got.length).fill(Math.log(1.1920928955078125e-7)), {
      atol: 1e-6,
    });
    assert(twiddleTable(plan.nFft).length === plan.nFft);
  },
});

Deno.test({
  name: "frontendFbank() refuses variants whose loops llvmpipe would cut short",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const plan = planFbank({});
    const x = gpu.upload(new Float32Array(16000));
    const out = gpu.empty([frameCount(16000, plan), plan.nBins]);
    const run = gpu.run("frontend_fbank_test");
    assertThrows(
      () => frontendFbank(run, x, out, { ...fbankTablesOn(gpu, plan), plan, wg: 1, frames: 64 }),
      RangeError,
      "65535",
    );
    // 64 frames of 512 complex values need 256 KiB of workgroup memory.
    assertThrows(
      () => frontendFbank(run, x, out, { ...fbankTablesOn(gpu, plan), plan, wg: 64, frames: 1 }),
      RangeError,
      "workgroup memory",
    );
    await run.submit();
    x.release();
    out.release();
  },
});
