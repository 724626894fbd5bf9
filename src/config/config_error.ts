/**
 * The one error class of the configuration layer, so callers (the CLI) can
 * tell a user mistake in a key, value or YAML file from a bug.
 * @module
 */

/** Where a bad value came from, to name it in the message. */
export interface ConfigErrorOptions {
  /** The dotted config key at fault, when there is one. */
  key?: string;
  /** The override text or YAML file that supplied the value. */
  source?: string;
  /** The underlying error (YAML syntax error, file error). */
  cause?: unknown;
}

/**
 * A configuration problem found before any work starts: unknown key, wrong
 * type, unknown group option, bad override syntax, missing primary config,
 * interpolation cycle. The message names the key, value and source.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./config_error.ts";
 * const e = new ConfigError("trainer.epochs: expected int", { key: "trainer.epochs" });
 * console.assert(e.key === "trainer.epochs");
 * ```
 */
export class ConfigError extends Error {
  /** The dotted config key at fault, when there is one. */
  readonly key?: string;
  /** The override text or YAML file that supplied the value. */
  readonly source?: string;

  /** `message`, with " (from <source>)" appended when a source is given. */
  constructor(message: string, options: ConfigErrorOptions = {}) {
    const where = options.source ? ` (from ${options.source})` : "";
    super(message + where, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConfigError";
    this.key = options.key;
    this.source = options.source;
  }
}
