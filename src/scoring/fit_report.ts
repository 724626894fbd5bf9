/**
 * What a scorer fit did: iterations, final change and the guards that kept
 * the reference's NaN/infinity cases out (SPEC §9 "where the reference breaks").
 * @module
 */
import type { ScorerName } from "./scorer_config.ts";

/** Report of one fit. */
export interface FitReport {
  /** Which scorer was fitted. */
  scorer: ScorerName;
  /** Speakers (rows) of the referential it was fitted on. */
  nSpeakers: number;
  /** Binary attributes per speaker. */
  nAttributes: number;
  /** Iterations run (the most over attributes; tol can stop attributes early). */
  iterations: number;
  /** Largest relative parameter change of the last iteration (null without iterations). */
  finalChange: number | null;
  /** Whether every attribute's change fell below tol (null when no tol was given). */
  converged: boolean | null;
  /** Plain-language notes on the guards that acted. */
  guards: string[];
  /** Beta: geometric mean of the method-of-moments start. */
  geometricMean?: number;
  /** Beta: entries left out of that mean (proportions all 0 or 1). */
  excludedFromGeometricMean?: number;
  /** Beta: attributes with a category kept at alpha = eps. */
  flooredAttributes?: number;
  /** DNA/Speech: attributes below the typicality threshold (LLR 0). */
  thresholdedAttributes?: number;
  /** DNA/Speech: table entries clamped to +-100 (infinite in the reference). */
  clampedEntries?: number;
  /** MaxLLR: attributes whose f, p or q sits on the [1e-6, 1 - 1e-6] bounds. */
  boundedAttributes?: number;
}

/** One line per fact, for logs. */
export function formatFitReport(r: FitReport): string {
  const lines = [
    `${r.scorer} scorer fitted on ${r.nSpeakers} speakers x ${r.nAttributes} attributes`,
  ];
  if (r.iterations > 0 || r.finalChange !== null) {
    lines.push(
      `iterations: ${r.iterations}, final relative change: ${r.finalChange?.toExponential(3)}` +
        (r.converged === null ? "" : r.converged ? " (converged)" : " (not converged)"),
    );
  }
  for (const g of r.guards) lines.push(`guard: ${g}`);
  return lines.join("\n");
}
