/**
 * The command-line options of SPEC §2, with upstream's names, defaults and
 * help texts, declared once and attached to each command.
 * @module
 */
import { type Command, Option } from "commander";
import { DEFAULT_AUDIO_FORMATS } from "../config/schema.ts";
import { DEFAULT_DEVICE } from "../config/extras.ts";

/** Help text of the shared positional OVERRIDES argument. */
export const OVERRIDES_HELP = "Optional hydra config overrides (key=value, group=option, " +
  "+key=value, ++key=value, ~key).";

/** The help term shown for options that have a `--no-` twin (`--force / --no-force`). */
export const OPTION_TERMS: WeakMap<Option, string> = new WeakMap();

/** Adds `--name / --no-name` (the negation is hidden from help but accepted). */
export function addFlagPair(
  cmd: Command,
  name: string,
  options: { help: string; default: boolean },
): void {
  const positive = new Option(`--${name}`, options.help).default(
    options.default,
    options.default ? name : `no-${name}`,
  );
  OPTION_TERMS.set(positive, `--${name} / --no-${name}`);
  cmd.addOption(positive);
  cmd.addOption(new Option(`--no-${name}`).hideHelp());
}

// The default list is a distinct array so the collector can tell "still the
// default" from "the user gave some" and start afresh.
const AUDIO_FORMATS_DEFAULT: string[] = [...DEFAULT_AUDIO_FORMATS];

function collectFormats(value: string, previous: string[]): string[] {
  const given = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return previous === AUDIO_FORMATS_DEFAULT ? given : [...previous, ...given];
}

/** Which of the shared options a command offers. */
export interface CommonOptionSet {
  /** Default save dir named in `--save-dir`'s help (e.g. `runs/train`). */
  saveDirDefault?: string;
  /** Offer `--audio-formats` and `--root-dir` (commands that read datasets). */
  datasets?: boolean;
}

/** Adds the options every config-driven command has (SPEC §2), plus `--cfg`. */
export function addCommonOptions(cmd: Command, set: CommonOptionSet = {}): void {
  cmd.addOption(
    new Option(
      "--save-dir <PATH>",
      set.saveDirDefault
        ? `Save directory (default: ${set.saveDirDefault}).`
        : "Save directory (default: beside the input files).",
    ),
  );
  addFlagPair(cmd, "exist-ok", {
    help: "Save results in save_dir even if it already exists. If false, save_dir will be " +
      "incremented with a suffix if it already exists.",
    default: false,
  });
  if (set.datasets !== false) {
    cmd.addOption(
      new Option(
        "--audio-formats <TEXT>",
        "Extensions of audio files to load from input directory (repeatable, or comma-separated).",
      ).default(AUDIO_FORMATS_DEFAULT, DEFAULT_AUDIO_FORMATS.join(", ")).argParser(
        collectFormats,
      ),
    );
    cmd.addOption(
      new Option(
        "--root-dir <PATH>",
        "Root directory to use as prefix for relative paths in a csv metadata file " +
          "(default: the csv file's folder).",
      ),
    );
  }
  cmd.addOption(
    new Option(
      "--device <TEXT>",
      "WebGPU device: auto (hardware GPU, else software), gpu, cpu (software adapter); " +
        "cuda and cuda:N mean gpu.",
    ).default(DEFAULT_DEVICE, DEFAULT_DEVICE),
  );
  cmd.addOption(
    new Option(
      "--config-path <TEXT>",
      "hydra config path: directory of YAML configs, relative to the current directory.",
    ),
  );
  cmd.addOption(
    new Option("--config-name <TEXT>", "hydra config name").default("config", "config"),
  );
  cmd.addOption(
    new Option("--cfg", "Print the resolved configuration as YAML and exit (hydra's --cfg job)."),
  );
}

/** Adds `--force/--no-force` and `--save-output/--no-save-output` (extract, binarize). */
export function addOutputOptions(cmd: Command, what: string): void {
  addFlagPair(cmd, "force", {
    help: `Force extraction of samples that already have ${what}.`,
    default: false,
  });
  addFlagPair(cmd, "save-output", { help: "Save outputs.", default: true });
  cmd.addOption(
    new Option(
      "--shard <i/n>",
      "Process only shard i of n (0-based, e.g. 0/4) of the sorted dataset, for job arrays.",
    ),
  );
}
