/**
 * Tiny benchmark harness: median of repeated timings and a printed table.
 * Benches print ratios next to a peer run in the same process.
 * @module
 */

/** Timing summary in seconds. */
export interface Timing {
  median: number;
  min: number;
  runs: number;
}

/** Runs `fn` until `minSeconds` have passed (at least `minRuns`), after warm-up. */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  options: { warmup?: number; minRuns?: number; minSeconds?: number; maxRuns?: number } = {},
): Promise<Timing> {
  const { warmup = 1, minRuns = 3, minSeconds = 1, maxRuns = 1000 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < maxRuns &&
    (times.length < minRuns || (performance.now() - start) / 1000 < minSeconds)
  ) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], runs: times.length };
}

/** Prints rows as an aligned markdown table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) =>
    `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(cells[0]));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** 3 significant digits. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** True when /usr/bin/python3 can import all the given modules. */
export async function pythonHas(...modules: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", modules.map((m) => `import ${m}`).join(";")],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}
