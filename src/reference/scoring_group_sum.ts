/**
 * CPU reference of scoring_group_sum: listed rows added into destination rows.
 * @module
 */

/** Inputs of scoringGroupSumRef besides the source rows. */
export interface GroupSumRefArgs {
  /** Row indices into `src`, group by group. */
  members: ArrayLike<number>;
  /** `[nGroups, 3]`: destination row, first member, end member. */
  groups: ArrayLike<number>;
  /** Initial destination contents `[nDst, rowLen]` (added to). */
  dst: ArrayLike<number>;
  rowLen: number;
}

/** `dst[g] + sum of the src rows listed for g`, in float64. */
export function scoringGroupSumRef(src: ArrayLike<number>, args: GroupSumRefArgs): Float64Array {
  const out = Float64Array.from(args.dst);
  const { rowLen } = args;
  for (let g = 0; g < args.groups.length / 3; g++) {
    const row = args.groups[3 * g];
    for (let m = args.groups[3 * g + 1]; m < args.groups[3 * g + 2]; m++) {
      const r = args.members[m];
      for (let k = 0; k < rowLen; k++) out[row * rowLen + k] += src[r * rowLen + k];
    }
  }
  return out;
}
