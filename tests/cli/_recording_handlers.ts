/**
 * Handlers that record each request instead of running it, so CLI tests
 * check exactly what a command line resolves to.
 */
import type { CommandHandlers, CommandRequest } from "../../src/cli/handlers.ts";

/** Every handler pushes its request onto `calls` and returns `exitCode`. */
export function recordingHandlers(calls: CommandRequest[], exitCode = 0): CommandHandlers {
  const record = (req: CommandRequest) => {
    calls.push(req);
    return Promise.resolve(exitCode);
  };
  return {
    extract: record,
    binarize: record,
    train: record,
    scoreTrain: record,
    scoreTest: record,
    demo: record,
    verify: record,
    synth: record,
    doctor: record,
  };
}
