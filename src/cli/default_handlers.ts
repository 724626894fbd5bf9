/**
 * The handlers `cli.ts` uses when run for real. Each engine lives in
 * `src/commands/<name>.ts` and is imported only when its command runs, so
 * `balr --help` and completion stay fast.
 * @module
 */
import type { CommandHandlers } from "./handlers.ts";
import { runDoctor } from "./doctor.ts";

/**
 * The real handlers: `src/commands/extract.ts` exports `runExtract(req)`,
 * `binarize.ts` `runBinarize`, `train.ts` `runTrain`, `score_train.ts`
 * `runScoreTrain`, `score_test.ts` `runScoreTest`, `demo.ts` `runDemo`,
 * `verify.ts` `runVerify`, `synth.ts` `runSynth`; each returns the exit code.
 */
export const DEFAULT_HANDLERS: CommandHandlers = {
  extract: async (req) => (await import("../commands/extract.ts")).runExtract(req),
  binarize: async (req) => (await import("../commands/binarize.ts")).runBinarize(req),
  train: async (req) => (await import("../commands/train.ts")).runTrain(req),
  scoreTrain: async (req) => (await import("../commands/score_train.ts")).runScoreTrain(req),
  scoreTest: async (req) => (await import("../commands/score_test.ts")).runScoreTest(req),
  demo: async (req) => (await import("../commands/demo.ts")).runDemo(req),
  verify: async (req) => (await import("../commands/verify.ts")).runVerify(req),
  synth: async (req) => (await import("../commands/synth.ts")).runSynth(req),
  doctor: runDoctor,
};
