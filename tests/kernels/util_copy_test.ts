import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { utilCopy } from "../../src/kernels/util_copy.ts";
import { utilCopyRef } from "../../src/reference/util_copy.ts";

Deno.test({
  name: "utilCopy() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // WG 64 copies 256 values per workgroup, so 65535·256 + 5 values fold into y;
    // 40M values exceed llvmpipe's 128 MiB binding limit and are chunked.
    const cases: Array<[number, number]> = [[1, 256], [3, 256], [5, 256], [1023, 256], [1024, 256]];
    cases.push([1025, 256], [65535 * 256 + 5, 64], [40_000_003, 256]);
    for (const [n, wg] of cases) {
      const src = rng.floats(n);
      const dst = gpu.empty([n], "f32", { poison: true });
      const s = gpu.upload(src);
      const run = gpu.run("util_copy_test");
      utilCopy(run, s, dst, { wg });
      run.read(dst);
      const [out] = await run.submit();
      assertClose(
        out,
        utilCopyRef(src, new Float32Array(n).fill(NaN), n),
        {},
        `n=${n} seed=${seed}`,
      );
      s.release();
      dst.release();
    }
  },
});
