/**
 * Bar chart of one trial's explanation: the attributes that speak most for
 * (green, right) and against (red, left) "same speaker".
 * @module
 */
import { topContributions } from "../scoring/explanations.ts";
import { barChart } from "./svg_chart.ts";

/** Options of explanationPlotSvg. */
export interface ExplanationPlotOptions {
  /** Attributes per direction (default 10). */
  k?: number;
  /** Chart title (default "Trial explanation (LLR <score>)"). */
  title?: string;
  /** Names attribute a (default "BA a"). */
  attributeName?: (a: number) => string;
}

/** An SVG bar chart of a trial's strongest contributions, for ones first. */
export function explanationPlotSvg(
  contributions: ArrayLike<number>,
  score: number,
  options: ExplanationPlotOptions = {},
): string {
  const top = topContributions(contributions, options.k ?? 10);
  const name = options.attributeName ?? ((a: number) => `BA ${a}`);
  const bars = [
    ...top.for.map((c) => ({ label: name(c.attribute), value: c.llr })),
    ...top.against.map((c) => ({ label: name(c.attribute), value: c.llr })),
  ];
  return barChart(
    options.title ?? `Trial explanation (LLR ${score.toFixed(2)})`,
    bars,
    "LLR contribution",
  );
}
