/**
 * CPU reference of scoring_table_trials: table lookups of single-recording
 * trials (test side on the table's first axis, as upstream's einsum).
 * @module
 */

/** Inputs of scoringTableTrialsRef besides the activation bits. */
export interface TableTrialsRefArgs {
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: ArrayLike<number>;
  /** `[2, nAttr, 2]`, index 0 = active. */
  llrs: ArrayLike<number>;
  nAttr: number;
}

/** `[nTrials, nAttr]` per-attribute LLRs (sum each row for the trial score). */
export function scoringTableTrialsRef(
  bits: ArrayLike<number>,
  args: TableTrialsRefArgs,
): Float64Array {
  const { nAttr } = args;
  const words = Math.ceil(nAttr / 32);
  const nTrials = args.pairs.length / 2;
  const out = new Float64Array(nTrials * nAttr);
  for (let t = 0; t < nTrials; t++) {
    for (let a = 0; a < nAttr; a++) {
      const e = (bits[args.pairs[2 * t] * words + (a >> 5)] >>> (a & 31)) & 1;
      const x = (bits[args.pairs[2 * t + 1] * words + (a >> 5)] >>> (a & 31)) & 1;
      out[t * nAttr + a] = args.llrs[(1 - x) * 2 * nAttr + 2 * a + (1 - e)];
    }
  }
  return out;
}
