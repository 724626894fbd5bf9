/**
 * Hydra's command-line override grammar, the subset balr uses:
 * `key=value` (set), `+key=value` (add; the key must not exist),
 * `++key=value` (add or override), `~key` and `~key=value` (delete; with a
 * value only when it matches). Keys are dotted (`trainer.losses.mse.weight`);
 * group paths may also be written with `/` (`embeddings/model=wespeaker`).
 * @module
 */
import { ConfigError } from "./config_error.ts";
import { parseOverrideValue } from "./yaml_value.ts";

/** What an override does. */
export type OverrideOp = "set" | "add" | "force" | "delete";

/** One parsed override. */
export interface Override {
  /** set (`k=v`), add (`+k=v`), force (`++k=v`), delete (`~k`, `~k=v`). */
  readonly op: OverrideOp;
  /** Dotted key. */
  readonly key: string;
  /** Key segments. */
  readonly path: readonly string[];
  /** Raw text after `=`; undefined for a bare `~key`. */
  readonly text?: string;
  /** Parsed YAML value of `text`. */
  readonly value?: unknown;
  /** The override as typed, for messages. */
  readonly source: string;
}

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Parses one override string.
 *
 * @example
 * ```ts
 * import { parseOverride } from "./override_parser.ts";
 * const o = parseOverride("+trainer.losses.arcface.weight=1");
 * console.assert(o.op === "add" && o.key === "trainer.losses.arcface.weight");
 * ```
 */
export function parseOverride(text: string): Override {
  const source = `override '${text}'`;
  let rest = text.trim();
  let op: OverrideOp = "set";
  if (rest.startsWith("~")) {
    op = "delete";
    rest = rest.slice(1);
  } else if (rest.startsWith("++")) {
    op = "force";
    rest = rest.slice(2);
  } else if (rest.startsWith("+")) {
    op = "add";
    rest = rest.slice(1);
  }
  const eq = rest.indexOf("=");
  const keyText = (eq < 0 ? rest : rest.slice(0, eq)).trim();
  if (eq < 0 && op !== "delete") {
    throw new ConfigError(
      `malformed override '${text}': expected key=value, +key=value, ++key=value or ~key`,
      { key: keyText || undefined },
    );
  }
  if (keyText.includes("@")) {
    throw new ConfigError(
      `override '${text}': package overrides (key@package) are not supported`,
      { key: keyText },
    );
  }
  const path = keyText.split(/[./]/);
  if (keyText === "" || !path.every((s) => SEGMENT.test(s))) {
    throw new ConfigError(
      `malformed override '${text}': '${keyText}' is not a key ` +
        `(dotted names such as trainer.epochs)`,
    );
  }
  const key = path.join(".");
  if (eq < 0) return { op, key, path, source };
  const valueText = rest.slice(eq + 1);
  return { op, key, path, text: valueText, value: parseOverrideValue(valueText, source), source };
}
