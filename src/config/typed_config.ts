/**
 * The last step of resolution: checks every value of the composed tree
 * against the schema (again, now that interpolations are resolved) and
 * builds the typed `BalrConfig`, with each group's selected option as `name`.
 * @module
 */
import { ConfigError } from "./config_error.ts";
import type { Tree } from "./config_tree.ts";
import { BALR_SCHEMA } from "./schema.ts";
import type { NodeSpec, StructSpec } from "./schema_nodes.ts";
import type { BalrConfig } from "./types.ts";
import { coerceLeaf, isMapping } from "./yaml_value.ts";

/**
 * Validates a composed tree and returns the typed config. `choices` gives the
 * selected option of each single-select group by dotted path.
 */
export function toTypedConfig(root: Tree, choices: ReadonlyMap<string, string>): BalrConfig {
  return typedStruct(BALR_SCHEMA, root, [], choices) as unknown as BalrConfig;
}

function typedStruct(
  spec: StructSpec,
  value: unknown,
  path: readonly string[],
  choices: ReadonlyMap<string, string>,
): Tree {
  const key = path.join(".");
  if (!isMapping(value)) {
    throw new ConfigError(`${key}: expected a mapping`, { key });
  }
  for (const k of Object.keys(value)) {
    if (!(k in spec.fields)) {
      throw new ConfigError(
        `unknown key '${[...path, k].join(".")}'; allowed keys: ${
          Object.keys(spec.fields).join(", ")
        }`,
        { key: [...path, k].join(".") },
      );
    }
  }
  const out: Tree = {};
  for (const [k, child] of Object.entries(spec.fields)) {
    out[k] = typedNode(child, value, [...path, k], choices);
  }
  const problem = spec.check?.(out);
  if (problem) throw new ConfigError(`${key}: ${problem}`, { key });
  return out;
}

function typedNode(
  spec: NodeSpec,
  parent: Tree,
  path: readonly string[],
  choices: ReadonlyMap<string, string>,
): unknown {
  const k = path[path.length - 1];
  const key = path.join(".");
  const present = Object.hasOwn(parent, k);
  switch (spec.kind) {
    case "leaf":
      if (!present) {
        if (spec.nullable) return null;
        throw new ConfigError(
          `missing key '${key}': it was deleted and has no null value ` +
            `(default ${JSON.stringify(spec.default)}); set it with ${key}=VALUE`,
          { key },
        );
      }
      return coerceLeaf(spec, parent[k], { key });
    case "struct":
      return typedStruct(spec, parent[k], path, choices);
    case "group": {
      const name = choices.get(key)!;
      return { name, ...typedStruct(spec.options[name], parent[k], path, choices) };
    }
    case "multi": {
      const node = parent[k];
      if (!isMapping(node)) throw new ConfigError(`${key}: expected a mapping`, { key });
      const out: Tree = {};
      for (const option of Object.keys(node)) {
        out[option] = typedStruct(spec.options[option], node[option], [...path, option], choices);
      }
      return out;
    }
  }
}
