/**
 * Primary YAML configs (`--config-path DIR --config-name NAME`): a file of
 * values merged onto the built-in defaults, with hydra's `defaults:` list for
 * the simple cases: `- scorer: maxllr`, `- override scorer: maxllr`,
 * `- trainer.losses: [mse, arcface]`, `- _self_` (implicitly last), and
 * `- other` to include `other.yaml` from the same directory. A top-level
 * `hydra:` key and `hydra/...` defaults entries are hydra's own settings
 * and are ignored.
 * @module
 */
import { parseDocument } from "yaml";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "./config_error.ts";
import { groupSpecAt, type Tree } from "./config_tree.ts";
import { GROUP_PATHS } from "./schema.ts";
import { isMapping, showValue, YAML_PARSE_OPTIONS } from "./yaml_value.ts";

/** One step of composing primary configs, in order. */
export type ComposeEvent =
  | {
    /** A defaults-list entry selecting a group option. */
    readonly kind: "group";
    /** Dotted group path. */
    readonly path: string;
    /** Selected option (single-select) or options (multi-select). */
    readonly choice: string | readonly string[];
    /** File that said so. */
    readonly source: string;
  }
  | {
    /** A file's own values (`_self_`). */
    readonly kind: "self";
    /** The values, without `defaults` and `hydra`. */
    readonly values: Tree;
    /** File they came from. */
    readonly source: string;
  };

/** What `loadPrimaryConfig` found. */
export interface PrimaryConfig {
  /** Absolute path of the primary file; null = built-in config only. */
  readonly file: string | null;
  /** Composition steps, includes expanded. */
  readonly events: readonly ComposeEvent[];
}

/** Options of `loadPrimaryConfig`. */
export interface PrimaryConfigOptions {
  /** Directory of YAML configs (relative to `cwd`); null = built-in only. */
  configPath?: string | null;
  /** Config name (`config` = built-in unless the directory has config.yaml). */
  configName?: string;
  /** Base for a relative configPath (default: the current directory). */
  cwd?: string;
}

/** Finds and reads the primary config and everything it includes. */
export function loadPrimaryConfig(options: PrimaryConfigOptions = {}): PrimaryConfig {
  const name = options.configName ?? "config";
  const cwd = options.cwd ?? Deno.cwd();
  if (!options.configPath && name === "config") return { file: null, events: [] };
  const dir = resolve(cwd, options.configPath ?? ".");
  if (options.configPath) checkDirectory(dir, options.configPath);
  const file = isAbsolute(name) ? name : join(dir, withYamlSuffix(name));
  if (!exists(file)) {
    if (name === "config") return { file: null, events: [] };
    throw new ConfigError(
      `primary config '${name}' not found: ${file} does not exist` +
        (options.configPath ? "" : " (give its directory with --config-path)"),
    );
  }
  const events: ComposeEvent[] = [];
  readInto(file, events, []);
  return { file, events };
}

function withYamlSuffix(name: string): string {
  return /\.ya?ml$/i.test(name) ? name : `${name}.yaml`;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function checkDirectory(dir: string, given: string): void {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(dir);
  } catch {
    throw new ConfigError(`config path '${given}' does not exist (${dir})`);
  }
  if (!stat.isDirectory) throw new ConfigError(`config path '${given}' is not a directory`);
}

/** Parses a YAML file into a mapping, naming the file and line on errors. */
export function readYamlMapping(file: string): Tree {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const doc = parseDocument(text, YAML_PARSE_OPTIONS);
  if (doc.errors.length) {
    throw new ConfigError(`invalid YAML in ${file}: ${doc.errors[0].message.split("\n")[0]}`, {
      cause: doc.errors[0],
    });
  }
  const value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (!isMapping(value)) {
    throw new ConfigError(
      `config file ${file} must hold a mapping of keys, got ${showValue(value)}`,
    );
  }
  return value;
}

function readInto(file: string, events: ComposeEvent[], stack: string[]): void {
  if (stack.includes(file)) {
    throw new ConfigError(`config include cycle: ${[...stack, file].join(" -> ")}`);
  }
  const body = readYamlMapping(file);
  const { defaults, hydra: _hydra, ...values } = body;
  const source = `config file ${file}`;
  const list = defaults === undefined || defaults === null ? [] : defaults;
  if (!Array.isArray(list)) {
    throw new ConfigError(`'defaults' must be a list`, { source });
  }
  let selfSeen = false;
  for (const entry of list) {
    if (entry === "_self_") {
      if (selfSeen) throw new ConfigError(`'_self_' appears twice in defaults`, { source });
      selfSeen = true;
      events.push({ kind: "self", values, source });
    } else if (typeof entry === "string") {
      readInto(resolve(dirname(file), withYamlSuffix(entry.replace(/^\//, ""))), events, [
        ...stack,
        file,
      ]);
    } else if (isMapping(entry) && Object.keys(entry).length === 1) {
      const event = groupEntry(Object.keys(entry)[0], Object.values(entry)[0], source);
      if (event) events.push(event);
    } else {
      throw new ConfigError(
        `unsupported defaults entry ${showValue(entry)}: expected '- group: option', ` +
          `'- override group: option', '- _self_' or '- other_config'`,
        { source },
      );
    }
  }
  if (!selfSeen) events.push({ kind: "self", values, source });
}

function groupEntry(rawKey: string, value: unknown, source: string): ComposeEvent | undefined {
  const words = rawKey.trim().split(/\s+/);
  const groupText = words.pop()!.replace(/^\//, "");
  if (words.some((w) => w !== "override" && w !== "optional")) {
    throw new ConfigError(`unsupported defaults entry keyword in '${rawKey}'`, { source });
  }
  if (groupText === "hydra" || groupText.startsWith("hydra/")) return undefined;
  if (groupText.includes("@")) {
    throw new ConfigError(`defaults entry '${rawKey}': packages (@) are not supported`, {
      source,
    });
  }
  const path = groupText.replace(/\//g, ".");
  const spec = groupSpecAt(path);
  if (!spec) {
    throw new ConfigError(
      `unknown config group '${groupText}' in defaults; groups: ${GROUP_PATHS.join(", ")}`,
      { key: path, source },
    );
  }
  return { kind: "group", path, choice: parseChoice(path, value, source), source };
}

/**
 * Checks a group selection value: one known option for a group, a list of
 * distinct known options (or one, or null = none) for a multi-select group.
 */
export function parseChoice(path: string, value: unknown, source: string): string | string[] {
  const spec = groupSpecAt(path)!;
  const known = Object.keys(spec.options);
  const check = (v: unknown): string => {
    const option = typeof v === "string" ? v.trim() : undefined;
    if (option === undefined || !known.includes(option)) {
      throw new ConfigError(
        `unknown option ${showValue(v)} for config group '${path}'; available options: ${
          known.join(", ")
        }`,
        { key: path, source },
      );
    }
    return option;
  };
  if (spec.kind === "group") {
    if (Array.isArray(value) || value === null) {
      throw new ConfigError(
        `config group '${path}' takes exactly one option (${known.join(", ")}), got ${
          showValue(value)
        }`,
        { key: path, source },
      );
    }
    return check(value);
  }
  const list = value === null ? [] : Array.isArray(value) ? value.map(check) : [check(value)];
  const dup = list.find((v, i) => list.indexOf(v) !== i);
  if (dup) {
    throw new ConfigError(`option '${dup}' is listed twice for '${path}'`, { key: path, source });
  }
  return list;
}
