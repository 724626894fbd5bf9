/**
 * A one-line progress bar for long batches (extract, binarize, train):
 * count, rate, ETA and free-form fields (losses, realtime factor, memory).
 * Redraws in place on a TTY, prints occasional plain lines otherwise.
 * @module
 */

/** Options of a progress bar. */
export interface ProgressOptions {
  /** Label at the left, e.g. "extract". */
  label: string;
  /** Total units (files, batches); 0 when unknown. */
  total: number;
  /** Unit name for the rate, e.g. "files". */
  unit?: string;
  /** Where to write; default stderr. Tests pass a sink. */
  write?: (text: string) => void;
  /** Force TTY or plain mode (default: detect stderr). */
  tty?: boolean;
  /** Seconds between redraws (plain mode prints at most every 10 s). */
  minInterval?: number;
}

/** Progress of one batch job. */
export class Progress {
  readonly #o: Required<ProgressOptions>;
  readonly #start = performance.now();
  #done = 0;
  #fields: Record<string, string> = {};
  #last = 0;

  constructor(options: ProgressOptions) {
    const tty = options.tty ?? safeIsTerminal();
    this.#o = {
      unit: "items",
      write: (t) => Deno.stderr.writeSync(new TextEncoder().encode(t)),
      minInterval: tty ? 0.1 : 10,
      ...options,
      tty,
    };
  }

  /** Units finished so far. */
  get done(): number {
    return this.#done;
  }

  /** Seconds since the bar started. */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Adds `n` finished units and updates shown fields. */
  tick(n = 1, fields: Record<string, string | number> = {}): void {
    this.#done += n;
    for (const [k, v] of Object.entries(fields)) {
      this.#fields[k] = typeof v === "number" ? formatNumber(v) : v;
    }
    const now = this.elapsed;
    if (now - this.#last >= this.#o.minInterval) {
      this.#last = now;
      this.#draw(false);
    }
  }

  /** Draws the final line and moves to a new line. */
  finish(fields: Record<string, string | number> = {}): void {
    for (const [k, v] of Object.entries(fields)) {
      this.#fields[k] = typeof v === "number" ? formatNumber(v) : v;
    }
    this.#draw(true);
  }

  /** The current line (without control characters). */
  line(): string {
    const { total, unit, label } = this.#o;
    const secs = this.elapsed;
    const rate = secs > 0 ? this.#done / secs : 0;
    const pct = total > 0 ? Math.min(100, (100 * this.#done) / total) : 0;
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    const bar = total > 0 ? `|${"█".repeat(filled)}${" ".repeat(width - filled)}| ` : "";
    const eta = total > 0 && rate > 0 ? ` eta ${formatDuration((total - this.#done) / rate)}` : "";
    const extra = Object.entries(this.#fields).map(([k, v]) => ` ${k} ${v}`).join("");
    const count = total > 0 ? `${this.#done}/${total}` : `${this.#done}`;
    return `${label} ${bar}${count} ${unit} ${formatNumber(rate)} ${unit}/s ` +
      `${formatDuration(secs)}${eta}${extra}`;
  }

  #draw(final: boolean): void {
    const text = this.line();
    if (this.#o.tty) this.#o.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
    else this.#o.write(`${text}\n`);
  }
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/** 3 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** "1h02m", "3m05s", "12.3s". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
