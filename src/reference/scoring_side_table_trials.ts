/**
 * CPU reference of scoring_side_table_trials: per-attribute LLRs of trials
 * that pit one recording against a tabulated side, looked up by the
 * recording's activation bits, in float64.
 * @module
 */

/** Inputs of scoringSideTableTrialsRef besides the activation bits. */
export interface SideTableTrialsRefArgs {
  /** `[nTrials, 2]` (table index, side index of the recording). */
  pairs: ArrayLike<number>;
  /** `[nTables, 2, nAttr, 2]` (hi, lo) pairs; state 0 = attribute active. */
  tables: ArrayLike<number>;
  nAttr: number;
}

/** `[nTrials, nAttr]` per-attribute LLRs (sum each row for the trial score). */
export function scoringSideTableTrialsRef(
  bits: ArrayLike<number>,
  args: SideTableTrialsRefArgs,
): Float64Array {
  const { nAttr, tables } = args;
  const words = Math.ceil(nAttr / 32);
  const nTrials = args.pairs.length / 2;
  const out = new Float64Array(nTrials * nAttr);
  for (let t = 0; t < nTrials; t++) {
    const table = args.pairs[2 * t];
    const side = args.pairs[2 * t + 1];
    for (let a = 0; a < nAttr; a++) {
      const active = (bits[side * words + (a >> 5)] >>> (a & 31)) & 1;
      const at = 2 * ((table * 2 + 1 - active) * nAttr + a);
      out[t * nAttr + a] = tables[at] + tables[at + 1];
    }
  }
  return out;
}
