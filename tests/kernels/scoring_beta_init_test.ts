import { assertAlmostEquals, assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringBetaInit } from "../../src/kernels/scoring_beta_init.ts";
import { scoringBetaInitRef } from "../../src/reference/scoring_beta_init.ts";

/** Means and variances; some entries mimic all-0/1 proportions (g <= 0) or never-active ones. */
function randomStats(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(2 * n);
  for (let j = 0; j < n; j++) {
    const e = rng.uniform(0, 1);
    const kind = rng.int(0, 5);
    out[2 * j] = kind === 0 ? 0 : e;
    out[2 * j + 1] = kind === 0
      ? 0
      : kind === 1
      ? e * (1 - e) * 1.02
      : e * (1 - e) * rng.uniform(0.01, 0.9);
  }
  return out;
}

Deno.test({
  name: "scoringBetaInit() matches its reference at edge sizes and leaves g <= 0 out",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    for (const n of [1, 255, 256, 257, 1024, 3001]) {
      const stats = randomStats(rng, n);
      const s = gpu.upload(stats);
      const alpha = gpu.empty([n], "f32", { poison: true });
      const info = gpu.empty([2], "f32", { poison: true });
      const run = gpu.run("scoring_beta_init_test");
      scoringBetaInit(run, { stats: s, alpha, info, nEntries: n, eps: 1e-8 });
      run.read(alpha);
      run.read(info);
      const [a, i] = await run.submit();
      const ref = scoringBetaInitRef(stats, 1e-8);
      const what = `n=${n} seed=${seed}`;
      assertEquals(i[1], ref.excluded, `excluded ${what}`);
      assertAlmostEquals(i[0], ref.gmean, 2e-6 * ref.gmean, `gmean ${what}`);
      assertClose(a, ref.alpha, { atol: 1e-8, rtol: 2e-6 }, what);
      s.release();
      alpha.release();
      info.release();
    }
  },
});

Deno.test({
  name: "scoringBetaInit() falls back to a geometric mean of 1 when every entry is left out",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    // Proportions all 0 or 1 for both attributes: g = -1/S < 0 everywhere.
    const stats = new Float32Array([0.5, 0.5 * 4 / 3, 0.25, 0.1875 * 4 / 3]);
    const s = gpu.upload(stats);
    const alpha = gpu.empty([2], "f32");
    const info = gpu.empty([2], "f32");
    const run = gpu.run("scoring_beta_init_fallback");
    scoringBetaInit(run, { stats: s, alpha, info, nEntries: 2, eps: 1e-8 });
    run.read(alpha);
    run.read(info);
    const [a, i] = await run.submit();
    assertEquals(Array.from(i), [1, 2]);
    assertClose(a, [0.5, 0.25], { rtol: 1e-6 });
    s.release();
    alpha.release();
    info.release();
  },
});
