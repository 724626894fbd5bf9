/**
 * A mistake in how the command was called (missing input path, bad option
 * value), as opposed to a failure while running it. Printed without a stack
 * trace, exit code 2.
 * @module
 */

/** A command-line usage error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
