/**
 * Runs every README code block that does not need a downloaded model, in
 * order, in one scratch folder laid out like a checkout (`../shared` beside
 * it), so later blocks use what earlier ones wrote — as a reader would.
 * A block preceded by `<!-- readme-test: skip (reason) -->` is skipped,
 * and the reason must say why. `npx deno task balr` and `npx deno task demo`
 * become `deno run cli.ts`; HOME points into the scratch folder (completion
 * install writes there).
 */
import { assert } from "./_helpers/assert.ts";
import { GPU_TEST, testGpu } from "./_helpers/gpu.ts";

const root = new URL("../", import.meta.url);
const CLI = new URL("cli.ts", root).pathname;
const SHARED = new URL("../shared", root).pathname;
const CONFIG = new URL("deno.json", root).pathname;

interface Block {
  lang: string;
  code: string;
  line: number;
  skip?: string;
}

/** Fenced blocks with their language, first line and skip reason. */
export function readmeBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let skip: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const marker = lines[i].match(/^<!-- readme-test: skip \((.+)\) -->$/);
    if (marker) {
      skip = marker[1];
      continue;
    }
    const open = lines[i].match(/^```(\w*)\s*$/);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], code: body.join("\n"), line: start + 1, skip });
    skip = undefined;
  }
  return blocks;
}

/** Shell commands of a block: comments dropped, `\` continuations joined. */
export function commandsOf(code: string): string[] {
  const joined = code.replace(/\s*\\\n\s*/g, " ");
  return joined.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

/** Splits a command line into words, honouring single and double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let has = false;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === "#" && !has && !cur) {
      break; // an unquoted # at a word start begins a comment
    } else if (/\s/.test(c)) {
      if (has || cur) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
    }
  }
  if (has || cur) words.push(cur);
  return words;
}

Deno.test("readmeBlocks() and commandsOf() parse fences, skip markers, comments and continuations", () => {
  const blocks = readmeBlocks(
    "x\n<!-- readme-test: skip (needs a model) -->\n\n```sh\na \\\n  b\n# c\n```\n```ts\nd\n```\n",
  );
  assert(blocks.length === 2 && blocks[0].skip === "needs a model" && !blocks[1].skip);
  assert(JSON.stringify(commandsOf(blocks[0].code)) === '["a b"]');
  assert(JSON.stringify(shellWords(`x 'a b' "c" d=[e, f]`)) === '["x","a b","c","d=[e,","f]"]');
});

Deno.test({
  name: "README code blocks run as written (except those that need a downloaded model)",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const readme = await Deno.readTextFile(new URL("README.md", root));
    const blocks = readmeBlocks(readme);
    const scratch = await Deno.makeTempDir({ prefix: "balr_readme_" });
    const cwd = `${scratch}/balr`;
    await Deno.mkdir(cwd);
    try {
      await Deno.symlink(SHARED, `${scratch}/shared`).catch(() => {});
      let ran = 0;
      for (const block of blocks) {
        if (block.skip) continue;
        if (block.lang === "ts") {
          await runTypeScript(block, cwd);
          ran++;
          continue;
        }
        if (block.lang !== "sh") continue;
        for (const command of commandsOf(block.code)) {
          await runCommand(command, block.line, cwd, scratch);
          ran++;
        }
      }
      assert(ran >= 10, `only ${ran} README commands ran`);
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  },
});

async function runCommand(command: string, line: number, cwd: string, home: string) {
  if (command.startsWith("npm install && ")) {
    // The fresh-machine commands: npm install already ran; what follows is checked below.
    command = command.slice("npm install && ".length);
  }
  const words = shellWords(command);
  let args: string[];
  if (words[0] === "npx" && words[1] === "deno" && words[2] === "task" && words[3] === "balr") {
    args = words.slice(4);
  } else if (words.slice(0, 4).join(" ") === "npx deno task demo") {
    // The main job at its smallest size; its figures are checked in tests/commands/demo_test.ts.
    args = ["demo", ...words.slice(4), "--size", "small", "trainer.epochs=1"];
  } else if (words.slice(0, 4).join(" ") === "npx deno task test") {
    return; // this very test run
  } else {
    throw new Error(`README line ${line}: don't know how to run "${command}"`);
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${CONFIG}`, CLI, ...args],
    cwd,
    env: { HOME: home, SHELL: "/bin/bash", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(
    out.success,
    `README line ${line}: "${command}" exited ${out.code}:\n${text.slice(-3000)}`,
  );
}

async function runTypeScript(block: Block, cwd: string) {
  const file = `${cwd}/readme_block_${block.line}.ts`;
  const mod = new URL("mod.ts", root).href;
  await Deno.writeTextFile(file, block.code.replaceAll(`"@balr/balr"`, `"${mod}"`));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${CONFIG}`, file],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(
    out.success,
    `README ts block at line ${block.line} exited ${out.code}:\n${text.slice(-3000)}`,
  );
}
