/**
 * Ctrl-C for long commands (`train`, `binarize`): the first SIGINT aborts an
 * AbortSignal so the job stops at its next safe point (after the current
 * batch) with every finished file intact; a second one exits at once with
 * code 130 (writes are atomic, so no file is left half-written either way).
 * @module
 */

/** A SIGINT-driven abort signal; call `dispose()` when the job is over. */
export interface InterruptHandle {
  /** Aborted on the first SIGINT. */
  readonly signal: AbortSignal;
  /** Removes the SIGINT listener (Ctrl-C then ends the process again). */
  dispose(): void;
}

/** The exit code of a job stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Listens for SIGINT while a job runs. `notice` is printed on the first
 * Ctrl-C (e.g. "stopping after the current batch").
 */
export function interruptOnSigint(
  options: { stderr: (text: string) => void; notice: string },
): InterruptHandle {
  const controller = new AbortController();
  const listener = () => {
    if (controller.signal.aborted) Deno.exit(INTERRUPTED_EXIT_CODE);
    options.stderr(`\ninterrupted: ${options.notice} (Ctrl-C again to quit now)\n`);
    controller.abort(new DOMException("interrupted by SIGINT", "AbortError"));
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", listener);
    listening = true;
  } catch {
    // No signal support (e.g. a sandbox without it): the job just cannot be interrupted cleanly.
  }
  return {
    signal: controller.signal,
    dispose() {
      if (listening) Deno.removeSignalListener("SIGINT", listener);
      listening = false;
    },
  };
}
