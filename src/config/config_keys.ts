/**
 * Every key an override may name, for shell completion and help: leaf keys
 * under every option of every group, and each group's options.
 * @module
 */
import { BALR_SCHEMA, GROUP_PATHS } from "./schema.ts";
import type { LeafSpec, NodeSpec } from "./schema_nodes.ts";

/** One settable key. */
export interface ConfigKey {
  /** Dotted key. */
  readonly key: string;
  /** Its schema. */
  readonly spec: LeafSpec;
}

/** What overrides can name. */
export interface ConfigKeys {
  /** Leaf keys, in schema order, each once (options of a group share keys). */
  readonly leaves: readonly ConfigKey[];
  /** Group path → its option names. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** Lists the keys and group options of the schema. */
export function listConfigKeys(): ConfigKeys {
  const leaves = new Map<string, LeafSpec>();
  const groups: Record<string, string[]> = {};
  const walk = (spec: NodeSpec, path: string[]) => {
    switch (spec.kind) {
      case "leaf":
        if (!leaves.has(path.join("."))) leaves.set(path.join("."), spec);
        return;
      case "struct":
        for (const [k, child] of Object.entries(spec.fields)) walk(child, [...path, k]);
        return;
      case "group":
        groups[path.join(".")] = Object.keys(spec.options);
        for (const option of Object.values(spec.options)) walk(option, path);
        return;
      case "multi":
        groups[path.join(".")] = Object.keys(spec.options);
        for (const [name, option] of Object.entries(spec.options)) walk(option, [...path, name]);
    }
  };
  walk(BALR_SCHEMA, []);
  for (const g of GROUP_PATHS) groups[g] ??= [];
  return { leaves: [...leaves].map(([key, spec]) => ({ key, spec })), groups };
}
