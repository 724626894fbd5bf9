/**
 * Hydra-style run configuration: typed tree with upstream's names and
 * defaults, override grammar, YAML primary configs, interpolation,
 * validation, the `_target_` registry, and YAML output.
 * @module
 */
export * from "./config_error.ts";
export * from "./types.ts";
export * from "./registry.ts";
export { BALR_SCHEMA, DEFAULT_AUDIO_FORMATS, GROUP_PATHS } from "./schema.ts";
export { BETA_SCORER_EXTRAS, DEFAULT_DEVICE } from "./extras.ts";
export type { LeafSpec, LeafType, LeafValue, NodeSpec } from "./schema_nodes.ts";
export { type Override, type OverrideOp, parseOverride } from "./override_parser.ts";
export { parseOverrideValue } from "./yaml_value.ts";
export {
  type ConfigSetting,
  defaultConfig,
  resolveConfig,
  type ResolveOptions,
} from "./resolve_config.ts";
export {
  type ComposeEvent,
  loadPrimaryConfig,
  type PrimaryConfig,
  type PrimaryConfigOptions,
} from "./primary_config.ts";
export { type InterpolationOptions, resolveInterpolations } from "./interpolation.ts";
export { parseResolvedConfig, readResolvedConfig, toPlainConfig, toYaml } from "./to_yaml.ts";
export { type ConfigKey, type ConfigKeys, listConfigKeys } from "./config_keys.ts";
