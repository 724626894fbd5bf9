/**
 * Runs every benchmark harness in bench/ one after another (each prints its
 * own side-by-side table with the peer and the ratio), or the ones named:
 *   deno task bench                 # all
 *   deno task bench resnet scoring  # bench/resnet_bench.ts, bench/scoring_bench.ts
 * Peers that need /usr/bin/python3 (PyTorch, torchaudio) are skipped with a
 * message when it is missing.
 */
const ALL = [
  "gpu_runtime",
  "io",
  "audio_decode",
  "frontend",
  "resnet",
  "bae",
  "scoring",
  "score_command",
];

const wanted = Deno.args.length ? Deno.args : ALL;
let failed = 0;
for (const name of wanted) {
  if (!ALL.includes(name)) {
    console.error(`unknown bench "${name}" (choose from ${ALL.join(", ")})`);
    Deno.exit(2);
  }
  console.log(`\n## ${name}\n`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`./${name}_bench.ts`, import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(`bench ${name} failed (exit ${status.code})`);
    failed++;
  }
}
Deno.exit(failed ? 1 : 0);
