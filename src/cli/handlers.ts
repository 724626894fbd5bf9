/**
 * What the command line hands to the engines: one typed request per
 * command, holding the resolved `BalrConfig` plus the command's own
 * options, and the handler interface that runs it. The CLI never does the
 * work itself; tests inject fake handlers to see what a command line means.
 * @module
 */
import type { BalrConfig } from "../config/types.ts";

/** Where a handler prints (stdout for results, stderr for progress and warnings). */
export interface CliIo {
  /** Writes text to standard output (no newline added). */
  stdout(text: string): void;
  /** Writes text to standard error (no newline added). */
  stderr(text: string): void;
}

/** A `--shard i/n` job-array slice: this process handles shard `index` of `count` (0-based). */
export interface Shard {
  /** 0-based shard index, `0 <= index < count`. */
  readonly index: number;
  /** Number of shards. */
  readonly count: number;
}

/** Options every config-driven command has. */
export interface CommonRequest {
  /** Resolved configuration (defaults + primary YAML + overrides + options). */
  readonly config: BalrConfig;
  /** The overrides as typed. */
  readonly overrides: readonly string[];
  /** `--device` text as resolved (`config.device`). */
  readonly device: string;
  /** Audio extensions (`config.audio_formats`). */
  readonly audioFormats: readonly string[];
  /** `--root-dir`: prefix for relative paths in a csv; null = the csv's folder. */
  readonly rootDir: string | null;
  /** Reuse an existing save dir instead of incrementing it (`config.exist_ok`). */
  readonly existOk: boolean;
  /** Where to print. */
  readonly io: CliIo;
}

/** `balr extract INPUT`. */
export interface ExtractRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "extract";
  /** Audio file, folder or csv (`config.input`). */
  readonly input: string;
  /** Also process samples that already have an embedding. */
  readonly force: boolean;
  /** Write the vectors (`config.save_output`). */
  readonly saveOutput: boolean;
  /** `config.save_dir`; null = beside each reference file. */
  readonly saveDir: string | null;
  /** `--shard i/n`; null = the whole dataset. */
  readonly shard: Shard | null;
}

/** `balr binarize INPUT`. */
export interface BinarizeRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "binarize";
  /** Audio/vector file, folder or csv (`config.input`). */
  readonly input: string;
  /** Also process samples that already have a BA vector. */
  readonly force: boolean;
  /** Write the vectors (`config.save_output`). */
  readonly saveOutput: boolean;
  /** `config.save_dir`; null = beside each reference file. */
  readonly saveDir: string | null;
  /** `--shard i/n`; null = the whole dataset. */
  readonly shard: Shard | null;
}

/** `balr train TRAIN VAL`. */
export interface TrainRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "train";
  /** Training dataset (`config.input`). */
  readonly train: string;
  /** Validation dataset. */
  readonly val: string;
  /** `config.save_dir`, or `runs/train` when not given (before incrementing, §8). */
  readonly saveDir: string;
}

/** `balr score train TRAIN`. */
export interface ScoreTrainRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "score train";
  /** Reference population (`config.input`). */
  readonly train: string;
  /** `config.save_dir`, or `runs/scorer/train` when not given (before incrementing). */
  readonly saveDir: string;
}

/** `balr score test TEST TRIALS`. */
export interface ScoreTestRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "score test";
  /** Test dataset (`config.input`). */
  readonly test: string;
  /** Trials list. */
  readonly trials: string;
  /** Separator of the trials file and of scores.csv (default tab). */
  readonly sep: string;
  /** `config.save_dir`, or `runs/score` when not given (before incrementing). */
  readonly saveDir: string;
  /** `--explain K` (ours): write explanations.csv with K attributes for and against; null = none. */
  readonly explain: number | null;
  /** `--explain-plots N` (ours): bar charts `explain/trial_<i>.svg` of the first N trials (0 = none). */
  readonly explainPlots: number;
}

/** `balr demo` (ours). */
export interface DemoRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "demo";
  /** `config.save_dir`; null = the demo's default. */
  readonly saveDir: string | null;
  /** Population size preset (`--size`). */
  readonly size: "small" | "default" | "large";
  /** Audio folder to extract when a WeSpeaker model is configured (`--audio`). */
  readonly audio: string | null;
}

/** `balr doctor` (ours). */
export interface DoctorRequest {
  /** Discriminant. */
  readonly command: "doctor";
  /** `--device` text. */
  readonly device: string;
  /** Where to print. */
  readonly io: CliIo;
}

/** Every request a command line can produce. */
/** `balr verify`: check a batch's outputs and merge them into a manifest. */
export interface VerifyRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "verify";
  /** Dataset path. */
  readonly input: string;
  /** Which output to check (`--kind`). */
  readonly kind: "embedding" | "binaryAttributes";
  /** Where the batch mirrored its outputs; null = beside the inputs. */
  readonly saveDir: string | null;
  /** Manifest csv to write (`--manifest`); null = none. */
  readonly manifest: string | null;
}

/** `balr synth`: write a synthetic embedding corpus. */
export interface SynthRequest extends CommonRequest {
  /** Discriminant. */
  readonly command: "synth";
  /** Output folder. */
  readonly outDir: string;
  /** Training speakers (`--speakers`). */
  readonly speakers: number;
  /** Recordings per speaker (`--utterances`). */
  readonly utterances: number;
  /** Population seed (`--seed`). */
  readonly seed: number;
}

export type CommandRequest =
  | ExtractRequest
  | SynthRequest
  | VerifyRequest
  | BinarizeRequest
  | TrainRequest
  | ScoreTrainRequest
  | ScoreTestRequest
  | DemoRequest
  | DoctorRequest;

/** Runs commands; each returns the process exit code. */
export interface CommandHandlers {
  /** Embedding extraction. */
  extract(req: ExtractRequest): Promise<number>;
  /** Embedding binarization. */
  binarize(req: BinarizeRequest): Promise<number>;
  /** BAE training. */
  train(req: TrainRequest): Promise<number>;
  /** Scorer fitting. */
  scoreTrain(req: ScoreTrainRequest): Promise<number>;
  /** Scoring trials and metrics. */
  scoreTest(req: ScoreTestRequest): Promise<number>;
  /** End-to-end demo. */
  demo(req: DemoRequest): Promise<number>;
  /** Output verification and merge after a (sharded) batch. */
  verify(req: VerifyRequest): Promise<number>;
  /** Synthetic embedding corpus. */
  synth(req: SynthRequest): Promise<number>;
  /** WebGPU adapter report. */
  doctor(req: DoctorRequest): Promise<number>;
}
