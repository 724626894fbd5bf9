/**
 * The configuration while it is being composed: a plain tree of values that
 * follows the schema, plus the selected option of each config group. Every
 * write goes through the schema, so unknown keys, wrong types and unknown
 * group options fail at the override or file line that caused them.
 * @module
 */
import { ConfigError } from "./config_error.ts";
import type { Override } from "./override_parser.ts";
import { resolveTarget } from "./registry.ts";
import { BALR_SCHEMA, GROUP_PATHS } from "./schema.ts";
import type { GroupSpec, LeafSpec, MultiGroupSpec, NodeSpec, StructSpec } from "./schema_nodes.ts";
import { coerceLeaf, hasInterpolation, isMapping, showValue } from "./yaml_value.ts";

/** A plain config tree (nested records of leaf values). */
export type Tree = Record<string, unknown>;

/** Selected option(s) of each group, by dotted group path. */
export type Choices = Map<string, string | readonly string[]>;

/** The schema node of a config group, by dotted path. */
export function groupSpecAt(path: string): GroupSpec | MultiGroupSpec | undefined {
  if (!GROUP_PATHS.includes(path)) return undefined;
  let spec: NodeSpec = BALR_SCHEMA;
  for (const seg of path.split(".")) spec = (spec as StructSpec).fields[seg];
  return spec as GroupSpec | MultiGroupSpec;
}

/** The default choice of every group. */
export function defaultChoices(): Choices {
  const out: Choices = new Map();
  for (const path of GROUP_PATHS) {
    const spec = groupSpecAt(path)!;
    out.set(path, spec.kind === "group" ? spec.default : [...spec.default]);
  }
  return out;
}

/** Where a dotted key lands in the schema and the tree. */
interface Located {
  /** Schema of the node the key names. */
  spec: NodeSpec;
  /** Schema of its parent (struct, group or multi-select group). */
  parentSpec: NodeSpec;
  /** Dotted segments of the parent. */
  parentPath: readonly string[];
  /** Tree object that holds the key; undefined inside an unselected option. */
  container: Tree | undefined;
  /** Last segment. */
  key: string;
  /** The unselected multi-select option on the way, if any. */
  unselected?: { multiPath: string; option: string };
}

/** The tree being composed plus group choices. */
export class ConfigTree {
  /** Values, shaped like the schema. */
  readonly root: Tree;
  /** Selected option of each single-select group. */
  readonly choices: Map<string, string> = new Map();

  /** A tree holding every default for the given group choices. */
  constructor(choices: Choices = defaultChoices()) {
    this.root = this.#defaults(BALR_SCHEMA, [], choices) as Tree;
  }

  #defaults(spec: NodeSpec, path: readonly string[], choices: Choices): unknown {
    const key = path.join(".");
    switch (spec.kind) {
      case "leaf":
        return Array.isArray(spec.default) ? [...spec.default] : spec.default;
      case "struct": {
        const out: Tree = {};
        for (const [k, child] of Object.entries(spec.fields)) {
          out[k] = this.#defaults(child, [...path, k], choices);
        }
        return out;
      }
      case "group": {
        const option = (choices.get(key) as string | undefined) ?? spec.default;
        this.choices.set(key, option);
        return this.#defaults(spec.options[option], path, choices);
      }
      case "multi": {
        const selected = (choices.get(key) as readonly string[] | undefined) ?? spec.default;
        const out: Tree = {};
        for (const option of selected) {
          out[option] = this.#defaults(spec.options[option], [...path, option], choices);
        }
        return out;
      }
    }
  }

  /** Resets a group's node to the defaults of `choice` (hydra's group selection). */
  resetGroup(path: string, choice: string | readonly string[]): void {
    const spec = groupSpecAt(path)!;
    const segs = path.split(".");
    const parent = this.#nodeAt(segs.slice(0, -1)) as Tree;
    const choices: Choices = new Map([[path, choice]]);
    parent[segs[segs.length - 1]] = this.#defaults(spec, segs, choices);
  }

  #nodeAt(path: readonly string[]): unknown {
    let node: unknown = this.root;
    for (const seg of path) node = (node as Tree)[seg];
    return node;
  }

  /** Selected options of the multi-select group at `path`, in order. */
  selectedOptions(path: string): string[] {
    return Object.keys(this.#nodeAt(path.split(".")) as Tree);
  }

  /** Finds where a key lands; throws a ConfigError naming allowed keys when unknown. */
  locate(path: readonly string[], source?: string): Located {
    let spec: NodeSpec = BALR_SCHEMA;
    let container: Tree | undefined = this.root;
    let unselected: Located["unselected"];
    for (let i = 0; i < path.length; i++) {
      const here = path.slice(0, i);
      const seg = path[i];
      const child = this.#child(spec, here, seg, path, source);
      if (i === path.length - 1) {
        return { spec: child, parentSpec: spec, parentPath: here, container, key: seg, unselected };
      }
      if (child.kind === "leaf") {
        throw new ConfigError(
          `'${[...here, seg].join(".")}' is a value, not a config node, so '${
            path.join(".")
          }' does not exist`,
          { key: path.join("."), source },
        );
      }
      if (spec.kind === "multi" && container && !Object.hasOwn(container, seg)) {
        unselected = { multiPath: here.join("."), option: seg };
      }
      const next: unknown = container?.[seg];
      container = isMapping(next) ? next : undefined;
      spec = child;
    }
    throw new ConfigError("empty key", { source });
  }

  #child(
    spec: NodeSpec,
    here: readonly string[],
    seg: string,
    full: readonly string[],
    source?: string,
  ): NodeSpec {
    const struct = this.#effectiveStruct(spec, here);
    const found = struct ? struct.fields[seg] : (spec as MultiGroupSpec).options?.[seg];
    if (found) return found;
    throw unknownKeyError(spec, here, seg, {
      full: full.join("."),
      source,
      choice: this.choices.get(here.join(".")),
    });
  }

  #effectiveStruct(spec: NodeSpec, here: readonly string[]): StructSpec | undefined {
    if (spec.kind === "struct") return spec;
    if (spec.kind === "group") return spec.options[this.choices.get(here.join("."))!];
    return undefined;
  }

  /** Applies a leaf-phase override (anything that is not a group selection). */
  applyOverride(ov: Override): void {
    let loc = this.locate(ov.path, ov.source);
    if (loc.spec.kind === "group" || loc.spec.kind === "multi") {
      throw new ConfigError(`'${ov.key}' is a config group; internal ordering error`, {
        source: ov.source,
      });
    }
    if (loc.spec.kind === "struct" && loc.parentSpec.kind === "multi") {
      this.#applyToOption(loc, ov);
      return;
    }
    let justSelected = false;
    if (loc.unselected) {
      const { multiPath, option } = loc.unselected;
      if (ov.op === "set" || ov.op === "delete") {
        const selected = this.selectedOptions(multiPath);
        throw new ConfigError(
          `cannot ${ov.op} '${ov.key}': ${multiPath} option '${option}' is not selected ` +
            `(selected: ${selected.join(", ") || "none"}); ` +
            (ov.op === "set"
              ? `add it with +${ov.key}=${ov.text} or select it with '${multiPath}=[${
                [...selected, option].join(", ")
              }]'`
              : `nothing to delete`),
          { key: ov.key, source: ov.source },
        );
      }
      this.#selectOption(multiPath, option);
      justSelected = true;
      loc = this.locate(ov.path, ov.source);
    }
    if (loc.spec.kind === "struct") {
      this.#applyToStruct(loc, ov);
      return;
    }
    this.#applyToLeaf(loc as Located & { spec: LeafSpec }, ov, justSelected);
  }

  #applyToLeaf(loc: Located & { spec: LeafSpec }, ov: Override, justSelected: boolean): void {
    const container = loc.container!;
    const present = Object.hasOwn(container, loc.key);
    const ctx = { key: ov.key, source: ov.source, text: ov.text, fromYaml: true };
    switch (ov.op) {
      case "set":
        if (!present) {
          throw new ConfigError(
            `cannot set '${ov.key}': it is not in the config (it was deleted); ` +
              `add it back with +${ov.key}=${ov.text}`,
            { key: ov.key, source: ov.source },
          );
        }
        container[loc.key] = storeLeaf(loc.spec, ov.value, ctx);
        return;
      case "add":
        if (present && !justSelected) {
          throw new ConfigError(
            `cannot add '${ov.key}': it already exists (value ${
              showValue(container[loc.key])
            }); use ${ov.key}=${ov.text} to change it or ++${ov.key}=${ov.text} to add or override`,
            { key: ov.key, source: ov.source },
          );
        }
        container[loc.key] = storeLeaf(loc.spec, ov.value, ctx);
        return;
      case "force":
        container[loc.key] = storeLeaf(loc.spec, ov.value, ctx);
        return;
      case "delete": {
        if (!present) {
          throw new ConfigError(`cannot delete '${ov.key}': it is not in the config`, {
            key: ov.key,
            source: ov.source,
          });
        }
        if (ov.text !== undefined) {
          const expected = storeLeaf(loc.spec, ov.value, ctx);
          const actual = container[loc.key];
          if (JSON.stringify(expected) !== JSON.stringify(actual)) {
            throw new ConfigError(
              `cannot delete '${ov.key}': its value is ${showValue(actual)}, not ${
                showValue(expected)
              }`,
              { key: ov.key, source: ov.source },
            );
          }
        }
        delete container[loc.key];
        return;
      }
    }
  }

  #applyToStruct(loc: Located, ov: Override): void {
    const key = ov.key;
    if (ov.op === "delete") {
      throw new ConfigError(
        `cannot delete config node '${key}'; delete or set one of its keys instead`,
        { key, source: ov.source },
      );
    }
    if (ov.op === "add") {
      throw new ConfigError(`cannot add '${key}': it already exists; use ${key}=... instead`, {
        key,
        source: ov.source,
      });
    }
    if (!isMapping(ov.value)) {
      const spec = this.#effectiveStruct(loc.spec, [...loc.parentPath, loc.key])!;
      throw new ConfigError(
        `'${key}' is a config node, not a value; set one of its keys (${
          Object.keys(spec.fields).join(", ")
        }) or give a mapping such as ${key}={key: value}`,
        { key, source: ov.source },
      );
    }
    this.merge([...loc.parentPath, loc.key], ov.value, ov.source);
  }

  #applyToOption(loc: Located, ov: Override): void {
    const multiPath = loc.parentPath.join(".");
    const option = loc.key;
    const selected = Object.hasOwn(loc.container!, option);
    const list = () => this.selectedOptions(multiPath).join(", ") || "none";
    const fail = (why: string): never => {
      throw new ConfigError(`cannot ${verb(ov)} '${ov.key}': ${why}`, {
        key: ov.key,
        source: ov.source,
      });
    };
    if (ov.op === "delete") {
      if (!selected) fail(`${multiPath} option '${option}' is not selected (selected: ${list()})`);
      if (ov.text !== undefined) fail(`use ~${ov.key} without a value to deselect it`);
      delete loc.container![option];
      return;
    }
    if (ov.value === null && ov.op !== "add") {
      // `trainer.losses.triplet=null` deselects, as upstream's Optional loss fields.
      if (selected) delete loc.container![option];
      return;
    }
    if (!isMapping(ov.value)) {
      fail(`expected a mapping of ${option}'s keys or null, got ${showValue(ov.value)}`);
    }
    if (selected && ov.op === "add") {
      fail(`${multiPath} option '${option}' is already selected; use ${ov.key}.KEY=VALUE`);
    }
    if (!selected && ov.op === "set") {
      fail(
        `${multiPath} option '${option}' is not selected (selected: ${list()}); ` +
          `add it with +${ov.key}=${ov.text}`,
      );
    }
    if (!selected) this.#selectOption(multiPath, option);
    this.merge([...loc.parentPath, option], ov.value as Tree, ov.source);
  }

  #selectOption(multiPath: string, option: string): void {
    const spec = groupSpecAt(multiPath) as MultiGroupSpec;
    const node = this.#nodeAt(multiPath.split(".")) as Tree;
    node[option] = this.#defaults(
      spec.options[option],
      [...multiPath.split("."), option],
      new Map(),
    );
  }

  /**
   * Merges a mapping (a YAML config body, or `key={...}`) into the node at
   * `prefix`. A mapping for an unselected multi-select option selects it and
   * null deselects it (upstream's Optional losses); a group node's
   * `_target_` must match its selected option.
   */
  merge(prefix: readonly string[], mapping: Tree, source: string): void {
    for (const [k, value] of Object.entries(mapping)) {
      const path = [...prefix, k];
      const key = path.join(".");
      const loc = this.locate(path, source);
      const spec = loc.spec;
      if (loc.parentSpec.kind === "multi") {
        const selected = Object.hasOwn(loc.container!, k);
        if (value === null) {
          if (selected) delete loc.container![k];
          continue;
        }
        if (!isMapping(value)) {
          throw new ConfigError(
            `${key}: expected a mapping of ${k}'s keys or null, got ${showValue(value)}`,
            { key, source },
          );
        }
        if (!selected) this.#selectOption(prefix.join("."), k);
        this.merge(path, value, source);
        continue;
      }
      switch (spec.kind) {
        case "leaf":
          if (loc.unselected) this.#selectOption(loc.unselected.multiPath, loc.unselected.option);
          this.locate(path, source).container![k] = storeLeaf(spec, value, {
            key,
            source,
            fromYaml: true,
          });
          break;
        case "struct":
          if (!isMapping(value)) {
            throw new ConfigError(`${key}: expected a mapping, got ${showValue(value)}`, {
              key,
              source,
            });
          }
          this.merge(path, value, source);
          break;
        case "group": {
          const choice = this.choices.get(key)!;
          if (!isMapping(value)) {
            throw new ConfigError(
              `${key} is a config group: select its option in the defaults list ` +
                `(- override ${key}: ${showValue(value).replace(/'/g, "")}) or on the ` +
                `command line (${key}=OPTION), and give its keys as a mapping`,
              { key, source },
            );
          }
          if (typeof value._target_ === "string") {
            const kind = (spec.options[choice].fields._target_ as LeafSpec).target!.kind;
            const entry = resolveTarget(value._target_, kind, { key: `${key}._target_` });
            if (entry.option !== choice) {
              throw new ConfigError(
                `${key}._target_ '${value._target_}' is the '${entry.option}' option but ` +
                  `'${choice}' is selected; select it with '- override ${key}: ${entry.option}' ` +
                  `in the defaults list or ${key}=${entry.option}`,
                { key: `${key}._target_`, source },
              );
            }
          }
          this.merge(path, value, source);
          break;
        }
        case "multi":
          if (!isMapping(value)) {
            throw new ConfigError(
              `${key} is a multi-select config group: select options in the defaults list ` +
                `(- ${key}: [a, b]) or on the command line ('${key}=[a, b]'), or give a ` +
                `mapping option → keys`,
              { key, source },
            );
          }
          this.merge(path, value, source);
          break;
      }
    }
  }
}

function verb(ov: Override): string {
  return ov.op === "delete" ? "delete" : ov.op === "add" ? "add" : "set";
}

/** Coerces a value for a leaf now, or keeps it raw when it holds an interpolation. */
export function storeLeaf(
  spec: LeafSpec,
  value: unknown,
  ctx: { key: string; source?: string; text?: string; fromYaml?: boolean },
): unknown {
  if (hasInterpolation(value)) return value;
  return coerceLeaf(spec, value, ctx);
}

/** Builds the "unknown key" error with the allowed keys and a suggestion. */
export function unknownKeyError(
  spec: NodeSpec,
  here: readonly string[],
  seg: string,
  info: { full: string; source?: string; choice?: string },
): ConfigError {
  const herePath = here.join(".");
  const where = here.length ? `'${herePath}'` : "the top level";
  if (spec.kind === "multi") {
    const options = Object.keys(spec.options);
    return new ConfigError(
      `unknown option '${seg}' for config group '${herePath}'; available options: ${
        options.join(", ")
      }${suggest(seg, options)}`,
      { key: info.full, source: info.source },
    );
  }
  const struct = spec.kind === "group" ? spec.options[info.choice!] : spec as StructSpec;
  const allowed = Object.keys(struct.fields);
  let message = `unknown key '${info.full}'; allowed keys at ${where}` +
    (spec.kind === "group" ? ` (${herePath}=${info.choice})` : "") +
    `: ${allowed.join(", ")}${suggest(seg, allowed)}`;
  if (spec.kind === "group") {
    const owners = Object.entries(spec.options).filter(([, o]) => seg in o.fields).map(([n]) => n);
    if (owners.length) {
      message += `; '${seg}' belongs to ${herePath} option ${
        owners.join("/")
      }: select it with ${herePath}=${owners[0]}`;
    }
  }
  return new ConfigError(message, { key: info.full, source: info.source });
}

function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  // Short keys (K, f, p) would match almost anything: allow 1 edit per 3 letters, at most 2.
  let bestDistance = Math.min(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean '${best}'?)` : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
