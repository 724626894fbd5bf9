import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import { frontendCmvnStats } from "../../src/kernels/frontend_cmvn_stats.ts";
import { frontendCmvnStatsRef } from "../../src/reference/frontend_cmvn_stats.ts";

/** Log-mel-like columns: a large common offset plus noise, where a naive float32 sum drifts. */
function features(rng: Rng, rows: number, cols: number): Float32Array {
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 12 + (i % cols % 80) * 0.1 + 3 * rng.normal();
  return x;
}

async function runStats(
  gpu: Gpu,
  x: Float32Array,
  rows: number,
  cols: number,
  options: { wg?: number; maxBindingElements?: number } = {},
): Promise<Float32Array> {
  const xt = gpu.upload(x);
  const stats = gpu.empty([cols, 4], "f32", { poison: true });
  const run = gpu.run("frontend_cmvn_stats_test");
  run.clear(stats);
  frontendCmvnStats(run, xt, stats, { rows, cols, phase: 0, ...options });
  frontendCmvnStats(run, xt, stats, { rows, cols, phase: 1, ...options });
  run.read(stats);
  const [out] = await run.submit();
  xt.release();
  stats.release();
  return out as Float32Array;
}

function check(got: Float32Array, x: Float32Array, rows: number, cols: number, what: string) {
  const { sum, sqdev } = frontendCmvnStatsRef(x, rows, cols);
  const gotSum = new Float64Array(cols);
  const gotSq = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    gotSum[c] = got[4 * c] + got[4 * c + 1];
    gotSq[c] = got[4 * c + 2] + got[4 * c + 3];
  }
  // The (hi, lo) pairs carry ~2x float32 precision: sums agree to ~1e-7 relative.
  assertClose(gotSum, sum, { atol: 1e-6, rtol: 2e-7 }, `${what} sums`);
  assertClose(gotSq, sqdev, { atol: 1e-6, rtol: 2e-6 }, `${what} squared deviations`);
}

Deno.test({
  name: "frontendCmvnStats() matches its reference at edge row counts and workgroup sizes",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    for (const wg of [1, 64, 256]) {
      for (const rows of [1, wg - 1, wg, wg + 1, 20 * wg + 7].filter((r) => r > 0)) {
        const cols = 80;
        const x = features(rng, rows, cols);
        check(
          await runStats(gpu, x, rows, cols, { wg }),
          x,
          rows,
          cols,
          `wg=${wg} rows=${rows} seed=${seed}`,
        );
      }
    }
  },
});

Deno.test({
  name:
    "frontendCmvnStats() matches its reference one past a dispatch dimension and over long inputs",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // 65536 columns need a second row of workgroups.
    let x = features(rng, 3, 65536);
    check(await runStats(gpu, x, 3, 65536, { wg: 4 }), x, 3, 65536, `cols=65536 seed=${seed}`);
    // 30 minutes of frames with an offset: per-invocation Kahan sums plus a pairwise tree.
    x = features(rng, 180_000, 8);
    check(await runStats(gpu, x, 180_000, 8), x, 180_000, 8, `rows=180000 seed=${seed}`);
  },
});

Deno.test({
  name: "frontendCmvnStats() accumulated over row chunks equals the reference",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const rows = 1000;
    const x = features(rng, rows, 80);
    // 64 rows per chunk: 16 dispatches per phase add into the same stats.
    const got = await runStats(gpu, x, rows, 80, { maxBindingElements: 64 * 80 });
    check(got, x, rows, 80, `chunked seed=${seed}`);
  },
});

Deno.test({
  name: "frontendCmvnStats() keeps its compensation terms (a sum that plain float32 loses)",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    // 1e4 followed by 100k values of 1e-3: each 1e-3 added to 1e4 in float32 is off by 2.3e-5,
    // so a plain sum drifts by ~0.04 on the invocation holding 1e4 (it sums 1563 rows);
    // TwoSum keeps it exact.
    const rows = 100_001;
    const x = new Float32Array(rows).fill(1e-3);
    x[0] = 1e4;
    const got = await runStats(gpu, x, rows, 1, { wg: 64 });
    const exact = frontendCmvnStatsRef(x, rows, 1).sum[0];
    const sum = got[0] + got[1];
    if (!(Math.abs(sum - exact) < 1e-4)) {
      throw new Error(
        `compensated sum ${sum} vs exact ${exact}: the compiler removed the error terms`,
      );
    }
  },
});
