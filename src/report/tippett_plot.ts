/**
 * Tippett plot: for every LLR value, the proportion of target and of
 * non-target trials whose LLR is at least that value, as SVG.
 * @module
 */
import { lineChart } from "./svg_chart.ts";

/** Options of tippettPlotSvg. */
export interface TippettPlotOptions {
  /** Chart title (default "Tippett plot"). */
  title?: string;
  /** Most points per curve (default 2000; the curves are thinned evenly). */
  maxPoints?: number;
}

/** x = sorted LLRs, y = proportion of LLRs >= x (a decreasing step function). */
export function tippettCurve(llrs: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from(llrs).sort();
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = (x.length - i) / x.length;
  return { x, y };
}

function thinEvenly(
  c: { x: Float64Array; y: Float64Array },
  n: number,
): { x: number[]; y: number[] } {
  if (c.x.length <= n) return { x: Array.from(c.x), y: Array.from(c.y) };
  const x: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = Math.round((k * (c.x.length - 1)) / (n - 1));
    x.push(c.x[i]);
    y.push(c.y[i]);
  }
  return { x, y };
}

/** An SVG Tippett plot of target and non-target LLRs. */
export function tippettPlotSvg(
  targetLlrs: ArrayLike<number>,
  nonTargetLlrs: ArrayLike<number>,
  options: TippettPlotOptions = {},
): string {
  const n = options.maxPoints ?? 2000;
  const tar = thinEvenly(tippettCurve(targetLlrs), n);
  const non = thinEvenly(tippettCurve(nonTargetLlrs), n);
  return lineChart(options.title ?? "Tippett plot", [
    { name: `target (${targetLlrs.length})`, x: tar.x, y: tar.y, step: true, color: "#2ca02c" },
    {
      name: `non-target (${nonTargetLlrs.length})`,
      x: non.x,
      y: non.y,
      step: true,
      color: "#d62728",
    },
  ], {
    x: { label: "LLR (natural log)" },
    y: { label: "Proportion of trials with LLR >= x", min: 0, max: 1 },
  });
}
