/**
 * The `balr` command line: upstream's `extract`, `binarize`, `train`,
 * `score train`, `score test` (same arguments, options and hydra-style
 * overrides), plus `doctor`, `demo`, `--cfg`, `--shard` and shell
 * completion. Parsing and config resolution happen here; the work is done
 * by the handlers of `src/cli/default_handlers.ts`.
 *
 * ```sh
 * deno task balr --help
 * deno task balr train train.csv val.csv trainer.epochs=10 data.shuffle=False
 * ```
 * @module
 */
import { CommanderError } from "commander";
import { ConfigError } from "./src/config/config_error.ts";
import type { CliIo, CommandHandlers } from "./src/cli/handlers.ts";
import { buildProgram, type ProgramContext } from "./src/cli/program.ts";
import { UsageError } from "./src/cli/usage_error.ts";
import { probeAdapterLine } from "./src/cli/version.ts";

export type {
  BinarizeRequest,
  CliIo,
  CommandHandlers,
  CommandRequest,
  CommonRequest,
  DemoRequest,
  DoctorRequest,
  ExtractRequest,
  ScoreTestRequest,
  ScoreTrainRequest,
  Shard,
  TrainRequest,
} from "./src/cli/handlers.ts";

/** Options of `main` (tests capture output and point at temp dirs). */
export interface MainOptions {
  /** Output streams (default: the process's stdout/stderr). */
  io?: CliIo;
  /** Base for relative paths (default: the current directory). */
  cwd?: string;
  /** Environment lookup (default: Deno.env, when permitted). */
  env?: (name: string) => string | undefined;
  /** Adapter line for `--version` (default: ask WebGPU, 2 s at most). */
  probeAdapter?: () => Promise<string | null>;
}

/** Writes to the process's streams. */
export const PROCESS_IO: CliIo = {
  stdout: (text) => writeAll(Deno.stdout, text),
  stderr: (text) => writeAll(Deno.stderr, text),
};

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.length) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (e) {
    // `balr doctor | head` closes the pipe early; that is not an error of ours.
    if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
  }
}

function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Runs one command line and returns its exit code: 0 success, 1 failure
 * while running, 2 usage or configuration error (printed as
 * `balr: error: …`, with the stack only when BALR_DEBUG=1). Missing
 * handlers fall back to the real ones.
 *
 * @example
 * ```ts ignore
 * const code = await main(["train", "train.csv", "val.csv", "trainer.epochs=5"], {
 *   train: (req) => { console.log(req.config.trainer.epochs); return Promise.resolve(0); },
 * });
 * ```
 */
export async function main(
  args: readonly string[],
  handlers: Partial<CommandHandlers> = {},
  options: MainOptions = {},
): Promise<number> {
  const io = options.io ?? PROCESS_IO;
  const env = options.env ?? processEnv;
  const needsDefaults = Object.keys(handlers).length < 9;
  const defaults = needsDefaults
    ? (await import("./src/cli/default_handlers.ts")).DEFAULT_HANDLERS
    : undefined;
  const ctx: ProgramContext = {
    handlers: { ...defaults, ...handlers } as CommandHandlers,
    io,
    cwd: options.cwd ?? Deno.cwd(),
    env,
    probeAdapter: options.probeAdapter ?? (() => probeAdapterLine()),
    exitCode: 0,
  };
  try {
    await buildProgram(ctx).parseAsync([...args], { from: "user" });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed the message or help already.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    const usage = e instanceof ConfigError || e instanceof UsageError;
    io.stderr(`balr: error: ${(e as Error)?.message ?? String(e)}\n`);
    if (env("BALR_DEBUG") === "1" && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return usage ? 2 : 1;
  }
}

if (import.meta.main) {
  const code = await main(Deno.args);
  // Exit explicitly: a pending adapter request (--version) must not keep us alive.
  Deno.exit(code);
}
