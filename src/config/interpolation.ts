/**
 * OmegaConf-style interpolation, resolved once after every override:
 * `${a.b}` (absolute key), `${.b}` / `${..b}` (relative to the node holding
 * the value), `${oc.env:NAME}` and `${oc.env:NAME,default}`; `\${` is a
 * literal `${`. A value that is exactly one interpolation takes the
 * referenced value's type (an environment variable reads as a YAML scalar);
 * otherwise the pieces are joined as a string.
 * @module
 */
import { ConfigError } from "./config_error.ts";
import type { Tree } from "./config_tree.ts";
import { isMapping, parseOverrideValue } from "./yaml_value.ts";

/** Options of `resolveInterpolations`. */
export interface InterpolationOptions {
  /** Environment lookup for `${oc.env:NAME}` (default: Deno.env, when permitted). */
  env?: (name: string) => string | undefined;
}

type Piece = { literal: string } | { expr: string };

const KEY_EXPR = /^(\.*)([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;

/** Splits a string into literal text and `${...}` expressions. */
export function splitInterpolations(text: string, key: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("\\${", i)) {
      literal += "${";
      i += 3;
      continue;
    }
    if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i + 2);
      const inner = end < 0 ? "" : text.slice(i + 2, end);
      if (end < 0 || inner.includes("${")) {
        throw new ConfigError(
          `${key}: malformed interpolation in '${text}' ` +
            (end < 0 ? "(missing '}')" : "(nested interpolations are not supported)"),
          { key },
        );
      }
      if (literal) pieces.push({ literal });
      literal = "";
      pieces.push({ expr: inner.trim() });
      i = end + 1;
      continue;
    }
    literal += text[i++];
  }
  if (literal || pieces.length === 0) pieces.push({ literal });
  return pieces;
}

/**
 * Replaces every interpolation in the tree by its value, in place. Throws a
 * ConfigError on a missing key, an unknown resolver or a cycle.
 */
export function resolveInterpolations(root: Tree, options: InterpolationOptions = {}): void {
  const env = options.env ?? readEnv;
  const active: string[] = [];

  const resolveAt = (container: Tree | unknown[], index: string | number, path: string[]) => {
    const value = (container as Record<string | number, unknown>)[index];
    if (typeof value === "string" && value.includes("${")) {
      const key = path.join(".");
      if (active.includes(key)) {
        throw new ConfigError(
          `interpolation cycle: ${[...active.slice(active.indexOf(key)), key].join(" -> ")}`,
          { key },
        );
      }
      active.push(key);
      const resolved = resolveString(value, path);
      active.pop();
      (container as Record<string | number, unknown>)[index] = resolved;
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => resolveAt(value, i, path));
    } else if (isMapping(value)) {
      for (const k of Object.keys(value)) resolveAt(value, k, [...path, k]);
    }
  };

  const resolveString = (text: string, path: string[]): unknown => {
    const key = path.join(".");
    const pieces = splitInterpolations(text, key);
    const values = pieces.map((p) => "literal" in p ? p.literal : evaluate(p.expr, path, text));
    if (pieces.length === 1 && "expr" in pieces[0]) {
      // A whole-value environment variable reads as a YAML scalar (12 → int), as oc.decode.
      const whole = values[0];
      return pieces[0].expr.startsWith("oc.env:") && typeof whole === "string"
        ? parseOverrideValue(whole, `'${text}'`)
        : whole;
    }
    return values.map((v, i) => {
      if ("literal" in pieces[i]) return v as string;
      if (v !== null && typeof v === "object") {
        throw new ConfigError(
          `${key}: cannot insert the config node \${${
            (pieces[i] as { expr: string }).expr
          }} into the string '${text}'`,
          { key },
        );
      }
      return v === null ? "null" : String(v);
    }).join("");
  };

  const evaluate = (expr: string, path: string[], text: string): unknown => {
    const key = path.join(".");
    if (expr.startsWith("oc.env:")) {
      const [name, ...rest] = expr.slice("oc.env:".length).split(",");
      const found = env(name.trim());
      if (found !== undefined) return found;
      if (rest.length) {
        const fallback = rest.join(",").trim();
        return fallback === "null" ? null : parseOverrideValue(fallback, `'${text}'`);
      }
      throw new ConfigError(
        `${key}: environment variable '${name.trim()}' of '${text}' is not set ` +
          `(give a default: \${oc.env:${name.trim()},VALUE})`,
        { key },
      );
    }
    const m = KEY_EXPR.exec(expr);
    if (!m) {
      const resolver = expr.includes(":") ? expr.slice(0, expr.indexOf(":")) : undefined;
      throw new ConfigError(
        resolver
          ? `${key}: unknown resolver '${resolver}' in '${text}'; supported: oc.env`
          : `${key}: malformed interpolation '\${${expr}}' in '${text}'`,
        { key },
      );
    }
    const dots = m[1].length;
    const base = dots === 0 ? [] : path.slice(0, Math.max(0, path.length - dots));
    if (dots > path.length) {
      throw new ConfigError(`${key}: '\${${expr}}' goes above the top of the config`, { key });
    }
    const target = [...base, ...m[2].split(".")];
    let container: unknown = root;
    for (let i = 0; i < target.length; i++) {
      if (!isMapping(container) || !Object.hasOwn(container, target[i])) {
        throw new ConfigError(
          `${key}: interpolation '\${${expr}}' refers to missing key '${target.join(".")}'`,
          { key },
        );
      }
      if (i === target.length - 1) {
        resolveAt(container, target[i], target);
        return structuredClone(container[target[i]]);
      }
      container = container[target[i]];
    }
    return undefined;
  };

  for (const k of Object.keys(root)) resolveAt(root, k, [k]);
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
