/**
 * The loss curves of a training run as an SVG: the total and each loss per
 * epoch, training (solid) and validation (dashed), on a log axis when every
 * value is positive.
 * @module
 */
import { lineChart, type LineSeries } from "./svg_chart.ts";

/** Loss values by epoch (1-based), per split and loss label. */
export interface LossHistory {
  /** Epoch numbers of the training values. */
  trainEpochs: number[];
  /** Label → one value per entry of trainEpochs (e.g. "total_loss", "MSE"). */
  train: Record<string, number[]>;
  /** Epoch numbers of the validation values. */
  testEpochs: number[];
  /** Label → one value per entry of testEpochs. */
  test: Record<string, number[]>;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"];

/** An SVG line chart of a run's losses. */
export function lossCurveSvg(history: LossHistory, title = "BAE training losses"): string {
  const labels = [...new Set([...Object.keys(history.train), ...Object.keys(history.test)])];
  const series: LineSeries[] = [];
  labels.forEach((label, i) => {
    const color = COLORS[i % COLORS.length];
    if (history.train[label]?.length) {
      series.push({
        name: `train ${label}`,
        x: history.trainEpochs,
        y: history.train[label],
        color,
      });
    }
    if (history.test[label]?.length) {
      series.push({
        name: `test ${label}`,
        x: history.testEpochs,
        y: history.test[label],
        color,
        dashed: true,
      });
    }
  });
  const values = series.flatMap((s) => Array.from(s.y));
  const positive = values.length > 0 && values.every((v) => v > 0 && Number.isFinite(v));
  return lineChart(title, series, {
    x: { label: "epoch" },
    y: { label: "loss", scale: positive ? "log10" : "linear" },
  });
}
