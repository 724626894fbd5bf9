/**
 * Printing a resolved config as YAML (what `--cfg` shows, like hydra's
 * `--cfg job`) and reading such a dump back. Group option names are not
 * keys of the tree: a dump identifies each option by its `_target_`, and the
 * selected losses by the keys under `trainer.losses`.
 * @module
 */
import { Document, isScalar, parse as parseYaml } from "yaml";
import { ConfigError } from "./config_error.ts";
import { type Choices, ConfigTree, defaultChoices, groupSpecAt, type Tree } from "./config_tree.ts";
import { resolveInterpolations } from "./interpolation.ts";
import { readYamlMapping } from "./primary_config.ts";
import { resolveTarget } from "./registry.ts";
import { BALR_SCHEMA, GROUP_PATHS } from "./schema.ts";
import type { LeafSpec, NodeSpec } from "./schema_nodes.ts";
import { toTypedConfig } from "./typed_config.ts";
import type { BalrConfig } from "./types.ts";
import { isMapping, YAML_PARSE_OPTIONS } from "./yaml_value.ts";

/** The config as a plain tree: the typed config without group `name` fields. */
export function toPlainConfig(config: BalrConfig): Tree {
  return plainNode(BALR_SCHEMA, config) as Tree;
}

function plainNode(spec: NodeSpec, value: unknown): unknown {
  switch (spec.kind) {
    case "leaf":
      return Array.isArray(value) ? [...value] : value;
    case "struct":
      return Object.fromEntries(
        Object.entries(spec.fields).map(([k, child]) => [k, plainNode(child, (value as Tree)[k])]),
      );
    case "group": {
      const { name, ...rest } = value as Tree & { name: string };
      return plainNode(spec.options[name], rest);
    }
    case "multi":
      return Object.fromEntries(
        Object.entries(value as Tree).map(([k, v]) => [k, plainNode(spec.options[k], v)]),
      );
  }
}

/**
 * The resolved config as YAML, in upstream's key order; float keys holding
 * whole numbers print as `1.0`.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "./resolve_config.ts";
 * import { toYaml } from "./to_yaml.ts";
 * console.assert(toYaml(defaultConfig()).includes("epochs: 64"));
 * ```
 */
export function toYaml(config: BalrConfig): string {
  const doc = new Document(toPlainConfig(config));
  markFloats(doc, BALR_SCHEMA, config, []);
  return doc.toString({ lineWidth: 0 });
}

function markFloats(doc: Document, spec: NodeSpec, value: unknown, path: string[]): void {
  switch (spec.kind) {
    case "leaf":
      if ((spec as LeafSpec).type === "float" && Number.isInteger(value)) {
        const node = doc.getIn(path, true);
        if (isScalar(node)) node.minFractionDigits = 1;
      }
      return;
    case "struct":
      for (const [k, child] of Object.entries(spec.fields)) {
        markFloats(doc, child, (value as Tree)[k], [...path, k]);
      }
      return;
    case "group":
      markFloats(doc, spec.options[(value as { name: string }).name], value, path);
      return;
    case "multi":
      for (const [k, v] of Object.entries(value as Tree)) {
        markFloats(doc, spec.options[k], v, [...path, k]);
      }
  }
}

/**
 * Reads back a complete resolved config (a `--cfg` dump or a saved run
 * config): each group's option comes from its `_target_`, the selected
 * losses from the keys under `trainer.losses`; missing keys take defaults.
 */
export function parseResolvedConfig(text: string, options: { source?: string } = {}): BalrConfig {
  const source = options.source ?? "resolved config";
  let body: unknown;
  try {
    body = parseYaml(text, YAML_PARSE_OPTIONS) ?? {};
  } catch (e) {
    throw new ConfigError(`invalid YAML: ${(e as Error).message.split("\n")[0]}`, {
      source,
      cause: e,
    });
  }
  if (!isMapping(body)) throw new ConfigError(`expected a mapping of keys`, { source });
  return resolvedFromTree(body, source);
}

/** `parseResolvedConfig` for a file. */
export function readResolvedConfig(file: string): BalrConfig {
  return resolvedFromTree(readYamlMapping(file), `config file ${file}`);
}

function resolvedFromTree(body: Tree, source: string): BalrConfig {
  const choices: Choices = defaultChoices();
  for (const path of GROUP_PATHS) {
    const node = path.split(".").reduce<unknown>(
      (n, k) => (isMapping(n) ? n[k] : undefined),
      body,
    );
    if (!isMapping(node)) continue;
    const spec = groupSpecAt(path)!;
    if (spec.kind === "multi") {
      choices.set(path, Object.keys(node).filter((k) => node[k] !== null));
    } else if (typeof node._target_ === "string") {
      const first = Object.values(spec.options)[0].fields._target_ as LeafSpec;
      choices.set(
        path,
        resolveTarget(node._target_, first.target!.kind, { key: `${path}._target_` }).option,
      );
    }
  }
  const tree = new ConfigTree(choices);
  tree.merge([], body, source);
  resolveInterpolations(tree.root);
  return toTypedConfig(tree.root, tree.choices);
}
