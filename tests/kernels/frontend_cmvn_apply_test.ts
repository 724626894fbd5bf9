import { assertClose } from "../_helpers/assert_close.ts";
import { assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import type { Gpu } from "../../src/gpu/mod.ts";
import {
  frontendCmvnApply,
  type FrontendCmvnApplyOptions,
} from "../../src/kernels/frontend_cmvn_apply.ts";
import { frontendCmvnApplyRef } from "../../src/reference/frontend_cmvn_apply.ts";

function randomStats(rng: Rng, rows: number, cols: number): Float32Array {
  const s = new Float32Array(4 * cols);
  for (let c = 0; c < cols; c++) {
    s[4 * c] = rows * rng.uniform(-5, 15);
    s[4 * c + 1] = rng.uniform(-1e-4, 1e-4);
    s[4 * c + 2] = (rows - 1) * rng.uniform(0.1, 9);
    s[4 * c + 3] = rng.uniform(-1e-5, 1e-5);
  }
  return s;
}

async function runApply(
  gpu: Gpu,
  x: Float32Array,
  stats: Float32Array,
  options: FrontendCmvnApplyOptions,
): Promise<Float32Array> {
  const xt = gpu.upload(x);
  const st = gpu.upload(stats);
  const run = gpu.run("frontend_cmvn_apply_test");
  frontendCmvnApply(run, xt, st, options);
  run.read(xt);
  const [out] = await run.submit();
  xt.release();
  st.release();
  return out as Float32Array;
}

const TOL = { atol: 1e-5, rtol: 1e-6 };

Deno.test({
  name: "frontendCmvnApply() matches its reference at edge sizes for every flag combination",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const wg = 64;
    const rowsPer = 4;
    // Invocations (column x row block) 1, WG-1, WG, WG+1 with a partial last row block.
    for (const [cols, blocks] of [[1, 1], [7, 9], [8, 8], [5, 13]]) {
      for (const [normalizeMean, normalizeVar] of [[true, false], [true, true], [false, true]]) {
        // At least 2 rows (the unbiased variance), at most `blocks` row blocks.
        const rows = (blocks - 1) * rowsPer + rng.int(blocks === 1 ? 2 : 1, rowsPer + 1);
        const x = rng.floats(rows * cols, -20, 20);
        const stats = randomStats(rng, rows, cols);
        const options = { rows, cols, normalizeMean, normalizeVar };
        const got = await runApply(gpu, x, stats, { ...options, wg, rowsPer });
        assertClose(
          got,
          frontendCmvnApplyRef(x, stats, rows, options),
          TOL,
          `${rows}x${cols} mean=${normalizeMean} var=${normalizeVar} seed=${seed}`,
        );
      }
    }
  },
});

Deno.test({
  name: "frontendCmvnApply() matches its reference one past a dispatch dimension and in chunks",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cols = 80;
    // WG 64: 65535·64 + 80 elements fold into a second row of workgroups.
    const rows = Math.ceil((65535 * 64 + 1) / cols);
    const x = rng.floats(rows * cols, -20, 20);
    const stats = randomStats(rng, rows, cols);
    const options = { rows, cols, normalizeMean: true, normalizeVar: true };
    const want = frontendCmvnApplyRef(x, stats, rows, options);
    const got = await runApply(gpu, x, stats, { ...options, wg: 64, rowsPer: 1 });
    assertClose(got, want, TOL, `seed=${seed}`);
    const chunked = await runApply(gpu, x, stats, { ...options, maxBindingElements: 1 << 20 });
    assertClose(chunked, want, TOL, `chunked seed=${seed}`);
  },
});

Deno.test({
  name: "frontendCmvnApply() refuses variance normalisation of a single row",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const x = gpu.upload(new Float32Array(80));
    const stats = gpu.upload(new Float32Array(320));
    const run = gpu.run("frontend_cmvn_apply_test");
    assertThrows(
      () =>
        frontendCmvnApply(run, x, stats, {
          rows: 1,
          cols: 80,
          normalizeMean: true,
          normalizeVar: true,
        }),
      RangeError,
      "2 rows",
    );
    await run.submit();
    x.release();
    stats.release();
  },
});
