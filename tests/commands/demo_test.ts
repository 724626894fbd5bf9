import { assert } from "../_helpers/assert.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { main } from "../../cli.ts";
import { DEMO_SIZES, formatDemoTable, runDemoPipeline } from "../../src/commands/demo.ts";
import { resolveConfig } from "../../src/config/mod.ts";

Deno.test({
  name: "runDemoPipeline() at the small size gives sane figures and writes its files",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "balr_demo_" });
    try {
      const result = await runDemoPipeline(gpu, {
        size: DEMO_SIZES.small,
        config: resolveConfig(),
        saveDir: dir,
      });
      const table = formatDemoTable(result.rows);
      const byName = new Map(result.rows.map((r) => [r.name, r.metrics]));
      for (const name of ["beta", "dna", "speech", "maxllr"]) {
        const m = byName.get(name)!;
        assert(m.EER < 0.2, `${name} EER ${m.EER} is not well below 50 %\n${table}`);
        assert(Number.isFinite(m.CLLR) && Number.isFinite(m.CLLR_min), `${name} Cllr\n${table}`);
      }
      const cosine = byName.get("cosine (embeddings)")!;
      const best = Math.min(...["beta", "dna", "speech", "maxllr"].map((n) => byName.get(n)!.EER));
      assert(
        cosine.EER <= best + 0.05,
        `cosine EER ${cosine.EER} far above the scorers'\n${table}`,
      );
      assert(result.targets > 0 && result.trials > result.targets);
      for (
        const f of [
          "summary.md",
          "summary.json",
          "trials.csv",
          "det_all.svg",
          "beta/scorer.pt",
          "beta/scores.csv",
          "beta/metrics.json",
          "beta/det.svg",
          "beta/tippett.svg",
          "cosine_embeddings/metrics.json",
          "explanations/explanations.csv",
          "bae/last.pt",
        ]
      ) {
        assert((await Deno.stat(`${dir}/${f}`)).isFile, `${f} missing`);
      }
      const csv = await Deno.readTextFile(`${dir}/beta/scores.csv`);
      assert(csv.startsWith("enrollment\ttest\tscores\n"), "scores.csv header");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "balr demo prints the table and the run folder",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const dir = await Deno.makeTempDir({ prefix: "balr_demo_cli_" });
    let out = "";
    try {
      const code = await main(
        ["demo", "--size", "small", "--save-dir", `${dir}/run`, "trainer.epochs=2"],
        {},
        { io: { stdout: (t: string) => (out += t), stderr: () => {} } },
      );
      assert(code === 0, `exit ${code}\n${out}`);
      assert(out.includes("| beta |") && out.includes("| cosine (embeddings) |"), out);
      assert(out.includes(`Run folder: ${dir}/run`), out);
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/run/summary.json`));
      assert(summary.rows.length === 6);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const SHARED_AUDIO = new URL("../../../shared/data/voxceleb/voxceleb1", import.meta.url).pathname;

Deno.test({
  name: "balr demo with a model extracts and binarizes an audio folder",
  ignore: (() => {
    try {
      return !Deno.statSync(SHARED_AUDIO).isDirectory;
    } catch {
      console.warn(`SKIPPING demo audio test: ${SHARED_AUDIO} is absent`);
      return true;
    }
  })(),
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const model = new URL("../testdata/resnet/small", import.meta.url).pathname;
    const dir = await Deno.makeTempDir({ prefix: "balr_demo_audio_" });
    let out = "";
    try {
      // The fixture model gives 32-d embeddings, so the demo's BAE takes 32 inputs.
      const code = await main(
        [
          "demo",
          "--size",
          "small",
          "--save-dir",
          `${dir}/run`,
          "--audio",
          SHARED_AUDIO,
          "trainer.epochs=1",
          "trainer.input_dim=32",
          `embeddings.model.model_dir=${model}`,
        ],
        {},
        { io: { stdout: (t: string) => (out += t), stderr: () => {} } },
      );
      assert(code === 0, `exit ${code}\n${out}`);
      assert(out.includes("Audio: 3 files"), out);
      const names = [...Deno.readDirSync(`${dir}/run/audio`)].map((e) => e.name);
      assert(names.filter((n) => n.endsWith("_emb.pkl")).length === 3, names.join(" "));
      assert(names.filter((n) => n.endsWith("_ba.pkl")).length === 3, names.join(" "));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
