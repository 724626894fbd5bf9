import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeL2NormalizeBackward } from "../../src/kernels/bae_l2_normalize_backward.ts";
import { baeL2NormalizeRef } from "../../src/reference/bae_l2_normalize.ts";
import { baeL2NormalizeBackwardRef } from "../../src/reference/bae_l2_normalize_backward.ts";
import {
  dense,
  finiteDifferences,
  randomMatrix,
  releaseAll,
  sampleIndices,
  uploadMatrix,
} from "./_bae_util.ts";

Deno.test("baeL2NormalizeBackwardRef() agrees with finite differences for rows and columns", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (const axis of ["rows", "cols"] as const) {
    const [rows, cols] = [6, 8];
    const x = randomMatrix(rng, rows, cols);
    const p = randomMatrix(rng, rows, cols);
    const coef = Float64Array.from(rng.floats(axis === "rows" ? rows : cols));
    const shape = { rows, cols, ld: x.ld };
    const { xhat, norms } = baeL2NormalizeRef(x.data, shape, axis);
    // L = Σ_v (c_v/2 ‖x̂_v‖² + s p_v·x̂_v): ∂L/∂x̂_v = c_v x̂_v + s p_v.
    const s = -0.6;
    const loss = (v: Float64Array) => {
      const h = baeL2NormalizeRef(v, shape, axis).xhat;
      let total = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const k = i * x.ld + j;
          const c = coef[axis === "rows" ? i : j];
          total += (c / 2) * h[k] * h[k] + s * p.data[k] * h[k];
        }
      }
      return total;
    };
    const g = baeL2NormalizeBackwardRef(xhat, norms, p.data, shape, { coef, s, axis, scale: 1 });
    const idx = sampleIndices(rng, rows, cols, x.ld, 20);
    assertClose(idx.map((k) => g[k]), finiteDifferences(loss, x.data, idx), {
      atol: 1e-7,
      rtol: 1e-5,
    }, `${axis} seed=${seed}`);
  }
});

Deno.test({
  name: "baeL2NormalizeBackward() matches its reference with and without coefficients",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<["rows" | "cols", number, number, number]> = [
      ["rows", 1, 4, 64],
      ["rows", 63, 8, 64],
      ["rows", 64, 512, 64],
      ["rows", 65, 4, 64],
      ["rows", 65537, 4, 1],
      ["cols", 3, 4, 64],
      ["cols", 5, 252, 64],
      ["cols", 512, 256, 64],
      ["cols", 2, 260, 64],
      ["cols", 2, 4 * 65537, 1],
    ];
    for (const [axis, rows, cols, wg] of cases) {
      for (const withCoef of [false, true]) {
        const x = randomMatrix(rng, rows, cols);
        if (axis === "rows") x.data.fill(0, 0, cols);
        const shape = { rows, cols, ld: x.ld };
        const ref0 = baeL2NormalizeRef(x.data, shape, axis);
        const xhatHost = { ...x, data: Float32Array.from(ref0.xhat) };
        const p = randomMatrix(rng, rows, cols);
        const prev = randomMatrix(rng, rows, cols);
        const count = axis === "rows" ? rows : cols;
        const coef = rng.floats(count);
        const txh = uploadMatrix(gpu, xhatHost);
        const tn = gpu.upload(Float32Array.from(ref0.norms));
        const tp = uploadMatrix(gpu, p);
        const tc = gpu.upload(coef);
        const out = uploadMatrix(gpu, prev);
        const run = gpu.run("bae_norm_back_test");
        baeL2NormalizeBackward(run, {
          xhat: txh,
          norms: tn,
          p: tp,
          coef: withCoef ? tc : undefined,
          out,
        }, { axis, s: -1.25, scale: 0.5, accumulate: true, wg });
        run.read(out.tensor);
        const [got] = await run.submit();
        const g = baeL2NormalizeBackwardRef(xhatHost.data, ref0.norms, p.data, shape, {
          axis,
          s: -1.25,
          scale: 0.5,
          coef: withCoef ? coef : undefined,
        });
        const want = dense(g, rows, cols, x.ld).map((v, k) =>
          v + prev.data[Math.floor(k / cols) * x.ld + (k % cols)]
        );
        // Zero rows are scaled by 1e12 (F.normalize's clamp), so the tolerance is relative.
        assertClose(
          dense(got, rows, cols, x.ld),
          want,
          { atol: 1e-5, rtol: 1e-4 },
          `${axis} coef=${withCoef} ${rows}x${cols} seed=${seed}`,
        );
        releaseAll(txh, tn, tp, tc, out);
      }
    }
  },
});
