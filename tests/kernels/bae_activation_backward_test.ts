import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeActivationBackward } from "../../src/kernels/bae_activation_backward.ts";
import { baeActivationBackwardRef } from "../../src/reference/bae_activation_backward.ts";
import {
  dense,
  finiteDifferences,
  poisonedMatrix,
  randomMatrix,
  releaseAll,
  uploadMatrix,
} from "./_bae_util.ts";

Deno.test("baeActivationBackwardRef() agrees with finite differences of relu and tanh", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const x = Float64Array.from(rng.floats(50, -2, 2)).filter((v) => Math.abs(v) > 1e-3);
  const g = Float64Array.from(rng.floats(x.length));
  for (const [kind, f] of [["relu", (v: number) => Math.max(v, 0)], ["tanh", Math.tanh]] as const) {
    const y = x.map(f);
    const loss = (v: Float64Array) => v.reduce((s, xi, i) => s + g[i] * f(xi), 0);
    const fd = finiteDifferences(loss, x, [...x.keys()]);
    assertClose(
      baeActivationBackwardRef(y, g, kind),
      fd,
      { atol: 1e-7, rtol: 1e-6 },
      `${kind} seed=${seed}`,
    );
  }
});

Deno.test({
  name: "baeActivationBackward() matches its reference for relu, tanh and ste",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 256 vec4s: 1020, 1024, 1028 columns give WG−1, WG, WG+1 invocations.
    const cases: Array<[number, number, number]> = [
      [1, 4, 256],
      [1, 1020, 256],
      [1, 1024, 256],
      [1, 1028, 256],
      [9, 512, 256],
      [65537, 4, 1],
    ];
    for (const kind of ["relu", "tanh", "ste"] as const) {
      for (const [rows, cols, wg] of cases) {
        const yr = randomMatrix(rng, rows, cols);
        if (kind === "relu") yr.data.forEach((v, i) => (yr.data[i] = Math.max(v, 0)));
        const g = randomMatrix(rng, rows, cols, [-3, 3]);
        const ty = uploadMatrix(gpu, yr);
        const tg = uploadMatrix(gpu, g);
        const gx = poisonedMatrix(gpu, rows, cols);
        const run = gpu.run("bae_act_test");
        baeActivationBackward(run, { y: ty, g: tg, gx }, { kind, wg });
        run.read(gx.tensor);
        const [out] = await run.submit();
        const want = baeActivationBackwardRef(
          dense(yr.data, rows, cols, yr.ld),
          dense(g.data, rows, cols, g.ld),
          kind,
        );
        assertClose(
          dense(out, rows, cols, yr.ld),
          want,
          { atol: 1e-6, rtol: 1e-6 },
          `${kind} ${rows}x${cols} seed=${seed}`,
        );
        releaseAll(ty, tg, gx);
      }
    }
  },
});
