import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { type CommandRequest, main, type ScoreTestRequest } from "../../cli.ts";
import { parseCount } from "../../src/cli/requests.ts";
import { recordingHandlers } from "./_recording_handlers.ts";

/** Runs `balr score test …` with a recording handler in a dir holding the files. */
async function scoreTest(args: string[]): Promise<{
  code: number;
  out: string;
  err: string;
  request?: ScoreTestRequest;
}> {
  const dir = Deno.makeTempDirSync({ prefix: "balr_cli_explain_" });
  try {
    Deno.writeTextFileSync(join(dir, "test.csv"), "id\n");
    Deno.writeTextFileSync(join(dir, "trials.txt"), "enrollment\ttest\n");
    const calls: CommandRequest[] = [];
    const handlers = recordingHandlers(calls);
    let out = "";
    let err = "";
    const code = await main(["score", "test", ...args], handlers, {
      cwd: dir,
      env: () => undefined,
      io: { stdout: (s) => (out += s), stderr: (s) => (err += s) },
    });
    return { code, out, err, request: calls[0] as ScoreTestRequest | undefined };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const FITTED = ["test.csv", "trials.txt", "scorer.checkpoint_path=s.pt"];

Deno.test("main() score test parses --explain and --explain-plots into the request", async () => {
  const cases: [string[], [number | null, number]][] = [
    [[], [null, 0]],
    [["--explain", "5"], [5, 0]],
    [["--explain", "5", "--explain-plots", "2"], [5, 2]],
    [["--explain-plots", "3"], [null, 3]],
    [["--explain-plots", "0"], [null, 0]],
  ];
  for (const [extra, expected] of cases) {
    const r = await scoreTest([...FITTED, ...extra]);
    assertEquals(r.code, 0, `${extra.join(" ")}: ${r.err}`);
    assertEquals([r.request!.explain, r.request!.explainPlots], expected, extra.join(" "));
  }
});

Deno.test("main() score test refuses bad --explain values and explaining cosine", async () => {
  const cases: [string[], string][] = [
    [[...FITTED, "--explain", "0"], "--explain must be an integer >= 1, got '0'"],
    [[...FITTED, "--explain", "two"], "--explain must be an integer >= 1, got 'two'"],
    [[...FITTED, "--explain", "2.5"], "--explain must be an integer >= 1, got '2.5'"],
    [[...FITTED, "--explain-plots", "-1"], "--explain-plots must be an integer >= 0, got '-1'"],
    [
      ["test.csv", "trials.txt", "scorer=cosine", "--explain", "3"],
      "--explain: scorer=cosine cannot be explained",
    ],
    [
      ["test.csv", "trials.txt", "scorer=cosine", "--explain-plots", "1"],
      "--explain-plots: scorer=cosine cannot be explained",
    ],
  ];
  for (const [args, message] of cases) {
    const r = await scoreTest(args);
    assertEquals([r.code, r.request], [2, undefined], args.join(" "));
    assert(r.err.includes(message), `${args.join(" ")}: ${r.err}`);
  }
});

Deno.test("main() score test --help documents --explain and --explain-plots", async () => {
  const r = await scoreTest(["--help"]);
  assertEquals(r.code, 0);
  const text = r.out.replace(/\s+/g, " ");
  for (const w of ["--explain <K>", "--explain-plots <N>", "explain/trial_<i>.svg"]) {
    assert(text.includes(w), `${w} missing from balr score test --help`);
  }
});

Deno.test("parseCount() accepts integers at or above the minimum only", () => {
  assertEquals(parseCount("--explain", "12", { min: 1 }), 12);
  assertEquals(parseCount("--explain-plots", "0", { min: 0 }), 0);
  assertThrows(
    () => parseCount("--explain", "1e3", { min: 1 }),
    Error,
    "--explain must be an integer",
  );
  assertThrows(() => parseCount("--explain", "", { min: 1 }), Error, "got ''");
});
