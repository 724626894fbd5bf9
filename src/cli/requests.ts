/**
 * From parsed command-line arguments to a typed request: resolve the config
 * (overrides, then the options the user gave), check input paths, and run
 * the checks a command needs before any work starts.
 * @module
 */
import { resolve } from "node:path";
import { ConfigError } from "../config/config_error.ts";
import { type ConfigSetting, resolveConfig } from "../config/resolve_config.ts";
import type { BalrConfig } from "../config/types.ts";
import type {
  BinarizeRequest,
  CliIo,
  CommonRequest,
  DemoRequest,
  ExtractRequest,
  ScoreTestRequest,
  ScoreTrainRequest,
  SynthRequest,
  TrainRequest,
  VerifyRequest,
} from "./handlers.ts";
import { parseShard } from "./shard.ts";
import { UsageError } from "./usage_error.ts";

/** Commands driven by a run configuration. */
export type ConfigCommand =
  | "extract"
  | "binarize"
  | "train"
  | "score train"
  | "score test"
  | "demo"
  | "verify"
  | "synth";

/** One command line after commander parsed it. */
export interface ParsedCommand {
  /** Which command. */
  readonly command: ConfigCommand;
  /** Positional paths by name (`input`, `train`, `val`, `test`, `trials`). */
  readonly paths: Readonly<Record<string, string>>;
  /** Hydra-style overrides as typed. */
  readonly overrides: readonly string[];
  /** commander's option values (camelCase names). */
  readonly opts: Readonly<Record<string, unknown>>;
  /** True when the user typed the option (not a default). */
  readonly given: (name: string) => boolean;
}

/** What building a request needs from the outside. */
export interface RequestContext {
  /** Where handlers print. */
  readonly io: CliIo;
  /** Base for relative paths (default: the current directory). */
  readonly cwd: string;
  /** Environment lookup for `${oc.env:…}`. */
  readonly env: (name: string) => string | undefined;
}

/** Positional argument label, path key, and what it must be. */
const POSITIONALS: Record<
  ConfigCommand,
  [label: string, key: string, kind: "any" | "file" | "new"][]
> = {
  "extract": [["INPUT", "input", "any"]],
  "binarize": [["INPUT", "input", "any"]],
  "train": [["TRAIN", "train", "any"], ["VAL", "val", "any"]],
  "score train": [["TRAIN", "train", "any"]],
  "score test": [["TEST", "test", "any"], ["TRIALS", "trials", "file"]],
  "demo": [],
  "verify": [["INPUT", "input", "any"]],
  "synth": [["OUT_DIR", "outDir", "new"]],
};

/** Default save dirs of the commands that always save (upstream's). */
export const DEFAULT_SAVE_DIRS: Readonly<Record<string, string>> = {
  "train": "runs/train",
  "score train": "runs/scorer/train",
  "score test": "runs/score",
};

/** Resolves the configuration of a command line (what `--cfg` prints). */
export function resolveCommandConfig(parsed: ParsedCommand, ctx: RequestContext): BalrConfig {
  const settings: ConfigSetting[] = [];
  const main = POSITIONALS[parsed.command][0];
  if (main && main[2] !== "new") {
    settings.push({ key: "input", value: parsed.paths[main[1]], source: `argument ${main[0]}` });
  }
  const fromOption = (name: string, key: string, flag: string) => {
    if (parsed.given(name)) {
      settings.push({ key, value: parsed.opts[name] ?? null, source: `option ${flag}` });
    }
  };
  fromOption("saveDir", "save_dir", "--save-dir");
  fromOption("existOk", "exist_ok", "--exist-ok/--no-exist-ok");
  fromOption("audioFormats", "audio_formats", "--audio-formats");
  fromOption("device", "device", "--device");
  fromOption("saveOutput", "save_output", "--save-output/--no-save-output");
  return resolveConfig({
    overrides: parsed.overrides,
    configPath: (parsed.opts.configPath as string | undefined) ?? null,
    configName: parsed.opts.configName as string | undefined,
    cwd: ctx.cwd,
    settings,
    env: ctx.env,
  });
}

/** Checks that the positional paths and `--root-dir` exist. */
export function checkPaths(parsed: ParsedCommand, ctx: RequestContext): void {
  for (const [label, key, kind] of POSITIONALS[parsed.command]) {
    if (kind !== "new") checkPath(label, parsed.paths[key], ctx.cwd, kind);
  }
  const rootDir = parsed.opts.rootDir as string | undefined;
  if (rootDir !== undefined) checkPath("--root-dir", rootDir, ctx.cwd, "dir");
}

function checkPath(label: string, path: string, cwd: string, kind: "any" | "file" | "dir"): void {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(resolve(cwd, path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`Invalid value for '${label}': path '${path}' does not exist.`);
    }
    throw new UsageError(`Invalid value for '${label}': cannot read '${path}': ${e}`);
  }
  if (kind === "file" && stat.isDirectory) {
    throw new UsageError(`Invalid value for '${label}': path '${path}' is a directory.`);
  }
  if (kind === "dir" && !stat.isDirectory) {
    throw new UsageError(`Invalid value for '${label}': path '${path}' is not a directory.`);
  }
}

/** Builds the typed request of a config-driven command. */
export function buildRequest(
  parsed: ParsedCommand,
  options: RequestContext & { config: BalrConfig },
):
  | ExtractRequest
  | BinarizeRequest
  | TrainRequest
  | ScoreTrainRequest
  | ScoreTestRequest
  | DemoRequest
  | VerifyRequest
  | SynthRequest {
  const { config } = options;
  const common: CommonRequest = {
    config,
    overrides: [...parsed.overrides],
    device: config.device,
    audioFormats: [...config.audio_formats],
    rootDir: (parsed.opts.rootDir as string | undefined) ?? null,
    existOk: config.exist_ok,
    io: options.io,
  };
  const shard = () =>
    parsed.opts.shard === undefined ? null : parseShard(String(parsed.opts.shard));
  const savedUnder = (command: string) => config.save_dir ?? DEFAULT_SAVE_DIRS[command];
  switch (parsed.command) {
    case "extract":
    case "binarize":
      return {
        ...common,
        command: parsed.command,
        input: parsed.paths.input,
        force: Boolean(parsed.opts.force),
        saveOutput: config.save_output,
        saveDir: config.save_dir,
        shard: shard(),
      };
    case "train":
      checkTrainingConfig(config);
      return {
        ...common,
        command: "train",
        train: parsed.paths.train,
        val: parsed.paths.val,
        saveDir: savedUnder("train"),
      };
    case "score train":
      return {
        ...common,
        command: "score train",
        train: parsed.paths.train,
        saveDir: savedUnder("score train"),
      };
    case "score test": {
      checkScoringConfig(config);
      const explain = parsed.opts.explain === undefined
        ? null
        : parseCount("--explain", String(parsed.opts.explain), { min: 1 });
      const explainPlots = parseCount("--explain-plots", String(parsed.opts.explainPlots ?? 0), {
        min: 0,
      });
      checkExplainable(
        config,
        explain !== null ? "--explain" : explainPlots > 0 ? "--explain-plots" : null,
      );
      return {
        ...common,
        command: "score test",
        test: parsed.paths.test,
        trials: parsed.paths.trials,
        sep: parseSeparator(String(parsed.opts.sep ?? "\t")),
        saveDir: savedUnder("score test"),
        explain,
        explainPlots,
      };
    }
    case "synth":
      return {
        ...common,
        command: "synth",
        outDir: parsed.paths.outDir,
        speakers: parseCount("--speakers", String(parsed.opts.speakers ?? "64"), { min: 4 }),
        utterances: parseCount("--utterances", String(parsed.opts.utterances ?? "8"), { min: 2 }),
        seed: parseCount("--seed", String(parsed.opts.seed ?? "1234"), { min: 0 }),
      };
    case "verify":
      return {
        ...common,
        command: "verify",
        input: parsed.paths.input,
        kind: parsed.opts.kind === "ba" ? "binaryAttributes" : "embedding",
        saveDir: config.save_dir,
        manifest: (parsed.opts.manifest as string | undefined) ?? null,
      };
    case "demo":
      return {
        ...common,
        command: "demo",
        saveDir: config.save_dir,
        size: String(parsed.opts.size ?? "default") as DemoRequest["size"],
        audio: (parsed.opts.audio as string | undefined) ?? null,
      };
  }
}

/** Training needs at least one loss and, with an NxM sampler, batch_size = N × M. */
export function checkTrainingConfig(config: BalrConfig): void {
  if (Object.keys(config.trainer.losses).length === 0) {
    throw new ConfigError(
      "trainer.losses is empty: select at least one loss, e.g. 'trainer.losses=[mse, triplet]'",
      { key: "trainer.losses" },
    );
  }
  const { sampler, batch_size, N_classes_per_batch: n, M_samples_per_class: m } = config.data;
  if (sampler !== null && batch_size !== n * m) {
    throw new ConfigError(
      `data.batch_size=${batch_size} must equal data.N_classes_per_batch × ` +
        `data.M_samples_per_class = ${n} × ${m} = ${n * m} with the NxM sampler ${sampler}`,
      { key: "data.batch_size" },
    );
  }
}

/** Every scorer but cosine needs fitted parameters to score trials. */
export function checkScoringConfig(config: BalrConfig): void {
  const scorer = config.scorer;
  if (scorer.name !== "cosine" && scorer.checkpoint_path === null) {
    throw new ConfigError(
      `scorer=${scorer.name} needs fitted parameters: set scorer.checkpoint_path=PATH ` +
        `(the scorer.pt written by 'balr score train')`,
      { key: "scorer.checkpoint_path" },
    );
  }
}

/** An integer option value >= `min` (`--explain 5`); anything else is a usage error. */
export function parseCount(option: string, text: string, options: { min: number }): number {
  const { min } = options;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${option} must be an integer >= ${min}, got '${text}'`);
  }
  return value;
}

/** Explanations split an LLR over attributes; cosine scores do not split (SPEC §9). */
export function checkExplainable(config: BalrConfig, option: string | null): void {
  if (option !== null && config.scorer.name === "cosine") {
    throw new UsageError(
      `${option}: scorer=cosine cannot be explained (its score is a product of per-column ` +
        `cosines, not a sum over attributes); use scorer=beta, dna, speech or maxllr`,
    );
  }
}

/** `--sep`: a literal separator; `\t` and `tab` mean a tab. */
export function parseSeparator(text: string): string {
  if (text === "\\t" || text.toLowerCase() === "tab") return "\t";
  if (text === "") throw new UsageError("--sep must not be empty");
  return text;
}
