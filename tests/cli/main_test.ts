import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { type CommandRequest, main, type MainOptions } from "../../cli.ts";
import { DEFAULT_HANDLERS } from "../../src/cli/default_handlers.ts";
import { recordingHandlers } from "./_recording_handlers.ts";
import { defaultConfig } from "../../src/config/resolve_config.ts";
import { DEFAULT_AUDIO_FORMATS } from "../../src/config/schema.ts";
import { parseResolvedConfig } from "../../src/config/to_yaml.ts";

/** A working directory with the files command lines refer to. */
function workdir(): string {
  const dir = Deno.makeTempDirSync({ prefix: "balr_cli_test_" });
  Deno.mkdirSync(join(dir, "audio"));
  Deno.writeTextFileSync(join(dir, "audio", "a.wav"), "");
  for (const f of ["train.csv", "val.csv", "test.csv", "trials.txt"]) {
    Deno.writeTextFileSync(join(dir, f), "id\n");
  }
  return dir;
}

interface Run {
  code: number;
  out: string;
  err: string;
  calls: CommandRequest[];
}

/** Runs main() with handlers that record their request and return `result`. */
async function run(
  args: string[],
  options: MainOptions & { result?: number; env?: (n: string) => string | undefined } = {},
): Promise<Run> {
  const calls: CommandRequest[] = [];
  const handlers = recordingHandlers(calls, options.result ?? 0);
  let out = "";
  let err = "";
  const code = await main(args, handlers, {
    cwd: options.cwd ?? workdir(),
    env: options.env ?? (() => undefined),
    probeAdapter: options.probeAdapter ??
      (() => Promise.resolve("WebGPU adapter: fake (software)")),
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s) },
  });
  return { code, out, err, calls };
}

/** The single request a command line produced. */
async function request<T extends CommandRequest["command"]>(
  command: T,
  args: string[],
  options: MainOptions = {},
): Promise<Extract<CommandRequest, { command: T }>> {
  const r = await run(args, options);
  assertEquals(r.err, "", `stderr of ${args.join(" ")}`);
  assertEquals([r.code, r.calls.length], [0, 1]);
  assertEquals(r.calls[0].command, command);
  return r.calls[0] as Extract<CommandRequest, { command: T }>;
}

Deno.test("main() resolves SPEC's example train command line", async () => {
  const req = await request("train", [
    "train",
    "--device",
    "cuda",
    "train.csv",
    "val.csv",
    "data.num_workers=4",
    "data.shuffle=False",
    "data.sampler=balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
    "data.N_classes_per_batch=32",
    "data.M_samples_per_class=10",
    "data.batch_size=320",
  ]);
  assertEquals([req.train, req.val, req.saveDir, req.device], [
    "train.csv",
    "val.csv",
    "runs/train",
    "cuda",
  ]);
  assertEquals(req.config.data, {
    batch_size: 320,
    num_workers: 4,
    shuffle: false,
    normalize_mean: true,
    normalize_var: false,
    sampler: "balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
    N_classes_per_batch: 32,
    M_samples_per_class: 10,
  });
  assertEquals(req.config.input, "train.csv");
  assertEquals(req.config.trainer, defaultConfig().trainer);
});

Deno.test("main() extract passes every option into the request", async () => {
  const req = await request("extract", [
    "extract",
    "audio",
    "data.batch_size=16",
    "--force",
    "--no-save-output",
    "--save-dir",
    "out",
    "--exist-ok",
    "--audio-formats",
    "wav",
    "--audio-formats",
    "flac,mp3",
    "--root-dir",
    "audio",
    "--device",
    "cpu",
    "--shard",
    "1/4",
  ]);
  assertEquals(req.input, "audio");
  assertEquals(req.force, true);
  assertEquals(req.saveOutput, false);
  assertEquals(req.saveDir, "out");
  assertEquals(req.existOk, true);
  assertEquals(req.audioFormats, ["wav", "flac", "mp3"]);
  assertEquals(req.rootDir, "audio");
  assertEquals(req.device, "cpu");
  assertEquals(req.shard, { index: 1, count: 4 });
  assertEquals(req.overrides, ["data.batch_size=16"]);
  assertEquals(
    [req.config.save_output, req.config.save_dir, req.config.exist_ok, req.config.device],
    [false, "out", true, "cpu"],
  );
  assertEquals(req.config.audio_formats, ["wav", "flac", "mp3"]);
  assertEquals(req.config.data.batch_size, 16);
});

Deno.test("main() extract and binarize defaults match SPEC §2", async () => {
  for (const command of ["extract", "binarize"] as const) {
    const req = await request(command, [command, "audio/a.wav"]);
    assertEquals(
      [req.force, req.saveOutput, req.saveDir, req.existOk, req.rootDir, req.device, req.shard],
      [false, true, null, false, null, "auto", null],
    );
    assertEquals(req.audioFormats, DEFAULT_AUDIO_FORMATS);
    assertEquals({ ...req.config, input: null }, defaultConfig());
  }
});

Deno.test("main() options left at their defaults do not undo overrides", async () => {
  const req = await request("extract", ["extract", "audio", "device=cpu", "save_output=false"]);
  assertEquals([req.device, req.saveOutput], ["cpu", false]);
  const given = await request("extract", ["extract", "audio", "device=cpu", "--device", "gpu"]);
  assertEquals(given.device, "gpu");
});

Deno.test("main() score train and score test build their requests", async () => {
  const train = await request("score train", ["score", "train", "train.csv", "scorer=maxllr"]);
  assertEquals([train.train, train.saveDir, train.config.scorer.name], [
    "train.csv",
    "runs/scorer/train",
    "maxllr",
  ]);
  const moved = await request("score train", ["score", "train", "train.csv", "--save-dir", "s"]);
  assertEquals(moved.saveDir, "s");
  const test = await request("score test", [
    "score",
    "test",
    "test.csv",
    "trials.txt",
    "scorer.checkpoint_path=runs/scorer/train/scorer.pt",
  ]);
  assertEquals([test.test, test.trials, test.sep, test.saveDir], [
    "test.csv",
    "trials.txt",
    "\t",
    "runs/score",
  ]);
  const comma = await request("score test", [
    "score",
    "test",
    "test.csv",
    "trials.txt",
    "scorer=cosine",
    "--sep",
    ",",
  ]);
  assertEquals(comma.sep, ",");
  const tab = await request("score test", [
    "score",
    "test",
    "test.csv",
    "trials.txt",
    "scorer=cosine",
    "--sep",
    "\\t",
  ]);
  assertEquals(tab.sep, "\t");
});

Deno.test("main() demo and doctor reach their handlers", async () => {
  const demo = await request("demo", ["demo", "scorer=maxllr", "--save-dir", "d"]);
  assertEquals([demo.config.scorer.name, demo.saveDir], ["maxllr", "d"]);
  const doctor = await request("doctor", ["doctor", "--device", "cpu"]);
  assertEquals(doctor.device, "cpu");
});

Deno.test("main() loads --config-path/--config-name primary configs", async () => {
  const dir = workdir();
  Deno.mkdirSync(join(dir, "conf"));
  Deno.writeTextFileSync(
    join(dir, "conf", "run.yaml"),
    "defaults:\n  - override scorer: maxllr\nscorer:\n  f: 0.3\ndevice: cpu\n",
  );
  const req = await request("score train", [
    "score",
    "train",
    "train.csv",
    "--config-path",
    "conf",
    "--config-name",
    "run",
    "scorer.q=0.2",
  ], { cwd: dir });
  assert(req.config.scorer.name === "maxllr");
  assertEquals([req.config.scorer.f, req.config.scorer.q, req.device], [0.3, 0.2, "cpu"]);
});

Deno.test("main() --cfg prints YAML that parses back to the handler's config", async () => {
  const args = [
    "train",
    "train.csv",
    "val.csv",
    "trainer.losses=[mse, arcface]",
    "trainer.losses.arcface.weight=1",
    "scorer=dna",
    "--save-dir",
    "runs/x",
  ];
  const dir = workdir();
  const printed = await run([...args, "--cfg"], { cwd: dir });
  assertEquals([printed.code, printed.calls.length, printed.err], [0, 0, ""]);
  const handled = await request("train", args, { cwd: dir });
  assertEquals(parseResolvedConfig(printed.out), handled.config);
  assert(printed.out.includes("save_dir: runs/x\n"));
});

Deno.test("main() returns the handler's exit code", async () => {
  assertEquals((await run(["extract", "audio"], { result: 3 })).code, 3);
});

Deno.test("main() config errors print 'balr: error:' and exit 2 without a stack", async () => {
  const r = await run(["train", "train.csv", "val.csv", "trainer.epoch=5"]);
  assertEquals([r.code, r.calls.length, r.out], [2, 0, ""]);
  assert(r.err.startsWith("balr: error: unknown key 'trainer.epoch'"), r.err);
  assert(r.err.includes("epochs") && !r.err.includes("    at "), r.err);
  const debug = await run(["train", "train.csv", "val.csv", "trainer.epoch=5"], {
    env: (n) => (n === "BALR_DEBUG" ? "1" : undefined),
  });
  assert(debug.err.includes("    at "), "BALR_DEBUG=1 shows the stack");
  const type = await run(["train", "train.csv", "val.csv", "trainer.epochs=5.5"]);
  assert(type.err.includes("trainer.epochs: expected int, got '5.5' (float)"), type.err);
  const device = await run(["extract", "audio", "--device", "tpu"]);
  assert(device.err.includes("device: 'tpu' must be auto, gpu, cpu, cuda or cuda:N"), device.err);
  assert(device.err.includes("option --device"), device.err);
});

Deno.test("main() usage errors name the argument and exit 2", async () => {
  const cases: [string[], string][] = [
    [["extract", "missing.wav"], "Invalid value for 'INPUT': path 'missing.wav' does not exist."],
    [
      ["train", "train.csv", "nope.csv"],
      "Invalid value for 'VAL': path 'nope.csv' does not exist.",
    ],
    [
      ["score", "test", "test.csv", "audio", "scorer=cosine"],
      "Invalid value for 'TRIALS': path 'audio' is a directory.",
    ],
    [
      ["extract", "audio", "--root-dir", "train.csv"],
      "Invalid value for '--root-dir': path 'train.csv' is not a directory.",
    ],
    [["extract", "audio", "--shard", "4/4"], "invalid --shard '4/4': expected i/n with 0 <= i < n"],
    [["binarize", "audio", "--shard", "x"], "invalid --shard 'x'"],
    [["extract", "audio", "--foo"], "balr: error: unknown option '--foo'"],
    [["extract"], "balr: error: missing required argument 'INPUT'"],
    [["extrct", "audio"], "balr: error: unknown command 'extrct'"],
    [["--shell", "fish", "--show-completion"], "Allowed choices are bash, zsh"],
    [
      ["score", "test", "test.csv", "trials.txt", "scorer=cosine", "--sep", ""],
      "--sep must not be empty",
    ],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assertEquals([r.code, r.calls.length], [2, 0], args.join(" "));
    assert(r.err.includes(message), `${args.join(" ")}: ${r.err}`);
  }
});

Deno.test("main() checks training and scoring configs before any work", async () => {
  const batch = await run([
    "train",
    "train.csv",
    "val.csv",
    "data.N_classes_per_batch=32",
    "data.M_samples_per_class=10",
  ]);
  assertEquals(batch.code, 2);
  assert(
    batch.err.includes(
      "data.batch_size=64 must equal data.N_classes_per_batch × data.M_samples_per_class = 32 × 10 = 320",
    ),
    batch.err,
  );
  const plain = await request("train", [
    "train",
    "train.csv",
    "val.csv",
    "data.sampler=null",
    "data.batch_size=7",
  ]);
  assertEquals(plain.config.data.batch_size, 7);
  const losses = await run(["train", "train.csv", "val.csv", "~trainer.losses"]);
  assert(losses.err.includes("trainer.losses is empty"), losses.err);
  const unfitted = await run(["score", "test", "test.csv", "trials.txt"]);
  assertEquals(unfitted.code, 2);
  assert(
    unfitted.err.includes("scorer=beta needs fitted parameters: set scorer.checkpoint_path"),
    unfitted.err,
  );
});

Deno.test("main() failures inside a handler exit 1 with the message", async () => {
  let err = "";
  const code = await main(["extract", "audio"], {
    extract: () => Promise.reject(new Error("boom")),
  }, { cwd: workdir(), env: () => undefined, io: { stdout: () => {}, stderr: (s) => (err += s) } });
  assertEquals([code, err], [1, "balr: error: boom\n"]);
});

Deno.test("main() --help lists every command and option of SPEC §2", async () => {
  const root = await run(["--help"]);
  assertEquals(root.code, 0);
  for (
    const w of [
      "extract",
      "binarize",
      "train",
      "score",
      "doctor",
      "demo",
      "--install-completion",
      "--show-completion",
      "--version",
      "--help",
    ]
  ) {
    assert(root.out.includes(w), `${w} missing from balr --help`);
  }
  assertEquals((await run([])).out, root.out, "bare balr prints the help");
  const common = [
    "OVERRIDES",
    "--save-dir",
    "--exist-ok / --no-exist-ok",
    "--device",
    "--config-path",
    "--config-name",
    "--cfg",
    "--help",
  ];
  const datasets = ["--audio-formats", "--root-dir"];
  const expected: [string[], string[]][] = [
    [["extract", "--help"], [
      "INPUT",
      "--force / --no-force",
      "--save-output / --no-save-output",
      "--shard",
      ...common,
      ...datasets,
      "flac, mp3, m4a, ogg, opus, wav, wma",
      "(default: auto)",
    ]],
    [["binarize", "--help"], [
      "INPUT",
      "--force / --no-force",
      "--save-output / --no-save-output",
      "--shard",
      ...common,
      ...datasets,
    ]],
    [["train", "--help"], ["TRAIN", "VAL", ...common, ...datasets, "runs/train"]],
    [["score", "--help"], ["train", "test"]],
    [["score", "train", "--help"], ["TRAIN", ...common, ...datasets, "runs/scorer/train"]],
    [["score", "test", "--help"], [
      "TEST",
      "TRIALS",
      "--sep",
      "(default: tab)",
      ...common,
      ...datasets,
      "runs/score",
    ]],
    [["demo", "--help"], common],
    [["doctor", "--help"], ["--device"]],
  ];
  for (const [args, words] of expected) {
    const r = await run(args);
    assertEquals(r.code, 0, args.join(" "));
    const text = r.out.replace(/\s+/g, " ");
    for (const w of words) assert(text.includes(w), `${w} missing from balr ${args.join(" ")}`);
  }
});

Deno.test("main() --version prints the version and the adapter line when one answers", async () => {
  const { version } = JSON.parse(
    Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
  );
  const withAdapter = await run(["--version"]);
  assertEquals(withAdapter.out, `balr ${version}\nWebGPU adapter: fake (software)\n`);
  const without = await run(["--version"], { probeAdapter: () => Promise.resolve(null) });
  assertEquals(without.out, `balr ${version}\n`);
});

Deno.test("DEFAULT_HANDLERS has a handler for every command", () => {
  for (
    const k of [
      "extract",
      "binarize",
      "train",
      "scoreTrain",
      "scoreTest",
      "demo",
      "verify",
      "doctor",
    ]
  ) {
    assertEquals(typeof (DEFAULT_HANDLERS as unknown as Record<string, unknown>)[k], "function", k);
  }
});
