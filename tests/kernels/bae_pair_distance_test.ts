import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baePairDistance } from "../../src/kernels/bae_pair_distance.ts";
import { baeMatmul } from "../../src/kernels/bae_matmul.ts";
import { baeL2NormalizeRef } from "../../src/reference/bae_l2_normalize.ts";
import { baePairDistanceRef, rowDistancesRef } from "../../src/reference/bae_pair_distance.ts";
import {
  dense,
  makeMatrix,
  poisonedMatrix,
  randomMatrix,
  releaseAll,
  uploadMatrix,
} from "./_bae_util.ts";

Deno.test("baePairDistanceRef() equals direct Euclidean distances of normalised rows", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const x = randomMatrix(rng, 7, 12);
  const { xhat } = baeL2NormalizeRef(x.data, { rows: 7, cols: 12, ld: x.ld });
  const gram = new Float64Array(7 * x.ld);
  for (let i = 0; i < 7; i++) {
    for (let j = 0; j < 7; j++) {
      let s = 0;
      for (let k = 0; k < 12; k++) s += xhat[i * x.ld + k] * xhat[j * x.ld + k];
      gram[i * x.ld + j] = s;
    }
  }
  assertClose(
    dense(baePairDistanceRef(gram, 7, x.ld), 7, 7, x.ld),
    rowDistancesRef(xhat, 7, 12, x.ld),
    { atol: 1e-7 },
    `seed=${seed}`,
  );
});

Deno.test({
  name: "baePairDistance() matches its reference, symmetric with a zero diagonal",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 256 vec4s: n = 31 gives 31 x 8 = 248 invocations, n = 32 gives 256, n = 33 gives 297;
    // WG 1 with n = 512 gives 65536 + past one dispatch dimension at n = 513.
    const cases: Array<[number, number]> = [[1, 256], [31, 256], [32, 256], [33, 256], [513, 1]];
    for (const [n, wg] of cases) {
      const x = randomMatrix(rng, n, 16);
      const { xhat } = baeL2NormalizeRef(x.data, { rows: n, cols: 16, ld: x.ld });
      const xh = makeMatrix(n, 16, (i, j) => xhat[i * x.ld + j]);
      const tx = uploadMatrix(gpu, xh);
      const gram = poisonedMatrix(gpu, n, n);
      const d = poisonedMatrix(gpu, n, n);
      const run = gpu.run("bae_pair_distance_test");
      baeMatmul(run, { a: tx, b: tx, c: gram }, { layout: "nt" });
      baePairDistance(run, gram, d, { wg });
      run.read(gram.tensor);
      run.read(d.tensor);
      const [gg, gd] = await run.submit();
      const want = baePairDistanceRef(gg, n, gram.ld);
      const got = dense(gd, n, n, d.ld);
      assertClose(got, dense(want, n, n, d.ld), { atol: 1e-6, rtol: 1e-6 }, `n=${n} seed=${seed}`);
      for (let i = 0; i < n; i++) {
        assert(got[i * n + i] === 0, `diagonal ${i} is ${got[i * n + i]}`);
        for (let j = 0; j < i; j++) {
          assert(got[i * n + j] === got[j * n + i], `asymmetric at ${i},${j}`);
        }
      }
      releaseAll(tx, gram, d);
    }
  },
});
