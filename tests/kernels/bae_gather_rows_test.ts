import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeGatherRows } from "../../src/kernels/bae_gather_rows.ts";
import { baeGatherRowsRef } from "../../src/reference/bae_gather_rows.ts";
import { dense, randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeGatherRows() gathers a batch across dataset chunks",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 256 vec4s: 255, 256, 257 rows of 4 columns; WG 1 with 65537 rows folds into y.
    const cases: Array<[number, number, number]> = [[1, 4, 256], [255, 4, 256], [256, 4, 256], [
      257,
      8,
      256,
    ], [65537, 4, 1]];
    for (const [rows, cols, wg] of cases) {
      const total = 300;
      const chunks = [randomMatrix(rng, 120, cols), randomMatrix(rng, total - 120, cols)];
      const idx = Uint32Array.from({ length: rows }, () => rng.int(0, total));
      const start = randomMatrix(rng, rows, cols);
      const tc = chunks.map((c) => uploadMatrix(gpu, c));
      const ti = gpu.upload(idx);
      const out = uploadMatrix(gpu, start);
      const run = gpu.run("bae_gather_test");
      baeGatherRows(run, { src: tc[0], idx: ti, out }, { base: 0, wg });
      baeGatherRows(run, { src: tc[1], idx: ti, out }, { base: 120, wg });
      run.read(out.tensor);
      const [got] = await run.submit();
      let want: ArrayLike<number> = start.data;
      want = baeGatherRowsRef(chunks[0].data, idx, want, {
        cols,
        ld: start.ld,
        base: 0,
        count: 120,
      });
      want = baeGatherRowsRef(chunks[1].data, idx, want, {
        cols,
        ld: start.ld,
        base: 120,
        count: 180,
      });
      assertClose(
        dense(got, rows, cols, start.ld),
        dense(want, rows, cols, start.ld),
        {},
        `rows=${rows} seed=${seed}`,
      );
      releaseAll(...tc, ti, out);
    }
  },
});
