/**
 * CPU reference of scoring_llr_fit: typicality, drop-out and the log-LR
 * table of the DNA / Speech models, float64, with the kernel's clamping.
 * @module
 */

/** Largest |log LR| kept in a table (the reference's +-inf become +-100). */
export const LLR_CLAMP_REF = 100;

/** Inputs of scoringLlrFitRef besides the referential. */
export interface LlrFitRefArgs {
  nAttr: number;
  nSpeakers: number;
  model: "dna" | "speech";
  dropIn: number;
  threshold: number;
}

/** Fitted buffers with upstream's names and layout (llrs index 0 = active). */
export interface LlrFitRef {
  typicality: Float64Array;
  dropout: Float64Array;
  llrs: Float64Array;
}

/** ln(num/den): +-100 for x/0 and 0/x, 0 for 0/0, clamped to +-100. */
export function lnRatioRef(num: number, den: number): number {
  if (num > 0 && den > 0) {
    return Math.min(LLR_CLAMP_REF, Math.max(-LLR_CLAMP_REF, Math.log(num) - Math.log(den)));
  }
  if (num > 0 && den === 0) return LLR_CLAMP_REF;
  if (num === 0 && den > 0) return -LLR_CLAMP_REF;
  return 0;
}

/** The three log-LRs (both inactive, both active, mixed) of one attribute. */
export function llrTripleRef(
  model: "dna" | "speech",
  t: number,
  dout: number,
  din: number,
): { l00: number; l11: number; lmix: number } {
  if (model === "dna") {
    const g = din * t + 1 - din;
    return {
      l00: lnRatioRef(1, t * (1 - din + dout)),
      l11: lnRatioRef(1, t * (t * din + 1 - dout)),
      lmix: lnRatioRef(din * t + dout * g, 2 * t * g),
    };
  }
  const ndin = 1 - din;
  const ndout = 1 - dout;
  const dt = din * t;
  return {
    l00: lnRatioRef(1 + dout * dout, t * (2 * dout * ndin + ndin * ndin + dout * dout)),
    l11: lnRatioRef(1 + dt * dt, t * (2 * dt * ndout + dt * dt + ndout * ndout)),
    lmix: lnRatioRef(ndin * dt + dout * ndout, t * (1 + dt * dout + ndin * dt + dout * ndout)),
  };
}

/** Fits typicality, drop-out and the log-LR table. */
export function scoringLlrFitRef(counts: ArrayLike<number>, args: LlrFitRefArgs): LlrFitRef {
  const { nAttr, nSpeakers: S } = args;
  const typicality = new Float64Array(nAttr);
  const dropout = new Float64Array(nAttr);
  const llrs = new Float64Array(4 * nAttr);
  for (let a = 0; a < nAttr; a++) {
    let k = 0;
    let drop = 0;
    for (let l = 0; l < S; l++) {
      const act = counts[(l * nAttr + a) * 2];
      const non = counts[(l * nAttr + a) * 2 + 1];
      if (act > 0) {
        k++;
        drop += non / (act + non);
      }
    }
    const t = k < 2 ? 0 : (k * (k - 1)) / (S * (S - 1));
    const dout = k > 0 ? drop / k : 1;
    typicality[a] = t;
    dropout[a] = dout;
    const { l00, l11, lmix } = t < args.threshold
      ? { l00: 0, l11: 0, lmix: 0 }
      : llrTripleRef(args.model, t, dout, args.dropIn);
    llrs[2 * a] = l11;
    llrs[2 * a + 1] = lmix;
    llrs[2 * nAttr + 2 * a] = lmix;
    llrs[2 * nAttr + 2 * a + 1] = l00;
  }
  return { typicality, dropout, llrs };
}
