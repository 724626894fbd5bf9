/**
 * The `balr` command tree (commander): upstream's commands, arguments,
 * options and help texts (SPEC §2), plus our `doctor`, `demo`, `--cfg`,
 * `--shard`, `--version` and shell completion. Actions only parse, resolve
 * the config and hand a typed request to a handler.
 * @module
 */
import { Command, Option } from "commander";
import { toYaml } from "../config/to_yaml.ts";
import { DEFAULT_DEVICE } from "../config/extras.ts";
import {
  COMPLETION_SHELLS,
  completionScript,
  detectShell,
  installCompletion,
} from "./completion.ts";
import type { CliIo, CommandHandlers, CommandRequest } from "./handlers.ts";
import { addCommonOptions, addOutputOptions, OPTION_TERMS, OVERRIDES_HELP } from "./options.ts";
import {
  buildRequest,
  checkPaths,
  type ConfigCommand,
  type ParsedCommand,
  resolveCommandConfig,
} from "./requests.ts";
import { parseShard } from "./shard.ts";
import { UsageError } from "./usage_error.ts";
import { versionText } from "./version.ts";

/** What the program's actions need. */
export interface ProgramContext {
  /** Command implementations. */
  readonly handlers: CommandHandlers;
  /** Output streams. */
  readonly io: CliIo;
  /** Base for relative paths. */
  readonly cwd: string;
  /** Environment lookup. */
  readonly env: (name: string) => string | undefined;
  /** Adapter line for `--version` (null = none found quickly). */
  readonly probeAdapter: () => Promise<string | null>;
  /** Exit code of the action that ran (set by the actions). */
  exitCode: number;
}

const COMMANDS: readonly string[] = [
  "extract",
  "binarize",
  "train",
  "score",
  "verify",
  "synth",
  "doctor",
  "demo",
];

/** Builds a fresh program (commander keeps parse state, so one per run). */
export function buildProgram(ctx: ProgramContext): Command {
  const program = new Command("balr")
    .description(
      "BA-LR: binary-attribute likelihood ratios for explainable speaker recognition, " +
        "on WebGPU.",
    )
    .usage("[OPTIONS] COMMAND [ARGS]...")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      outputError: (s, write) => write(`balr: ${s}`),
    })
    .configureHelp({
      optionTerm: (option) => OPTION_TERMS.get(option) ?? option.flags,
    })
    .showHelpAfterError("(add --help for usage)")
    .allowExcessArguments();

  program
    .option("--version", "Show the version (and the WebGPU adapter) and exit.")
    .option("--install-completion", "Install completion for the current shell.")
    .option(
      "--show-completion",
      "Show completion for the current shell, to copy it or customize the installation.",
    )
    .addOption(
      new Option("--shell <SHELL>", "Shell for the two options above (default: from $SHELL).")
        .choices([...COMPLETION_SHELLS]),
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      if (cmd.args.length) {
        throw new UsageError(
          `unknown command '${cmd.args[0]}' (commands: ${COMMANDS.join(", ")})`,
        );
      }
      if (opts.version) {
        ctx.io.stdout(await versionText(ctx.probeAdapter));
      } else if (opts.showCompletion || opts.installCompletion) {
        const shell = detectShell(opts.shell as string | undefined, ctx.env);
        const script = completionScript(shell, { program });
        if (opts.showCompletion) ctx.io.stdout(script);
        if (opts.installCompletion) {
          const done = await installCompletion(shell, { script, env: ctx.env });
          ctx.io.stdout(
            `${shell} completion installed in ${done.script}` +
              (done.rcChanged
                ? `, sourced from ${done.rcFile}`
                : ` (${done.rcFile} already sources it)`) +
              `.\nRestart your shell or run: source ${done.script}\n`,
          );
        }
      } else {
        program.outputHelp();
      }
      ctx.exitCode = 0;
    });

  const extract = program.command("extract")
    .description("Run embedding extraction on inputs.")
    .argument("<INPUT>", "Path to input file, directory or csv.")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  addOutputOptions(extract, "embeddings");
  addCommonOptions(extract);
  extract.addHelpText(
    "after",
    "\nExamples:\n  balr extract data/voxceleb1\n" +
      "  balr extract data/voxceleb1 --save-dir runs/emb data.batch_size=16\n",
  );
  extract.action(configAction(ctx, "extract", ["input"]));

  const binarize = program.command("binarize")
    .description("Run embedding binarization on inputs.")
    .argument("<INPUT>", "Path to input file, directory or csv.")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  addOutputOptions(binarize, "BA vectors");
  addCommonOptions(binarize);
  binarize.action(configAction(ctx, "binarize", ["input"]));

  const train = program.command("train")
    .description("Run binary attribute encoder training on train and val datasets.")
    .argument("<TRAIN>", "Path to train dataset.")
    .argument("<VAL>", "Path to val dataset.")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  addCommonOptions(train, { saveDirDefault: "runs/train" });
  train.addHelpText(
    "after",
    "\nExample:\n  balr train train.csv val.csv trainer.epochs=10 " +
      "'trainer.losses=[mse, arcface]' trainer.losses.arcface.weight=1\n",
  );
  train.action(configAction(ctx, "train", ["train", "val"]));

  const score = program.command("score").description("Scoring related commands.");
  const scoreTrain = score.command("train")
    .description("Run scorer training on a training dataset.")
    .argument("<TRAIN>", "Path to train dataset.")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  addCommonOptions(scoreTrain, { saveDirDefault: "runs/scorer/train" });
  scoreTrain.action(configAction(ctx, "score train", ["train"]));

  const scoreTest = score.command("test")
    .description("Run scorer on a test dataset with a list of trials (enrollment and test pairs).")
    .argument("<TEST>", "Path to test dataset.")
    .argument("<TRIALS>", "Path to trials list.")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  scoreTest.addOption(
    new Option("--sep <TEXT>", "Separator char for trials list (\\t or tab for a tab).")
      .default("\t", "tab"),
  );
  scoreTest.addOption(
    new Option(
      "--explain <K>",
      "Write explanations.csv: per trial, the K attributes whose LLR contributions speak " +
        "most for and against the same speaker (any scorer but cosine).",
    ),
  );
  scoreTest.addOption(
    new Option(
      "--explain-plots <N>",
      "Write explanation bar charts explain/trial_<i>.svg for the first N trials.",
    ).default("0", "0"),
  );
  addCommonOptions(scoreTest, { saveDirDefault: "runs/score" });
  scoreTest.addHelpText(
    "after",
    "\nExamples:\n  balr score test test.csv trials.csv " +
      "scorer.checkpoint_path=runs/scorer/train/scorer.pt\n" +
      "  balr score test test.csv trials.csv scorer.checkpoint_path=runs/scorer/train/scorer.pt " +
      "--explain 5 --explain-plots 10\n",
  );
  scoreTest.action(configAction(ctx, "score test", ["test", "trials"]));

  const verify = program.command("verify")
    .description(
      "Check that every item of a dataset has its output (after a sharded extract or " +
        "binarize) and optionally write the merged dataset as a csv.",
    )
    .argument("<INPUT>", "Path to input file, directory or csv (as given to the batch).")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  verify.addOption(
    new Option("--kind <KIND>", "Which output to check.").choices(["embedding", "ba"]).default(
      "embedding",
    ),
  );
  verify.addOption(
    new Option(
      "--manifest <PATH>",
      "Write id, audio, vector path and speaker of every valid item.",
    ),
  );
  addCommonOptions(verify);
  verify.addHelpText(
    "after",
    "\nExample (after a job array of `balr extract ... --shard $i/16 --save-dir runs/emb`):\n" +
      "  balr verify data/voxceleb2 --save-dir runs/emb --manifest runs/emb/embeddings.csv\n",
  );
  verify.action(configAction(ctx, "verify", ["input"]));

  const synth = program.command("synth")
    .description(
      "Write a synthetic embedding corpus (train/val/reference/test csv files, _emb.pkl " +
        "files and a trials list) to try train, binarize and score without a model.",
    )
    .argument("<OUT_DIR>", "Folder to write (created).")
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  synth.addOption(new Option("--speakers <N>", "Training speakers.").default("64"));
  synth.addOption(new Option("--utterances <N>", "Recordings per speaker.").default("8"));
  synth.addOption(new Option("--seed <N>", "Population seed.").default("1234"));
  addCommonOptions(synth, { datasets: false });
  synth.action(configAction(ctx, "synth", ["outDir"]));

  program.command("doctor")
    .description("Report the WebGPU adapter, the device limits balr uses and the Deno version.")
    .addOption(
      new Option("--device <TEXT>", "WebGPU device to open.").default(
        DEFAULT_DEVICE,
        DEFAULT_DEVICE,
      ),
    )
    .action(async (opts: { device: string }) => {
      ctx.exitCode = await ctx.handlers.doctor({
        command: "doctor",
        device: opts.device,
        io: ctx.io,
      });
    });

  const demo = program.command("demo")
    .description(
      "Run BA-LR end to end on a built-in synthetic speaker population: train a BAE, " +
        "binarize, fit every scorer, score held-out trials and compare with cosine scoring.",
    )
    .argument("[OVERRIDES...]", OVERRIDES_HELP);
  demo.addOption(
    new Option("--size <SIZE>", "Population size preset.").choices(["small", "default", "large"])
      .default("default"),
  );
  demo.addOption(
    new Option(
      "--audio <DIR>",
      "With embeddings.model.model_dir=..., also extract and binarize this audio folder " +
        "(default: ../shared/data/voxceleb when present).",
    ),
  );
  addCommonOptions(demo, { datasets: false, saveDirDefault: "runs/demo" });
  demo.addHelpText(
    "after",
    "\nExamples:\n  balr demo\n  balr demo --size small trainer.epochs=2\n" +
      "  balr demo embeddings.model.model_dir=models/wespeaker-voxceleb-resnet34-LM " +
      "--audio ../shared/data/voxceleb\n",
  );
  demo.action(configAction(ctx, "demo", []));

  return program;
}

/** The action of a config-driven command. */
function configAction(
  ctx: ProgramContext,
  command: ConfigCommand,
  names: readonly string[],
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const values = cmd.processedArgs as unknown[];
    const parsed: ParsedCommand = {
      command,
      paths: Object.fromEntries(names.map((n, i) => [n, String(values[i])])),
      overrides: (values[names.length] as string[] | undefined) ?? [],
      opts: cmd.opts(),
      given: (name) => cmd.getOptionValueSource(name) === "cli",
    };
    checkPaths(parsed, ctx);
    if (parsed.opts.shard !== undefined) parseShard(String(parsed.opts.shard));
    const config = resolveCommandConfig(parsed, ctx);
    if (parsed.opts.cfg) {
      ctx.io.stdout(toYaml(config));
      ctx.exitCode = 0;
      return;
    }
    const request = buildRequest(parsed, { ...ctx, config });
    ctx.exitCode = await dispatch(ctx.handlers, request);
  };
}

function dispatch(handlers: CommandHandlers, request: CommandRequest): Promise<number> {
  switch (request.command) {
    case "extract":
      return handlers.extract(request);
    case "binarize":
      return handlers.binarize(request);
    case "train":
      return handlers.train(request);
    case "score train":
      return handlers.scoreTrain(request);
    case "score test":
      return handlers.scoreTest(request);
    case "demo":
      return handlers.demo(request);
    case "verify":
      return handlers.verify(request);
    case "synth":
      return handlers.synth(request);
    case "doctor":
      return handlers.doctor(request);
  }
}
