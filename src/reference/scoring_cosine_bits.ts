/**
 * CPU reference of scoring_cosine_bits: the cosine score of one-hot sides
 * rebuilt as count matrices from their bits, then scoring_cosine_trials' reference.
 * @module
 */
import { scoringCosineTrialsRef } from "./scoring_cosine_trials.ts";

/** Inputs of scoringCosineBitsRef besides the bits. */
export interface CosineBitsRefArgs {
  /** `[nTrials, 2]` (enrolment side, test side). */
  pairs: ArrayLike<number>;
  nAttr: number;
  dim: 1 | 2;
  eps: number;
}

/** Per-trial cosine scores of sides given as activation bits. */
export function scoringCosineBitsRef(
  bits: ArrayLike<number>,
  args: CosineBitsRefArgs,
): Float64Array {
  const words = Math.ceil(args.nAttr / 32);
  const nSides = bits.length / words;
  const sides = new Float64Array(nSides * args.nAttr * 2);
  for (let s = 0; s < nSides; s++) {
    for (let a = 0; a < args.nAttr; a++) {
      const b = (bits[s * words + (a >> 5)] >>> (a & 31)) & 1;
      sides[(s * args.nAttr + a) * 2] = b;
      sides[(s * args.nAttr + a) * 2 + 1] = 1 - b;
    }
  }
  return scoringCosineTrialsRef(sides, { ...args, nCat: 2 });
}
