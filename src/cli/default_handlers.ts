/**
 * The handlers `cli.ts` uses when run for real. Each engine lives in
 * `src/commands/<name>.ts` and is imported only when its command runs, so
 * `balr --help` and completion stay fast. A command whose module is not in
 * this build answers "not available in this build" with exit code 2 (a
 * placeholder until every engine exists).
 * @module
 */
import type {
  BinarizeRequest,
  CliIo,
  CommandHandlers,
  DemoRequest,
  ExtractRequest,
  ScoreTestRequest,
  ScoreTrainRequest,
  TrainRequest,
} from "./handlers.ts";
import { runDoctor } from "./doctor.ts";

type Loaded<T> = { run: (req: T) => Promise<number> } | null;

/** Imports an engine module; null only when that module itself is absent. */
async function loadEngine<T>(
  url: string,
  load: () => Promise<Record<string, unknown>>,
  exportName: string,
): Promise<Loaded<T>> {
  let mod: Record<string, unknown>;
  try {
    mod = await load();
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    if (message.includes("Module not found") && message.includes(url)) return null;
    throw e;
  }
  const run = mod[exportName];
  if (typeof run !== "function") {
    throw new Error(`${url} does not export a function ${exportName}(request)`);
  }
  return { run: run as (req: T) => Promise<number> };
}

function notAvailable(io: CliIo, command: string): number {
  io.stderr(`balr ${command}: not available in this build\n`);
  return 2;
}

/**
 * A handler that imports its engine on first use: `load` imports the module
 * at `url` and `exportName` is the function it must export.
 */
export function lazyHandler<T extends { io: CliIo }>(
  command: string,
  options: { url: string; exportName: string; load: () => Promise<Record<string, unknown>> },
): (req: T) => Promise<number> {
  const { url, exportName, load } = options;
  return async (req: T) => {
    const loaded = await loadEngine<T>(url, load, exportName);
    return loaded ? loaded.run(req) : notAvailable(req.io, command);
  };
}

function engine<T extends { io: CliIo }>(
  command: string,
  file: string,
  exportName: string,
  load: () => Promise<Record<string, unknown>>,
): (req: T) => Promise<number> {
  const url = new URL(`../commands/${file}`, import.meta.url).href;
  return lazyHandler<T>(command, { url, exportName, load });
}

/**
 * The real handlers: `src/commands/extract.ts` exports `runExtract(req)`,
 * `binarize.ts` `runBinarize`, `train.ts` `runTrain`, `score_train.ts`
 * `runScoreTrain`, `score_test.ts` `runScoreTest`, `demo.ts` `runDemo`;
 * each returns the exit code.
 */
export const DEFAULT_HANDLERS: CommandHandlers = {
  extract: engine<ExtractRequest>(
    "extract",
    "extract.ts",
    "runExtract",
    () => import("../commands/extract.ts"),
  ),
  binarize: engine<BinarizeRequest>(
    "binarize",
    "binarize.ts",
    "runBinarize",
    () => import("../commands/binarize.ts"),
  ),
  train: engine<TrainRequest>(
    "train",
    "train.ts",
    "runTrain",
    () => import("../commands/train.ts"),
  ),
  scoreTrain: engine<ScoreTrainRequest>(
    "score train",
    "score_train.ts",
    "runScoreTrain",
    () => import("../commands/score_train.ts"),
  ),
  scoreTest: engine<ScoreTestRequest>(
    "score test",
    "score_test.ts",
    "runScoreTest",
    () => import("../commands/score_test.ts"),
  ),
  demo: engine<DemoRequest>("demo", "demo.ts", "runDemo", () => import("../commands/demo.ts")),
  doctor: runDoctor,
};
