/**
 * DET curve (miss vs false-alarm probability on normal-deviate axes) of
 * scored trials, as SVG.
 * @module
 */
import { detCurve, equalErrorRate } from "../scoring/metrics.ts";
import { lineChart, type LineSeries, probit } from "./svg_chart.ts";

/** Options of detPlotSvg. */
export interface DetPlotOptions {
  /** Chart title (default "DET curve"). */
  title?: string;
  /** Legend name of the curve (default "DET"). */
  label?: string;
  /** Lower end of both axes, a probability (default 0.001). */
  min?: number;
  /** Upper end of both axes, a probability (default 0.5). */
  max?: number;
}

/** Drops points closer than `step` (in probit units) to the last kept one. */
function thin(x: Float64Array, y: Float64Array, step: number): { x: number[]; y: number[] } {
  const ox: number[] = [];
  const oy: number[] = [];
  let lx = NaN;
  let ly = NaN;
  for (let i = 0; i < x.length; i++) {
    const px = probit(x[i]);
    const py = probit(y[i]);
    const last = i === x.length - 1;
    if (
      last || ox.length === 0 || Math.abs(px - lx) + Math.abs(py - ly) >= step || !isFinite(px - lx)
    ) {
      ox.push(x[i]);
      oy.push(y[i]);
      lx = px;
      ly = py;
    }
  }
  return { x: ox, y: oy };
}

/** An SVG DET plot with the EER point marked. */
export function detPlotSvg(
  targetScores: ArrayLike<number>,
  nonTargetScores: ArrayLike<number>,
  options: DetPlotOptions = {},
): string {
  const d = detCurve(targetScores, nonTargetScores);
  const eer = equalErrorRate(targetScores, nonTargetScores);
  const curve = thin(d.pFa, d.pMiss, 0.01);
  const min = options.min ?? 0.001;
  const max = options.max ?? 0.5;
  const series: LineSeries[] = [
    { name: options.label ?? "DET", x: curve.x, y: curve.y },
    { name: `EER ${(eer.eer * 100).toFixed(2)}%`, x: [min, max], y: [min, max], dashed: true },
  ];
  return lineChart(options.title ?? "DET curve", series, {
    x: { label: "False alarm probability", scale: "probit", min, max },
    y: { label: "Miss probability", scale: "probit", min, max },
    legend: "bottom-left",
  });
}
