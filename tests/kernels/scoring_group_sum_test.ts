import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { scoringGroupSum } from "../../src/kernels/scoring_group_sum.ts";
import { scoringGroupSumRef } from "../../src/reference/scoring_group_sum.ts";

Deno.test({
  name: "scoringGroupSum() matches its reference at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // [groups, rowLen, wg]: 1, WG-1, WG, WG+1 threads, then 65536 workgroups of 1 thread.
    const cases: Array<[number, number, number]> = [
      [1, 1, 256],
      [255, 1, 256],
      [64, 4, 256],
      [257, 1, 256],
      [7, 1024, 256],
      [32, 2048, 1],
    ];
    for (const [nGroups, rowLen, wg] of cases) {
      const nRows = 3 + rng.int(0, 40);
      const src = new Float32Array(nRows * rowLen).map(() => rng.int(0, 3));
      const members: number[] = [];
      const groups: number[] = [];
      const nDst = nGroups + 2;
      const dstRows = Array.from({ length: nDst }, (_, i) => i).sort(() => rng.next() - 0.5);
      for (let g = 0; g < nGroups; g++) {
        const first = members.length;
        const k = rng.int(0, 6);
        for (let m = 0; m < k; m++) members.push(rng.int(0, nRows));
        groups.push(dstRows[g], first, members.length);
      }
      const dst0 = new Float32Array(nDst * rowLen).map(() => rng.int(0, 5));
      const t = {
        src: gpu.upload(src),
        members: gpu.upload(new Uint32Array(members.length ? members : [0])),
        groups: gpu.upload(new Uint32Array(groups)),
        dst: gpu.upload(dst0),
      };
      const run = gpu.run("scoring_group_sum_test");
      scoringGroupSum(run, { ...t, nGroups, rowLen, wg });
      run.read(t.dst);
      const [out] = await run.submit();
      const ref = scoringGroupSumRef(src, { members, groups, dst: dst0, rowLen });
      assertClose(out, ref, {}, `groups=${nGroups} rowLen=${rowLen} seed=${seed}`);
      for (const x of Object.values(t)) x.release();
    }
  },
});
