import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { assertClose, maxAbsDiff } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import {
  computeFeatures,
  extractFeatures,
  type FeatureOptions,
  resampleOnGpu,
} from "../../src/frontend/mod.ts";
import { FLT_EPSILON } from "../../src/reference/frontend_fbank.ts";
import {
  type FbankFixture,
  haveVoxceleb,
  loadFixtures,
  readVoxceleb,
  syntheticSignal,
} from "./_fixtures.ts";

const fixtures = await loadFixtures();
const BINS = 80;

/** The fixture's rows (the contiguous block, then every stride-th frame) from full features. */
function fixtureRows(
  feats: Float32Array,
  fb: FbankFixture,
): { got: Float32Array; want: Float32Array } {
  const rows: number[] = [];
  for (let i = 0; i < fb.blockCount; i++) rows.push(fb.blockStart + i);
  for (let i = 0; i < fb.stridedCount; i++) rows.push(i * fb.stride);
  const got = new Float32Array(rows.length * BINS);
  rows.forEach((r, i) => got.set(feats.subarray(r * BINS, (r + 1) * BINS), i * BINS));
  const want = new Float32Array(rows.length * BINS);
  want.set(fixtures.fbank.subarray(fb.block, fb.block + fb.blockCount * BINS));
  want.set(
    fixtures.fbank.subarray(fb.strided, fb.strided + fb.stridedCount * BINS),
    fb.blockCount * BINS,
  );
  return { got, want };
}

async function resampleAll(gpu: Gpu, x: Float32Array, from: number, to: number) {
  const run = gpu.run("features_test");
  const xt = gpu.upload(x);
  const y = resampleOnGpu(run, xt, from, to);
  run.read(y);
  const [out] = await run.submit();
  xt.release();
  y.release();
  return out as Float32Array;
}

Deno.test({
  name: "resampleOnGpu() matches torchaudio's Resample on the 24 kHz VoxCeleb2 wavs within 1e-4",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu || !(await haveVoxceleb("resampleOnGpu() VoxCeleb parity"))) return;
    let worst = 0;
    for (const f of fixtures.files.filter((f) => f.resample)) {
      const r = f.resample!;
      const { samples, sampleRate } = await readVoxceleb(f);
      const out = await resampleAll(gpu, samples, sampleRate, 16000);
      assertEquals(out.length, r.length, `${f.path}: resampled length`);
      const pick = (start: number, count: number, stride = 1) =>
        Float32Array.from({ length: count }, (_, i) => out[start + i * stride]);
      const want = (offset: number, count: number) =>
        fixtures.resample.subarray(offset, offset + count);
      const parts: Array<[string, Float32Array, Float32Array]> = [
        ["head", pick(0, r.edge), want(r.head, r.edge)],
        ["tail", pick(r.length - r.edge, r.edge), want(r.tail, r.edge)],
        [`every ${r.stride}th`, pick(0, r.stridedCount, r.stride), want(r.strided, r.stridedCount)],
      ];
      for (const [what, got, expected] of parts) {
        assertClose(got, expected, { atol: 1e-4 }, `${f.path} ${what}`);
        worst = Math.max(worst, maxAbsDiff(got, expected));
      }
    }
    console.log(`resample vs torchaudio: max |diff| ${worst.toExponential(2)}`);
  },
});

Deno.test({
  name: "resampleOnGpu() matches torchaudio from 44.1, 48, 8, 22.05, 32 and 11.025 kHz within 1e-4",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    for (const s of fixtures.syntheticResample) {
      const out = await resampleAll(gpu, syntheticSignal(s.n, s.from, s.seed), s.from, s.to);
      assertEquals(out.length, s.length, `${s.from} Hz: resampled length`);
      const want = fixtures.resample.subarray(s.offset, s.offset + s.length);
      assertClose(out, want, { atol: 1e-4 }, `${s.from} Hz -> ${s.to} Hz`);
    }
  },
});

Deno.test({
  name: "extractFeatures() matches torchaudio kaldi.fbank + CMN on every VoxCeleb wav within 1e-3",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu || !(await haveVoxceleb("extractFeatures() VoxCeleb parity"))) return;
    const worst = { f32: 0, f64: 0, mean: 0 };
    for (const f of fixtures.files) {
      const { samples, sampleRate } = await readVoxceleb(f);
      const feats = await extractFeatures(gpu, samples, sampleRate);
      assertEquals(feats.length, f.fbank.frames * BINS, `${f.path}: feature count`);
      // float32 torchaudio (what users run) and the same pipeline in float64 (the yardstick).
      for (const [key, fb] of [["f32", f.fbank], ["f64", f.fbank64]] as const) {
        const { got, want } = fixtureRows(feats, fb);
        assertClose(got, want, { atol: 1e-3 }, `${f.path} vs torchaudio ${key}`);
        worst[key] = Math.max(worst[key], maxAbsDiff(got, want));
      }
      // Raw column means cover every frame, including those the fixture does not store.
      const raw = await extractFeatures(gpu, samples, sampleRate, { normalizeMean: false });
      const mean = new Float64Array(BINS);
      for (let i = 0; i < raw.length; i++) mean[i % BINS] += raw[i] / f.fbank.frames;
      const want = fixtures.fbank.subarray(f.fbank.rawMean, f.fbank.rawMean + BINS);
      assertClose(mean, want, { atol: 1e-3 }, `${f.path} raw column means`);
      worst.mean = Math.max(worst.mean, maxAbsDiff(mean, want));
    }
    console.log(
      `fbank vs torchaudio: max |diff| ${worst.f32.toExponential(2)} (float32), ` +
        `${worst.f64.toExponential(2)} (float64), column means ${worst.mean.toExponential(2)}`,
    );
  },
});

Deno.test({
  name: "computeFeatures() matches torchaudio under other windows, sizes and normalisations",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu || !(await haveVoxceleb("computeFeatures() option parity"))) return;
    for (const c of fixtures.optionCases) {
      const { samples } = await readVoxceleb({ path: c.file });
      const options = c.options as FeatureOptions;
      const run = gpu.run("features_test");
      const x = gpu.upload(samples);
      const feats = computeFeatures(run, x, options);
      assertEquals(feats.shape[1], c.bins);
      run.read(feats, c.frames * c.bins);
      const [got] = await run.submit();
      x.release();
      feats.release();
      const want = fixtures.fbank.subarray(c.offset, c.offset + c.frames * c.bins);
      assertClose(got, want, { atol: 1e-3 }, JSON.stringify(options));
    }
  },
});

Deno.test({
  name: "computeFeatures() gives finite features for silence (the log floor)",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const silence = new Float32Array(16000);
    const raw = await extractFeatures(gpu, silence, 16000, { normalizeMean: false });
    assertClose(raw, new Float32Array(raw.length).fill(Math.log(FLT_EPSILON)), { atol: 1e-6 });
    const cmn = await extractFeatures(gpu, silence, 16000);
    assertClose(cmn, new Float32Array(cmn.length), { atol: 1e-5 }, "mean normalised");
    // Zero variance: the 1e-8 floor multiplies the mean's float32 rounding by 1e4 (as in torch).
    const cmvn = await extractFeatures(gpu, silence, 16000, { normalizeVar: true });
    assertClose(
      cmvn,
      new Float32Array(cmvn.length),
      { atol: 0.05 },
      "mean and variance normalised",
    );
    const dithered = await extractFeatures(gpu, silence, 16000, { dither: 1, seed: 5 });
    assert(dithered.every(Number.isFinite), "dithered silence is finite");
    assert(maxAbsDiff(dithered, cmn) > 0.1, "dither changes silence");
  },
});

Deno.test({
  name: "computeFeatures() rejects audio shorter than one frame",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const run = gpu.run("features_test");
    const x = gpu.upload(new Float32Array(399));
    assertThrows(() => computeFeatures(run, x, {}), RangeError, "too short");
    const y = gpu.upload(new Float32Array(400));
    assertThrows(
      () => computeFeatures(run, y, { normalizeVar: true }),
      RangeError,
      "normalize_var",
    );
    await run.submit();
    x.release();
    y.release();
    await assertRejects(() => extractFeatures(gpu, new Float32Array(0), 16000), RangeError);
    // 590 samples at 24 kHz resample to 394 at 16 kHz: under one 400-sample frame.
    await assertRejects(
      () => extractFeatures(gpu, new Float32Array(590), 24000),
      RangeError,
      "too short",
    );
  },
});

Deno.test({
  name: "computeFeatures() records a batch of utterances into one run",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const waves = [syntheticSignal(16000, 16000, 1), syntheticSignal(9000, 16000, 2)];
    const alone = await Promise.all(waves.map((w) => extractFeatures(gpu, w, 16000)));
    const run = gpu.run("features_batch_test");
    const inputs = waves.map((w) => gpu.upload(w));
    const feats = inputs.map((x) => computeFeatures(run, x));
    for (const f of feats) run.read(f);
    const outs = await run.submit();
    assertEquals(outs.length, 2);
    outs.forEach((o, i) => assertClose(o, alone[i], {}, `utterance ${i}`));
    for (const t of [...inputs, ...feats]) t.release();
  },
});
