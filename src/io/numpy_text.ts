/**
 * numpy text vectors (`np.savetxt` / `np.loadtxt`): one row per line,
 * values separated by whitespace, `#` comments, `%.18e` formatting.
 *
 * Shapes follow `np.loadtxt` (its default `ndmin=0` squeezes): n rows of m
 * values give `[n, m]`; a single column or a single row gives a 1-D
 * `[n]`/`[m]`; a single value gives `[]`. So a `[256]` embedding (saved one
 * value per line) and a `[512, 2]` BA vector round-trip exactly; a `[1, m]`
 * array comes back as `[m]`, as in numpy. An empty file is an error (numpy
 * would return an empty array with a warning; an empty vector file is
 * always a bug here).
 * @module
 */
import { formatShape, type HostTensor, toFloat64 } from "./host_tensor.ts";
import { readSource } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";

const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

/** Parses `np.savetxt` text into a float64 tensor. Errors name `options.name` and the line. */
export function decodeNumpyText(text: string, options: { name?: string } = {}): HostTensor {
  const name = options.name ?? "<text>";
  const values: number[] = [];
  let rows = 0;
  let cols = -1;
  const lines = text.split(/\r?\n/);
  for (let l = 0; l < lines.length; l++) {
    const hash = lines[l].indexOf("#");
    const line = (hash >= 0 ? lines[l].slice(0, hash) : lines[l]).trim();
    if (!line) continue;
    const tokens = line.split(/\s+/);
    if (cols >= 0 && tokens.length !== cols) {
      throw new Error(
        `${name}: line ${l + 1} has ${tokens.length} values, earlier rows have ${cols}`,
      );
    }
    cols = tokens.length;
    for (const tok of tokens) {
      if (!NUMBER.test(tok)) {
        throw new Error(`${name}: line ${l + 1}: "${tok.slice(0, 40)}" is not a number`);
      }
      values.push(parseNumber(tok));
    }
    rows++;
  }
  if (rows === 0) throw new Error(`${name}: no values (empty vector file)`);
  const shape = rows === 1 && cols === 1 ? [] : rows === 1 ? [cols] : cols === 1 ? [rows] : [
    rows,
    cols,
  ];
  return { dtype: "float64", shape, data: Float64Array.from(values) };
}

/** Reads a numpy text file (or its bytes). */
export async function readNumpyText(
  source: string | Uint8Array,
  options: { name?: string } = {},
): Promise<HostTensor> {
  const { bytes, name } = await readSource(source, options);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${name}: not a text file (invalid UTF-8)`);
  }
  return decodeNumpyText(text, { name });
}

/**
 * Formats a 1-D or 2-D tensor as `np.savetxt(path, array)` does: `%.18e`,
 * one space between values, one row per line (1-D: one value per line).
 */
export function encodeNumpyText(tensor: HostTensor): string {
  const { shape } = tensor;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new RangeError(`np.savetxt writes 1-D or 2-D arrays, not ${formatShape(shape)}`);
  }
  const values = toFloat64(tensor);
  const cols = shape.length === 1 ? 1 : shape[1];
  const rows = shape[0];
  if (rows * cols !== values.length) {
    throw new RangeError(`${values.length} values do not fit shape ${formatShape(shape)}`);
  }
  const lines = new Array<string>(rows);
  const row = new Array<string>(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = formatExp18(values[r * cols + c]);
    lines[r] = row.join(" ");
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Writes a numpy text file atomically. */
export async function writeNumpyText(path: string, tensor: HostTensor): Promise<void> {
  await writeFileAtomic(path, encodeNumpyText(tensor));
}

/**
 * `'%.18e' % x` exactly as Python (and C) print it: the exact binary value
 * rounded to 19 significant digits, ties to even, exponent of at least two
 * digits, `nan`/`inf`/`-inf`.
 */
export function formatExp18(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s = a.toExponential(18);
  // JS rounds exact ties away from zero; C rounds them to even. A tie needs the
  // 20-digit rounding to end in 5 and to be exact.
  const wide = a.toExponential(19);
  if (wide[20] === "5" && isExactDecimal(a, wide)) {
    const lastKept = Number(wide[19]);
    if (lastKept % 2 === 0) s = wide.slice(0, 20) + wide.slice(21);
  }
  const e = s.indexOf("e");
  const exp = s.slice(e + 2);
  return `${negative ? "-" : ""}${s.slice(0, e)}e${s[e + 1]}${exp.length < 2 ? "0" + exp : exp}`;
}

/** True when the finite positive `a` equals the decimal string `dec` (`d.ddd…e±x`) exactly. */
function isExactDecimal(a: number, dec: string): boolean {
  const e = dec.indexOf("e");
  const digits = BigInt(dec.slice(0, e).replace(".", ""));
  const q = Number(dec.slice(e + 1)) - (e - 2); // value = digits · 10^q
  const bits = new DataView(new Float64Array([a]).buffer);
  const hi = bits.getUint32(4, true);
  const lo = bits.getUint32(0, true);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let p: number; // a = m · 2^p
  if (biased === 0) p = -1074;
  else {
    m |= 1n << 52n;
    p = biased - 1075;
  }
  let left = m;
  let right = digits;
  if (p >= 0) left <<= BigInt(p);
  else right <<= BigInt(-p);
  if (q >= 0) right *= 10n ** BigInt(q);
  else left *= 10n ** BigInt(-q);
  return left === right;
}

function parseNumber(tok: string): number {
  const t = tok.toLowerCase();
  if (t.endsWith("nan")) return NaN;
  if (t.includes("inf")) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(tok);
}
