import { assertClose } from "../_helpers/assert_close.ts";
import { assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeMatmul, type MatmulEpilogue, type MatmulLayout } from "../../src/kernels/bae_matmul.ts";
import { alignedStride, gpuMatrix } from "../../src/kernels/_bae_matrix.ts";
import { baeMatmulRef } from "../../src/reference/bae_matmul.ts";
import type { Gpu } from "../../src/gpu/mod.ts";

interface Case {
  m: number;
  n: number;
  k: number;
  wg?: number;
  /** Rows per invocation (the GPU variant is 4). */
  tm?: 4 | 16;
  /** Extra stride beyond the aligned one (multiples of 64). */
  pad?: number;
}

/** A rows x cols matrix at stride ld whose pad lanes hold NaN (they must never leak). */
function paddedRandom(rng: Rng, rows: number, cols: number, ld: number): Float32Array {
  const x = new Float32Array(rows * ld).fill(NaN);
  for (let r = 0; r < rows; r++) x.set(rng.floats(cols), r * ld);
  return x;
}

async function check(
  gpu: Gpu,
  rng: Rng,
  seed: number,
  layout: MatmulLayout,
  epilogue: MatmulEpilogue,
  c: Case,
): Promise<void> {
  const { m, n, k } = c;
  const pad = c.pad ?? 0;
  const [rowsA, colsA] = layout === "tn" ? [k, m] : [m, k];
  const [rowsB, colsB] = layout === "nt" ? [n, k] : [k, n];
  const lda = alignedStride(colsA) + pad;
  const ldb = alignedStride(colsB) + pad;
  const ldc = alignedStride(n) + pad;
  const a = paddedRandom(rng, rowsA, colsA, lda);
  const b = paddedRandom(rng, rowsB, colsB, ldb);
  const bias = rng.floats(n);
  const ta = gpu.upload(a);
  const tb = gpu.upload(b);
  const tbias = gpu.upload(bias);
  const tc = gpu.empty([m * ldc], "f32", { poison: true });
  const run = gpu.run("bae_matmul_test");
  baeMatmul(run, {
    a: gpuMatrix(ta, rowsA, colsA, { ld: lda }),
    b: gpuMatrix(tb, rowsB, colsB, { ld: ldb }),
    c: gpuMatrix(tc, m, n, { ld: ldc }),
  }, { layout, epilogue, bias: tbias, wg: c.wg, tileRows: c.tm ?? 16 });
  run.read(tc);
  const [out] = await run.submit();
  const expected = baeMatmulRef(a, b, { m, n, k, lda, ldb, ldc, layout, epilogue, bias });
  // Lanes of the last vec4 past n are stored as 0; columns past that are not touched.
  const n4 = Math.ceil(n / 4) * 4;
  const pick = (v: ArrayLike<number>) => {
    const o = new Float64Array(m * n4);
    for (let i = 0; i < m; i++) for (let j = 0; j < n4; j++) o[i * n4 + j] = v[i * ldc + j];
    return o;
  };
  assertClose(
    pick(out),
    pick(expected),
    { atol: 1e-5, rtol: 1e-5 },
    `${layout}/${epilogue} m=${m} n=${n} k=${k} wg=${c.wg ?? 32} tm=${
      c.tm ?? 16
    } pad=${pad} seed=${seed}`,
  );
  for (const t of [ta, tb, tbias, tc]) t.release();
}

// WG = 32 tiles of 16x16: m=16 with n = 16*31, 16*32, 16*32+1 gives WG−1, WG, WG+1 tiles.
const EDGE_CASES: Case[] = [
  { m: 1, n: 1, k: 1 },
  { m: 3, n: 5, k: 7 },
  { m: 16, n: 496, k: 9 },
  { m: 16, n: 512, k: 16 },
  { m: 16, n: 513, k: 6 },
  { m: 37, n: 70, k: 130, pad: 64 },
  { m: 50, n: 33, k: 64, wg: 4 },
  // The GPU variant: 4 rows per invocation.
  { m: 1, n: 3, k: 5, tm: 4, wg: 64 },
  { m: 4, n: 16 * 63, k: 9, tm: 4, wg: 64 },
  { m: 4, n: 16 * 64, k: 12, tm: 4, wg: 64 },
  { m: 37, n: 70, k: 130, tm: 4, wg: 64 },
];

// Each epilogue is its own pipeline and llvmpipe specialises shaders per texture shape class, so
// the edge sizes run with the richest epilogue and the other epilogues on one irregular shape.
for (const layout of ["nt", "nn", "tn"] as const) {
  Deno.test({
    name: `baeMatmul() ${layout} matches its reference at edge sizes and every epilogue`,
    ...GPU_TEST,
    async fn() {
      const gpu = await testGpu();
      if (!gpu) return;
      const seed = freshSeed();
      const rng = new Rng(seed);
      for (const c of EDGE_CASES) await check(gpu, rng, seed, layout, "bias_tanh", c);
      for (const epi of ["none", "bias", "bias_relu"] as const) {
        await check(gpu, rng, seed, layout, epi, EDGE_CASES[5]);
      }
    },
  });
}

Deno.test({
  name: "baeMatmul() folds a launch past 65535 workgroups into y",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 1 and 260 x 260 tiles of 16x16: 67600 workgroups. C has 17M values, so the
    // reference checks every 61st row (all tiles of a row lie in one workgroup row band).
    const m = 4160, n = 4160, k = 3;
    const a = rng.floats(k * m);
    const b = rng.floats(k * n);
    const ta = gpu.upload(a);
    const tb = gpu.upload(b);
    const tc = gpu.empty([m * n], "f32", { poison: true });
    const run = gpu.run("bae_matmul_fold");
    baeMatmul(run, {
      a: gpuMatrix(ta, k, m),
      b: gpuMatrix(tb, k, n),
      c: gpuMatrix(tc, m, n),
    }, { layout: "tn", wg: 1, tileRows: 16 });
    run.read(tc);
    const [out] = await run.submit();
    for (const t of [ta, tb, tc]) t.release();
    for (let i = 0; i < m; i += 61) {
      const row = baeMatmulRef(a.subarray(i), b, {
        m: 1,
        n,
        k,
        lda: m,
        ldb: n,
        ldc: n,
        layout: "tn",
      });
      assertClose(
        out.subarray(i * n, (i + 1) * n),
        row,
        { atol: 1e-5, rtol: 1e-5 },
        `row ${i} seed=${seed}`,
      );
    }
  },
});

Deno.test({
  name: "baeMatmul() rejects operands that do not contract and bad strides",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const t = gpu.empty([64 * 64]);
    const run = gpu.run("bae_matmul_bad");
    assertThrows(
      () => baeMatmul(run, { a: gpuMatrix(t, 4, 8), b: gpuMatrix(t, 4, 6), c: gpuMatrix(t, 4, 4) }),
      RangeError,
      "do not contract",
    );
    assertThrows(() => gpuMatrix(t, 2, 8, { ld: 8 }), RangeError, "multiple of 64");
    assertThrows(() => gpuMatrix(t, 65, 8), RangeError, "needs 4160");
    t.release();
  },
});
