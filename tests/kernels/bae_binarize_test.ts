import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { baeBinarize } from "../../src/kernels/bae_binarize.ts";
import { baeBinarizeRef } from "../../src/reference/bae_binarize.ts";
import { dense, poisonedMatrix, randomMatrix, releaseAll, uploadMatrix } from "./_bae_util.ts";

Deno.test({
  name: "baeBinarize() matches its reference as bits and as BA vectors",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const cases: Array<[number, number, number]> = [
      [1, 4, 256],
      [1, 1020, 256],
      [1, 1024, 256],
      [1, 1028, 256],
      [5, 512, 256],
      [65537, 4, 1],
    ];
    for (const [rows, cols, wg] of cases) {
      const z = randomMatrix(rng, rows, cols);
      // Exact zeros must give 0 (z > 0 is strict).
      z.data[0] = 0;
      const tz = uploadMatrix(gpu, z);
      const bits = poisonedMatrix(gpu, rows, cols);
      const ba = gpu.empty([rows * cols * 2], "f32", { poison: true });
      const run = gpu.run("bae_binarize_test");
      baeBinarize(run, tz, bits, { wg });
      baeBinarize(run, tz, ba, { ba: true, wg });
      run.read(bits.tensor);
      run.read(ba);
      const [gb, gba] = await run.submit();
      const shape = { rows, cols, ld: z.ld };
      const what = `${rows}x${cols} seed=${seed}`;
      assertClose(dense(gb, rows, cols, z.ld), baeBinarizeRef(z.data, shape), {}, `bits ${what}`);
      assertClose(gba, baeBinarizeRef(z.data, shape, true), {}, `BA ${what}`);
      releaseAll(tz, bits, ba);
    }
  },
});
