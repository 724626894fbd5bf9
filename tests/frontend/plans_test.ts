import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  DEFAULT_FEATURE_OPTIONS,
  featureOptionsFromConfig,
  frameCount,
  planFbank,
  planResample,
  resampledLength,
  resolveFeatureOptions,
} from "../../src/frontend/mod.ts";

Deno.test("resolveFeatureOptions() fills WeSpeaker's defaults", () => {
  assertEquals(resolveFeatureOptions(), DEFAULT_FEATURE_OPTIONS);
  assertEquals(resolveFeatureOptions({ dither: undefined, numMelBins: 64 }).numMelBins, 64);
  assertEquals(DEFAULT_FEATURE_OPTIONS.windowType, "hamming");
  assertEquals(DEFAULT_FEATURE_OPTIONS.scale, 32768);
});

Deno.test("resolveFeatureOptions() errors name the config key", () => {
  assertThrows(() => resolveFeatureOptions({ numMelBins: 2 }), RangeError, "num_mel_bins");
  assertThrows(() => resolveFeatureOptions({ frameShift: 0 }), RangeError, "frame_shift");
  assertThrows(() => resolveFeatureOptions({ dither: -1 }), RangeError, "dither");
  assertThrows(
    () => resolveFeatureOptions({ normalizeVar: "yes" as never }),
    RangeError,
    "normalize_var",
  );
  assertThrows(() => resolveFeatureOptions({ windowType: "kaiser" as never }), RangeError, "povey");
  assertThrows(() => resolveFeatureOptions({ seed: 1.5 }), RangeError, "seed");
});

Deno.test("featureOptionsFromConfig() maps the config tree and refuses other front-ends", () => {
  const o = featureOptionsFromConfig(
    { frontend: "fbank", num_mel_bins: 64, frame_length: 20, frame_shift: 8, dither: 1 },
    { normalize_mean: false, normalize_var: true },
  );
  assertEquals(
    [o.numMelBins, o.frameLength, o.frameShift, o.dither, o.normalizeMean, o.normalizeVar],
    [64, 20, 8, 1, false, true],
  );
  assertThrows(() => featureOptionsFromConfig({ frontend: "mfcc" }), RangeError, "frontend");
});

Deno.test("planFbank() derives Kaldi's window geometry", () => {
  const p = planFbank();
  assertEquals([p.win, p.shift, p.nFft, p.log2Fft, p.nBins], [400, 160, 512, 9, 80]);
  assertEquals([p.lowFreq, p.highFreq, p.preemph], [20, 8000, 0.97]);
  assertEquals(planFbank({ frameLength: 50 }).nFft, 1024);
  assertEquals(planFbank({ frameLength: 32 }).nFft, 512);
  assertEquals(planFbank({ sampleRate: 8000 }).win, 200);
  assertThrows(() => planFbank({ frameLength: 70 }), RangeError, "1024");
  assertThrows(() => planFbank({ frameLength: 0.05 }), RangeError, "frame_length");
  assertThrows(() => planFbank({ numMelBins: 300 }), RangeError, "num_mel_bins");
});

Deno.test("frameCount() counts snip_edges frames", () => {
  const p = planFbank();
  assertEquals([399, 400, 559, 560, 16000].map((n) => frameCount(n, p)), [0, 1, 1, 2, 98]);
});

Deno.test("planResample() reduces rates by their gcd as torchaudio does", () => {
  const a = planResample(24000, 16000);
  assertEquals([a.rateIn, a.rateOut, a.width, a.taps], [3, 2, 10, 23]);
  const b = planResample(44100, 16000);
  assertEquals([b.rateIn, b.rateOut, b.width, b.taps], [441, 160, 17, 475]);
  const c = planResample(8000, 16000);
  assertEquals([c.rateIn, c.rateOut, c.width, c.taps], [1, 2, 7, 15]);
  assertEquals(resampledLength(95232, a), 63488);
  assertEquals(resampledLength(8821, b), Math.ceil(160 * 8821 / 441));
  assertThrows(() => planResample(22050.5, 16000), RangeError, "positive integer");
  assertThrows(() => planResample(96001, 16000), RangeError, "gcd");
});
