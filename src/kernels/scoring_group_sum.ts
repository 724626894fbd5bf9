/**
 * Binding of kernels/scoring_group_sum.wgsl: adds listed rows of a count
 * matrix into destination rows (speaker referentials, summed trial sides).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/scoring_group_sum.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  LOOP_BUDGET,
  readBinding,
  readWriteBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";

/** Kernel spec of scoring_group_sum. */
export const SCORING_GROUP_SUM = defineKernel({
  name: "scoring_group_sum",
  source,
  bindings: {
    src: readBinding("f32"),
    members: readBinding("u32"),
    groups: readBinding("u32"),
    dst: readWriteBinding("f32"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ n_groups: d.u32, row_len: d.u32 }),
  overrides: { WG: 256 },
});

/** Most members one group entry may list (llvmpipe's per-invocation loop budget). */
export const GROUP_SUM_MAX_MEMBERS = LOOP_BUDGET;

/** Arguments of scoringGroupSum. */
export interface ScoringGroupSumArgs {
  /** Rows to add, `[n_rows, rowLen]`. */
  src: GpuTensor;
  /** Row indices into `src`, listed group by group. */
  members: GpuTensor;
  /** `[nGroups, 3]`: destination row, first member, end member. */
  groups: GpuTensor;
  /** Destination `[n_dst, rowLen]`, added to (clear it first). */
  dst: GpuTensor;
  nGroups: number;
  rowLen: number;
  /** Workgroup size variant (default 256). */
  wg?: number;
}

/**
 * Records `dst[g] += sum of src rows listed for g`. Each destination row
 * may appear at most once per call, with at most GROUP_SUM_MAX_MEMBERS members.
 */
export function scoringGroupSum(run: GpuRun, args: ScoringGroupSumArgs): void {
  const wg = args.wg ?? 256;
  const n = args.nGroups * args.rowLen;
  if (n === 0) return;
  run.dispatch(SCORING_GROUP_SUM, {
    bindings: { src: args.src, members: args.members, groups: args.groups, dst: args.dst },
    uniforms: { n_groups: args.nGroups, row_len: args.rowLen },
    workgroups: workgroupsFor(n, wg),
    overrides: { WG: wg },
  });
}
