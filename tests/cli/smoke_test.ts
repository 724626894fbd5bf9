import { assert, assertEquals } from "../_helpers/assert.ts";

Deno.test("main() runs as a program (deno run cli.ts --help) and lists the commands", async () => {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(r.stdout);
  assertEquals([r.code, new TextDecoder().decode(r.stderr)], [0, ""]);
  for (const command of ["extract", "binarize", "train", "score", "doctor", "demo"]) {
    assert(out.includes(`  ${command} `), `${command} missing from:\n${out}`);
  }
});

Deno.test("main() as a program reports a bad override on stderr with exit code 2", async () => {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "demo", "trainer.epoch=1"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(r.stderr);
  assertEquals(r.code, 2);
  assert(err.startsWith("balr: error: unknown key 'trainer.epoch'"), err);
});
