import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeL2Normalize } from "../../src/kernels/bae_l2_normalize.ts";
import { baeL2NormalizeRef } from "../../src/reference/bae_l2_normalize.ts";
import { dense, poisonedMatrix, randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeL2Normalize() matches its reference over rows and columns, zero vectors included",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Rows: WG 64 rows per workgroup; columns: WG 64 vec4s (252/256/260 columns).
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
      const x = randomMatrix(rng, rows, cols);
      // A zero vector: F.normalize leaves it 0 (the norm is clamped to 1e-12).
      if (axis === "rows") x.data.fill(0, 0, cols);
      else for (let i = 0; i < rows; i++) x.data[i * x.ld] = 0;
      const tx = uploadMatrix(gpu, x);
      const xhat = poisonedMatrix(gpu, rows, cols);
      const count = axis === "rows" ? rows : cols;
      const norms = gpu.empty([count], "f32", { poison: true });
      const run = gpu.run("bae_norm_test");
      baeL2Normalize(run, { x: tx, xhat, norms }, { axis, wg });
      run.read(xhat.tensor);
      run.read(norms);
      const [gx, gn] = await run.submit();
      const ref = baeL2NormalizeRef(x.data, { rows, cols, ld: x.ld }, axis);
      const what = `${axis} ${rows}x${cols} seed=${seed}`;
      assertClose(dense(gx, rows, cols, x.ld), dense(ref.xhat, rows, cols, x.ld), {
        atol: 1e-6,
        rtol: 1e-5,
      }, what);
      assertClose(gn, ref.norms, { atol: 1e-6, rtol: 1e-5 }, `norms ${what}`);
      releaseAll(tx, xhat, norms);
    }
  },
});
