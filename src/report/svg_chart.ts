/**
 * Minimal, dependency-free SVG charts: line series and bars on linear,
 * log10 or probit (normal-deviate) axes. Used for loss curves, DET curves,
 * Tippett plots and per-trial explanation bars.
 * @module
 */

/** How data values map to an axis. */
export type AxisScale = "linear" | "log10" | "probit";

/** One axis. */
export interface Axis {
  label: string;
  scale?: AxisScale;
  /** Data-space limits; default: from the data. */
  min?: number;
  max?: number;
  /** Tick values in data space; default: 6 even ticks. */
  ticks?: number[];
  /** Formats a tick label. */
  format?: (v: number) => string;
}

/** A polyline series. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  /** Draw as a step function (Tippett, ECDF). */
  step?: boolean;
}

/** A horizontal bar (explanations). */
export interface Bar {
  label: string;
  value: number;
  color?: string;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];
const W = 640;
const H = 420;
const M = { left: 70, right: 20, top: 40, bottom: 55 };

/** Escapes text for SVG. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, ~1e-9). */
export function probit(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.6968302866538,
    220.946098424521,
    -275.928510446969,
    138.357751867269,
    -30.6647980661472,
    2.50662827745924,
  ];
  const b = [
    -54.4760987982241,
    161.585836858041,
    -155.698979859887,
    66.8013118877197,
    -13.2806815528857,
  ];
  const c = [
    -0.00778489400243029,
    -0.322396458041136,
    -2.40075827716184,
    -2.54973253934373,
    4.37466414146497,
    2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function transform(scale: AxisScale, v: number): number {
  if (scale === "log10") return Math.log10(v);
  if (scale === "probit") return probit(v);
  return v;
}

function defaultTicks(min: number, max: number, scale: AxisScale): number[] {
  if (scale === "probit") {
    return [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4].filter((t) =>
      t >= min && t <= max
    );
  }
  if (scale === "log10") {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      out.push(10 ** e);
    }
    return out.filter((t) => t >= min && t <= max);
  }
  const step = niceStep((max - min) / 5);
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
    out.push(Number(t.toPrecision(12)));
  }
  return out;
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const e = 10 ** Math.floor(Math.log10(raw));
  const f = raw / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

function extent(values: number[], axis: Axis): [number, number] {
  const finite = values.filter((v) => Number.isFinite(transform(axis.scale ?? "linear", v)));
  let lo = axis.min ?? Math.min(...finite);
  let hi = axis.max ?? Math.max(...finite);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  return [lo, hi];
}

/** A line chart as an SVG document. */
export function lineChart(
  title: string,
  series: LineSeries[],
  axes: { x: Axis; y: Axis; legend?: "top-right" | "bottom-left" },
): string {
  const xs = series.flatMap((s) => Array.from(s.x));
  const ys = series.flatMap((s) => Array.from(s.y));
  const [x0, x1] = extent(xs, axes.x);
  const [y0, y1] = extent(ys, axes.y);
  const sx = axes.x.scale ?? "linear";
  const sy = axes.y.scale ?? "linear";
  const tx0 = transform(sx, x0), tx1 = transform(sx, x1);
  const ty0 = transform(sy, y0), ty1 = transform(sy, y1);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (v: number) =>
    M.left + ((clampT(transform(sx, v), tx0, tx1) - tx0) / (tx1 - tx0)) * pw;
  const py = (v: number) =>
    M.top + ph - ((clampT(transform(sy, v), ty0, ty1) - ty0) / (ty1 - ty0)) * ph;
  const parts: string[] = [svgOpen(title)];
  // Legend box sized by its longest entry (about 6.8 px per character at 12 px).
  const legendWidth = 30 + 6.8 * Math.max(0, ...series.map((s) => s.name.length));
  const legendX = axes.legend === "bottom-left" ? M.left + 10 : W - M.right - legendWidth;
  const legendY = axes.legend === "bottom-left" ? M.top + ph - 10 - 18 * series.length : M.top;
  parts.push(...axisMarks(axes.x, defaultTicksOr(axes.x, x0, x1), px, "x", ph));
  parts.push(...axisMarks(axes.y, defaultTicksOr(axes.y, y0, y1), py, "y", pw));
  const legend = [
    `<rect x="${(legendX - 4).toFixed(1)}" y="${legendY + 2}" width="${legendWidth.toFixed(1)}" ` +
    `height="${18 * series.length + 4}" fill="white" fill-opacity="0.85"/>`,
  ];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts: string[] = [];
    for (let k = 0; k < s.x.length; k++) {
      const X = px(s.x[k]);
      const Y = py(s.y[k]);
      if (!Number.isFinite(X) || !Number.isFinite(Y)) continue;
      if (s.step && pts.length) pts.push(`${X.toFixed(2)},${pts.at(-1)!.split(",")[1]}`);
      pts.push(`${X.toFixed(2)},${Y.toFixed(2)}`);
    }
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.8"${
        s.dashed ? ' stroke-dasharray="6 4"' : ""
      } points="${pts.join(" ")}"><title>${escapeXml(s.name)}</title></polyline>`,
    );
    legend.push(
      `<rect x="${legendX.toFixed(1)}" y="${legendY + 8 + 18 * i}" width="12" height="3" ` +
        `fill="${color}"/><text x="${(legendX + 18).toFixed(1)}" y="${
          legendY + 13 + 18 * i
        }" font-size="12">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push(...legend, "</svg>\n");
  return parts.join("\n");
}

/** A horizontal bar chart centred on zero (positive right, negative left). */
export function barChart(title: string, bars: Bar[], valueLabel: string): string {
  const rowH = 18;
  const height = M.top + M.bottom + rowH * Math.max(1, bars.length);
  const maxAbs = Math.max(1e-12, ...bars.map((b) => Math.abs(b.value)));
  const left = 170;
  const pw = W - left - M.right;
  const zero = left + pw / 2;
  const parts = [svgOpen(title, height)];
  bars.forEach((b, i) => {
    const w = (Math.abs(b.value) / maxAbs) * (pw / 2);
    const x = b.value >= 0 ? zero : zero - w;
    const y = M.top + i * rowH;
    const color = b.color ?? (b.value >= 0 ? "#2ca02c" : "#d62728");
    parts.push(
      `<text x="${left - 6}" y="${y + 12}" font-size="11" text-anchor="end">${
        escapeXml(b.label)
      }</text>`,
      `<rect x="${x.toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="${
        rowH - 4
      }" fill="${color}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`,
    );
  });
  parts.push(
    `<line x1="${zero}" y1="${M.top - 4}" x2="${zero}" y2="${
      height - M.bottom + 4
    }" stroke="#333"/>`,
    `<text x="${zero}" y="${height - M.bottom + 34}" font-size="12" text-anchor="middle">${
      escapeXml(valueLabel)
    }</text>`,
  );
  // Value scale: −max, 0 and +max under the bars.
  const axisY = height - M.bottom + 4;
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + pw}" y2="${axisY}" stroke="#333"/>`);
  for (const [x, v] of [[left, -maxAbs], [zero, 0], [left + pw, maxAbs]]) {
    parts.push(
      `<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 4}" stroke="#333"/>` +
        `<text x="${x}" y="${axisY + 16}" font-size="11" text-anchor="middle">${+v.toPrecision(
          3,
        )}</text>`,
    );
  }
  parts.push("</svg>\n");
  return parts.join("\n");
}

function defaultTicksOr(axis: Axis, lo: number, hi: number): number[] {
  return axis.ticks ?? defaultTicks(lo, hi, axis.scale ?? "linear");
}

function clampT(v: number, a: number, b: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b);
  return Math.min(hi, Math.max(lo, v));
}

function svgOpen(title: string, height = H): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="${W / 2}" y="24" font-size="15" text-anchor="middle">${escapeXml(title)}</text>`;
}

function axisMarks(
  axis: Axis,
  ticks: number[],
  pos: (v: number) => number,
  which: "x" | "y",
  span: number,
): string[] {
  const fmt = axis.format ??
    ((
      v: number,
    ) => (axis.scale === "probit" ? `${+(v * 100).toPrecision(3)}%` : `${+v.toPrecision(4)}`));
  const out: string[] = [];
  const x0 = M.left, y0 = H - M.bottom;
  if (which === "x") {
    out.push(`<line x1="${x0}" y1="${y0}" x2="${x0 + span + 0}" y2="${y0}" stroke="#333"/>`);
  } else {
    out.push(`<line x1="${x0}" y1="${M.top}" x2="${x0}" y2="${y0}" stroke="#333"/>`);
  }
  for (const t of ticks) {
    const p = pos(t);
    if (!Number.isFinite(p)) continue;
    if (which === "x") {
      out.push(
        `<line x1="${p.toFixed(2)}" y1="${M.top}" x2="${p.toFixed(2)}" y2="${y0}" stroke="#eee"/>`,
        `<text x="${p.toFixed(2)}" y="${y0 + 16}" font-size="11" text-anchor="middle">${
          escapeXml(fmt(t))
        }</text>`,
      );
    } else {
      out.push(
        `<line x1="${x0}" y1="${p.toFixed(2)}" x2="${W - M.right}" y2="${
          p.toFixed(2)
        }" stroke="#eee"/>`,
        `<text x="${x0 - 6}" y="${(p + 4).toFixed(2)}" font-size="11" text-anchor="end">${
          escapeXml(fmt(t))
        }</text>`,
      );
    }
  }
  if (which === "x") {
    out.push(
      `<text x="${M.left + (W - M.left - M.right) / 2}" y="${
        H - 14
      }" font-size="13" text-anchor="middle">${escapeXml(axis.label)}</text>`,
    );
  } else {
    out.push(
      `<text transform="translate(18 ${
        M.top + (H - M.top - M.bottom) / 2
      }) rotate(-90)" font-size="13" text-anchor="middle">${escapeXml(axis.label)}</text>`,
    );
  }
  return out;
}
