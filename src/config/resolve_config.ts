/**
 * Resolving a run configuration the way hydra composes one:
 *
 * 1. group choices: built-in defaults, then the primary config's `defaults:`
 *    list, then command-line group overrides (`scorer=maxllr`,
 *    `'trainer.losses=[mse, arcface]'`, `+trainer.losses=sparsity`,
 *    `~trainer.losses=triplet`) in the order given;
 * 2. values: built-in defaults for those choices, then the primary config's
 *    files in defaults-list order (`_self_` = the file's own values, last
 *    unless placed earlier);
 * 3. leaf overrides (`key=value`, `+key=value`, `++key=value`, `~key`) in the
 *    order given, then the command line's own options (`--device`, …);
 * 4. `${...}` interpolations;
 * 5. validation of every key and type into a typed `BalrConfig`.
 *
 * Every problem is a ConfigError raised before any work starts.
 * @module
 */
import { ConfigError } from "./config_error.ts";
import { type Choices, ConfigTree, defaultChoices, groupSpecAt } from "./config_tree.ts";
import { resolveInterpolations } from "./interpolation.ts";
import { type Override, parseOverride } from "./override_parser.ts";
import { loadPrimaryConfig, parseChoice } from "./primary_config.ts";
import { GROUP_PATHS } from "./schema.ts";
import { toTypedConfig } from "./typed_config.ts";
import type { BalrConfig } from "./types.ts";

/** A value the caller sets after the overrides (a command-line option). */
export interface ConfigSetting {
  /** Dotted key. */
  readonly key: string;
  /** Plain value (string, boolean, list of strings, integer number, null). */
  readonly value: unknown;
  /** What supplied it, for messages (e.g. "option --device"). */
  readonly source: string;
}

/** Options of `resolveConfig`. */
export interface ResolveOptions {
  /** Hydra-style overrides, as typed. */
  overrides?: readonly string[];
  /** Directory of YAML configs (relative to `cwd`); null/undefined = built-in. */
  configPath?: string | null;
  /** Primary config name (default `config`, the built-in one). */
  configName?: string;
  /** Base for relative config paths (default: the current directory). */
  cwd?: string;
  /** Values applied after the overrides, in order (the command line's own options). */
  settings?: readonly ConfigSetting[];
  /** Environment lookup for `${oc.env:NAME}`. */
  env?: (name: string) => string | undefined;
}

/**
 * Resolves the run configuration from built-in defaults, an optional primary
 * YAML config and overrides.
 *
 * @example
 * ```ts
 * import { resolveConfig } from "./resolve_config.ts";
 * const config = resolveConfig({ overrides: ["scorer=maxllr", "scorer.f=0.3"] });
 * console.assert(config.scorer.name === "maxllr" && config.scorer.f === 0.3);
 * ```
 */
export function resolveConfig(options: ResolveOptions = {}): BalrConfig {
  const overrides = (options.overrides ?? []).map(parseOverride);
  const groupOverrides = overrides.filter((o) => GROUP_PATHS.includes(o.key));
  const leafOverrides = overrides.filter((o) => !GROUP_PATHS.includes(o.key));
  const primary = loadPrimaryConfig(options);

  const choices = defaultChoices();
  for (const event of primary.events) {
    if (event.kind === "group") choices.set(event.path, event.choice);
  }
  for (const ov of groupOverrides) applyGroupOverride(choices, ov);

  const tree = new ConfigTree(choices);
  for (const event of primary.events) {
    if (event.kind === "group") tree.resetGroup(event.path, choices.get(event.path)!);
    else tree.merge([], event.values, event.source);
  }
  for (const ov of leafOverrides) tree.applyOverride(ov);
  for (const s of options.settings ?? []) {
    const value = typeof s.value === "number" && Number.isInteger(s.value)
      ? BigInt(s.value)
      : s.value;
    tree.applyOverride({
      op: "force",
      key: s.key,
      path: s.key.split("."),
      value,
      source: s.source,
    });
  }
  resolveInterpolations(tree.root, { env: options.env });
  return toTypedConfig(tree.root, tree.choices);
}

/** The built-in default configuration. */
export function defaultConfig(): BalrConfig {
  return resolveConfig();
}

function applyGroupOverride(choices: Choices, ov: Override): void {
  const spec = groupSpecAt(ov.key)!;
  const options = Object.keys(spec.options);
  if (spec.kind === "group") {
    if (ov.op === "add") {
      throw new ConfigError(
        `cannot add config group '${ov.key}': it always has an option (now '${
          choices.get(ov.key)
        }'); use ${ov.key}=${ov.text} to change it`,
        { key: ov.key, source: ov.source },
      );
    }
    if (ov.op === "delete") {
      throw new ConfigError(
        `cannot delete config group '${ov.key}': every run needs one; select another option ` +
          `with ${ov.key}=OPTION (${options.join(", ")})`,
        { key: ov.key, source: ov.source },
      );
    }
    choices.set(ov.key, parseChoice(ov.key, ov.value, ov.source));
    return;
  }
  const current = [...(choices.get(ov.key) as readonly string[])];
  if (ov.op === "delete" && ov.text === undefined) {
    choices.set(ov.key, []);
    return;
  }
  const list = parseChoice(ov.key, ov.value, ov.source) as string[];
  switch (ov.op) {
    case "set":
      choices.set(ov.key, list);
      return;
    case "force":
      choices.set(ov.key, [...current, ...list.filter((o) => !current.includes(o))]);
      return;
    case "add": {
      const already = list.filter((o) => current.includes(o));
      if (already.length) {
        throw new ConfigError(
          `cannot add ${already.join(", ")} to '${ov.key}': already selected ` +
            `(selected: ${current.join(", ")})`,
          { key: ov.key, source: ov.source },
        );
      }
      choices.set(ov.key, [...current, ...list]);
      return;
    }
    case "delete": {
      const missing = list.filter((o) => !current.includes(o));
      if (missing.length) {
        throw new ConfigError(
          `cannot delete ${missing.join(", ")} from '${ov.key}': not selected ` +
            `(selected: ${current.join(", ") || "none"})`,
          { key: ov.key, source: ov.source },
        );
      }
      choices.set(ov.key, current.filter((o) => !list.includes(o)));
      return;
    }
  }
}
