/**
 * The vocabulary the config schema is written in: leaves with a type and a
 * default, structs, single-select groups and multi-select groups. The
 * resolver walks these to validate keys, types and group options.
 * @module
 */
import { findTarget, type ImplementationKind } from "./registry.ts";

/** Leaf value types (`int` accepts only integers; `float` accepts ints too). */
export type LeafType = "int" | "float" | "bool" | "str" | "str_list";

/** A plain config value after coercion. */
export type LeafValue = number | boolean | string | string[] | null;

/** A config value with a type, a default and optional constraints. */
export interface LeafSpec {
  readonly kind: "leaf";
  /** Value type. */
  readonly type: LeafType;
  /** Default value. */
  readonly default: LeafValue;
  /** Whether null is allowed (true when the default is null or stated). */
  readonly nullable: boolean;
  /** Allowed string values. */
  readonly choices?: readonly string[];
  /** Inclusive lower bound for numbers. */
  readonly min?: number;
  /** Exclusive lower bound for numbers. */
  readonly above?: number;
  /** Inclusive upper bound for numbers. */
  readonly max?: number;
  /** Exclusive upper bound for numbers. */
  readonly below?: number;
  /** Extra check: returns a message ("must be ...") when the value is bad. */
  readonly check?: (value: LeafValue) => string | undefined;
  /** `_target_` leaves: the registry family and option the class path must map to. */
  readonly target?: { readonly kind: ImplementationKind; readonly option: string };
  /** One-line help shown by completion and errors. */
  readonly doc: string;
  /** True for keys that are ours, not upstream's (see extras.ts). */
  readonly extra?: boolean;
}

/** A node with fixed named children. */
export interface StructSpec {
  readonly kind: "struct";
  /** Children in output order. */
  readonly fields: Readonly<Record<string, NodeSpec>>;
  /** Cross-field check on the resolved values; returns a message when bad. */
  readonly check?: (values: Record<string, unknown>) => string | undefined;
}

/** A config group: exactly one option selected (`scorer=maxllr`). */
export interface GroupSpec {
  readonly kind: "group";
  /** Option name → its node. */
  readonly options: Readonly<Record<string, StructSpec>>;
  /** Option selected by default. */
  readonly default: string;
}

/** A multi-select group: any subset of options (`trainer.losses=[mse, arcface]`). */
export interface MultiGroupSpec {
  readonly kind: "multi";
  /** Option name → its node. */
  readonly options: Readonly<Record<string, StructSpec>>;
  /** Options selected by default, in order. */
  readonly default: readonly string[];
}

/** Any schema node. */
export type NodeSpec = LeafSpec | StructSpec | GroupSpec | MultiGroupSpec;

/** Options of `leaf()`. */
export type LeafOptions = Partial<Omit<LeafSpec, "kind" | "type" | "default" | "doc">>;

/** Declares a leaf; nullable when the default is null unless stated. */
export function leaf(
  type: LeafType,
  defaultValue: LeafValue,
  options: LeafOptions & { doc: string },
): LeafSpec {
  return {
    kind: "leaf",
    type,
    default: defaultValue,
    ...options,
    nullable: options.nullable ?? defaultValue === null,
  };
}

/** Declares a struct. */
export function struct(
  fields: Record<string, NodeSpec>,
  check?: StructSpec["check"],
): StructSpec {
  return { kind: "struct", fields, check };
}

/** Declares the `_target_` leaf of a group option. */
export function target(kind: ImplementationKind, option: string, classPath: string): LeafSpec {
  return leaf("str", classPath, {
    target: { kind, option },
    check: (value) =>
      findTarget(String(value), kind)?.option === option
        ? undefined
        : `is not the ${option} ${kind} (expected ${classPath}, its class name or '${option}')`,
    doc: `implementation class (upstream path; resolved by the fixed registry)`,
  });
}

/** Human name of a leaf type, for messages. */
export function typeName(spec: LeafSpec): string {
  const base = spec.type === "str_list" ? "list of str" : spec.type;
  return spec.nullable ? `${base} or null` : base;
}
