import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { main } from "../../cli.ts";

/** Runs main() and returns [exit code, stdout, stderr]. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<[number, string, string]> {
  let out = "";
  let err = "";
  const code = await main(args, {}, {
    env: (n) => env[n],
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s) },
  });
  return [code, out, err];
}

function which(program: string): boolean {
  try {
    return new Deno.Command(program, { args: ["-c", "exit 0"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Runs a shell script and returns its stdout lines. */
function runShell(shell: string, args: string[], cwd: string): string[] {
  const r = new Deno.Command(shell, { args, cwd, stdout: "piped", stderr: "piped" }).outputSync();
  const err = new TextDecoder().decode(r.stderr);
  assert(r.success, `${shell} failed: ${err}`);
  return new TextDecoder().decode(r.stdout).replace(/\n$/, "").split("\n");
}

Deno.test("main() --show-completion prints bash and zsh scripts", async () => {
  const [code, bash] = await cli(["--show-completion", "--shell", "bash"]);
  assertEquals(code, 0);
  assert(bash.includes("complete -o bashdefault -o default -F _balr_completion balr"));
  const [, zsh] = await cli(["--show-completion"], { SHELL: "/usr/bin/zsh" });
  assert(zsh.startsWith("#compdef balr\n"));
  assert(zsh.includes("compdef _balr balr"));
  const [fishCode, , err] = await cli(["--show-completion"], { SHELL: "/usr/bin/fish" });
  assertEquals(fishCode, 2);
  assert(err.includes("cannot tell your shell from SHELL=/usr/bin/fish"), err);
});

Deno.test({
  name: "completionScript() bash completes commands, options, values, files and overrides",
  ignore: !which("bash"),
  async fn() {
    const [, script] = await cli(["--show-completion", "--shell", "bash"]);
    const dir = Deno.makeTempDirSync({ prefix: "balr_completion_" });
    Deno.writeTextFileSync(join(dir, "balr.bash"), script);
    Deno.writeTextFileSync(join(dir, "train.csv"), "");
    const lines: [string, string][] = [
      ["balr ", "extract binarize train score verify synth doctor demo"],
      ["balr ex", "extract"],
      ["balr score ", "train test"],
      ["balr score test --s", "--sep --save-dir"],
      ["balr extract --sa", "--save-output --save-dir"],
      ["balr extract --device ", "auto gpu cpu cuda"],
      ["balr --shell ", "bash zsh"],
      ["balr extract tr", "train.csv"],
      ["balr train train.csv train.csv trainer.ep", "trainer.epochs="],
      ["balr train a b scorer=", "beta dna speech maxllr cosine"],
      ["balr train a b data.shuffle=", "true false"],
      ["balr train a b +trainer.losses=a", "arcface"],
      ["balr score train a ~scorer.chec", "~scorer.checkpoint_path="],
      ["balr doctor ", ""],
    ];
    const driver = [
      "source ./balr.bash",
      't() { COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _balr_completion; echo "${COMPREPLY[*]}"; }',
      ...lines.map(([line]) => `t '${line}'`),
    ].join("\n");
    const got = runShell("bash", ["--norc", "--noprofile", "-c", driver], dir);
    assertEquals(got, lines.map(([, reply]) => reply));
  },
});

Deno.test({
  name: "completionScript() zsh parses and completes with stubbed completion builtins",
  ignore: !which("zsh"),
  async fn() {
    const [, script] = await cli(["--show-completion", "--shell", "zsh"]);
    const dir = Deno.makeTempDirSync({ prefix: "balr_completion_" });
    Deno.writeTextFileSync(join(dir, "_balr"), script);
    runShell("zsh", ["-n", "_balr"], dir);
    // compadd/compset only work inside a completion widget: stub them to print what they get.
    const driver = `
      source ./_balr >/dev/null 2>&1
      compadd() { print -r -- "compadd $*"; }
      _files() { print -r -- "_files $*"; }
      _describe() { print -r -- "_describe \${(j: :)\${(P)4}}"; }
      compset() {
        [[ $1 == -P ]] || return 1
        local m=\${(M)PREFIX#\${~2}}
        [[ -n $m ]] || return 1
        IPREFIX+=$m; PREFIX=\${PREFIX#$m}
      }
      t() {
        words=(\${(z)1}); [[ $1 == *' ' ]] && words+=('')
        CURRENT=\${#words}; PREFIX=\${words[CURRENT]}; IPREFIX=''
        _balr
      }
      t 'balr score '
      t 'balr extract --device '
      t 'balr extract '
      t 'balr train a b scorer='
      t 'balr train a b +data.shuffle='
    `;
    const got = runShell("zsh", ["-f", "-c", driver], dir);
    assert(got[0].startsWith("_describe train:Run scorer training"), got[0]);
    assertEquals(got.slice(1), [
      "compadd -- auto gpu cpu cuda",
      "_files ",
      "compadd -- beta dna speech maxllr cosine",
      "compadd -- true false",
    ]);
  },
});

Deno.test("main() --install-completion writes the script and sources it once", async () => {
  const home = Deno.makeTempDirSync({ prefix: "balr_home_" });
  Deno.writeTextFileSync(join(home, ".bashrc"), "export A=1");
  const env = { HOME: home, SHELL: "/bin/bash" };
  const [code, out] = await cli(["--install-completion"], env);
  assertEquals(code, 0);
  const script = join(home, ".local", "share", "balr", "completion.bash");
  assert(out.includes(script), out);
  assert(Deno.readTextFileSync(script).includes("_balr_completion"));
  await cli(["--install-completion"], env);
  const rc = Deno.readTextFileSync(join(home, ".bashrc"));
  assert(rc.startsWith("export A=1\n"), rc);
  assertEquals(rc.split("\n").filter((l) => l.includes(script)).length, 1, rc);

  const zdot = Deno.makeTempDirSync({ prefix: "balr_zdot_" });
  const zenv = { HOME: home, ZDOTDIR: zdot, XDG_DATA_HOME: join(home, "data") };
  await cli(["--install-completion", "--shell", "zsh"], zenv);
  const [, again] = await cli(["--install-completion", "--shell", "zsh"], zenv);
  assert(again.includes("already sources it"), again);
  const zshrc = Deno.readTextFileSync(join(zdot, ".zshrc"));
  assertEquals(zshrc.split("\n").filter((l) => l.includes("completion.zsh")).length, 1);
  assert(Deno.statSync(join(home, "data", "balr", "completion.zsh")).isFile);
});
