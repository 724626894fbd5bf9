/**
 * Values as users type them: an override's right-hand side parsed as a YAML
 * scalar or flow collection (`10`, `0.5`, `True`, `null`, `'quoted'`,
 * `[a, b]`), then checked and coerced against a leaf's type. Integers parse
 * to bigint so `10` (int) and `10.0` (float) stay distinguishable.
 * @module
 */
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./config_error.ts";
import { type LeafSpec, type LeafValue, typeName } from "./schema_nodes.ts";

/** YAML options shared by override values and config files. */
export const YAML_PARSE_OPTIONS = {
  intAsBigInt: true,
  uniqueKeys: true,
  logLevel: "error",
} as const;

/**
 * Parses the text after `=` of an override. Empty text is the empty string
 * (as hydra); block mappings such as `a: b` stay plain strings, since only
 * flow collections (`[..]`, `{..}`) are collections on a command line.
 */
export function parseOverrideValue(text: string, source: string): unknown {
  if (text === "") return "";
  let value: unknown;
  try {
    value = parseYaml(text, YAML_PARSE_OPTIONS);
  } catch (e) {
    throw new ConfigError(`cannot parse value '${text}': ${firstLine(e)}`, { source, cause: e });
  }
  const t = text.trimStart();
  if (value !== null && typeof value === "object" && !t.startsWith("[") && !t.startsWith("{")) {
    return text;
  }
  return value;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0];
}

/** True when a value holds a `${...}` interpolation (left for later). */
export function hasInterpolation(value: unknown): boolean {
  if (typeof value === "string") return /(^|[^\\])\$\{/.test(value);
  if (Array.isArray(value)) return value.some(hasInterpolation);
  return false;
}

/** A plain mapping (not a list, not null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The YAML type name of a parsed value, for messages. */
export function yamlTypeName(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return Number.isInteger(value) ? "number" : "float";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  return "mapping";
}

/** Shows a value the way a user would type it. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(showPlain).join(", ")}]`;
  return `{${Object.entries(value as object).map(([k, v]) => `${k}: ${showPlain(v)}`).join(", ")}}`;
}

function showPlain(value: unknown): string {
  return typeof value === "string" ? value : showValue(value);
}

/** Where a value is being stored, for coercion and messages. */
export interface CoerceContext {
  /** Dotted key. */
  key: string;
  /** Override text or file that supplied it. */
  source?: string;
  /** The raw text typed (override values), used verbatim for str leaves. */
  text?: string;
  /** True when the value came straight from YAML (ints are bigint, floats number). */
  fromYaml?: boolean;
}

/**
 * Checks a value against a leaf and returns it in plain form (numbers, not
 * bigint). Rules: an int is accepted for a float; a float never for an int;
 * bool only from YAML booleans; null only where the leaf is nullable;
 * numbers are accepted for strings (as typed).
 */
export function coerceLeaf(spec: LeafSpec, value: unknown, ctx: CoerceContext): LeafValue {
  const wrong = (): never => {
    const shown = ctx.text !== undefined ? `'${ctx.text}'` : showValue(value);
    throw new ConfigError(
      `${ctx.key}: expected ${typeName(spec)}, got ${shown} (${yamlTypeName(value)})`,
      { key: ctx.key, source: ctx.source },
    );
  };
  if (value === null || value === undefined) {
    if (!spec.nullable) {
      throw new ConfigError(
        `${ctx.key}: expected ${typeName(spec)}, got null (this key does not accept null)`,
        { key: ctx.key, source: ctx.source },
      );
    }
    return null;
  }
  let out: LeafValue;
  switch (spec.type) {
    case "int":
      out = toInt(value, ctx) ?? wrong();
      break;
    case "float":
      out = toFloat(value) ?? wrong();
      break;
    case "bool":
      out = typeof value === "boolean" ? value : wrong();
      break;
    case "str":
      out = toStr(value, ctx.text) ?? wrong();
      break;
    case "str_list": {
      if (!Array.isArray(value)) wrong();
      const list = (value as unknown[]).map((v) => toStr(v, undefined));
      out = list.some((s) => s === undefined) ? wrong() : list as string[];
      break;
    }
  }
  const problem = checkConstraints(spec, out);
  if (problem) {
    throw new ConfigError(`${ctx.key}: ${showValue(out)} ${problem}`, {
      key: ctx.key,
      source: ctx.source,
    });
  }
  return out;
}

function toInt(value: unknown, ctx: CoerceContext): number | undefined {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      return undefined;
    }
    return Number(value);
  }
  // Plain numbers come from interpolations and programmatic sets, never from YAML ints.
  if (typeof value === "number" && !ctx.fromYaml && Number.isInteger(value)) return value;
  return undefined;
}

function toFloat(value: unknown): number | undefined {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return undefined;
}

function toStr(value: unknown, text: string | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number") return text?.trim() ?? String(value);
  return undefined;
}

function checkConstraints(spec: LeafSpec, value: LeafValue): string | undefined {
  if (typeof value === "number") {
    if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}`;
    if (spec.above !== undefined && value <= spec.above) return `must be > ${spec.above}`;
    if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}`;
    if (spec.below !== undefined && value >= spec.below) return `must be < ${spec.below}`;
  }
  if (typeof value === "string" && spec.choices && !spec.choices.includes(value)) {
    return `must be one of ${spec.choices.join(", ")}`;
  }
  return spec.check?.(value);
}
