import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { parseResolvedConfig } from "../../src/config/to_yaml.ts";
import { loadDataset } from "../../src/data/dataset.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { readVectorFile, writeVectorFile } from "../../src/io/vector_file.ts";
import { baVectorDefect } from "../../src/commands/scoring_data.ts";
import { fitScorerOnDataset } from "../../src/commands/score_train.ts";
import { buildReferential } from "../../src/scoring/referential.ts";
import { fitScorer } from "../../src/scoring/scorer.ts";
import { scorerConfig } from "../scoring/_configs.ts";
import { balr, drawBaVector, exists, makeBaDataset, missingData, readCsv } from "./_ba_dataset.ts";

const SKIP = missingData();
if (SKIP) console.warn(`%c${SKIP}`, "color: yellow");

/** The buffers of each scorer's state_dict (upstream's names and shapes). */
const BUFFERS: Record<string, Record<string, number[]>> = {
  beta: { alpha: [512, 2] },
  dna: { typicality: [512], dropout: [512], llrs: [2, 512, 2] },
  speech: { typicality: [512], dropout: [512], llrs: [2, 512, 2] },
  maxllr: { f: [512], p: [512], q: [512] },
};

Deno.test({
  name: "runScoreTrain() fits each scorer on VoxCeleb2 BA vectors and saves its files",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    for (const name of ["beta", "dna", "speech", "maxllr"]) {
      const saveDir = join(data.dir, "runs", name);
      const r = await balr(
        ["score", "train", data.train, `scorer=${name}`, "--save-dir", saveDir],
        data.dir,
      );
      assertEquals(r.code, 0, `${name} seed ${seed}: ${r.err}`);
      assert(r.out.includes(`Scorer weights saved to ${join(saveDir, "scorer.pt")}`), r.out);
      assert(r.out.includes(`${name} scorer fitted on 9 speakers x 512 attributes`), r.out);
      const state = await readStateDict(join(saveDir, "scorer.pt"));
      assertEquals(
        Object.fromEntries([...state].map(([k, t]) => [k, t.shape])),
        BUFFERS[name],
        `${name} state_dict`,
      );
      const report = JSON.parse(Deno.readTextFileSync(join(saveDir, "fit_report.json")));
      assertEquals([report.scorer, report.nSpeakers, report.nRecordings], [name, 9, 18]);
      for (const key of ["iterations", "finalChange", "converged", "guards"]) {
        assert(key in report, `fit_report.json of ${name} lacks ${key}`);
      }
      // Attributes that fire for nobody (a % 64 == 0) make the guards act.
      if (name === "beta") assert(report.guards.length > 0, JSON.stringify(report));
      if (name === "dna") assert(report.thresholdedAttributes >= 8, JSON.stringify(report));
      const config = parseResolvedConfig(Deno.readTextFileSync(join(saveDir, "config.yaml")));
      assertEquals([config.scorer.name, config.input], [name, data.train]);
    }
  },
});

Deno.test({
  name: "runScoreTrain() increments the save dir unless --exist-ok",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const data = await makeBaDataset(freshSeed());
    const base = join(data.dir, "runs", "scorer", "train");
    const args = ["score", "train", data.train, "scorer=dna", "--save-dir", base];
    assertEquals((await balr(args, data.dir)).code, 0);
    const again = await balr(args, data.dir);
    assertEquals(again.code, 0, again.err);
    assert(exists(join(`${base}2`, "scorer.pt")), "second run went to train2");
    const reuse = await balr([...args, "--exist-ok"], data.dir);
    assertEquals(reuse.code, 0, reuse.err);
    assert(!exists(`${base}3`), "--exist-ok reuses the save dir");
  },
});

Deno.test({
  name: "fitScorerOnDataset() fits the same scorer as buildReferential + fitScorer on the vectors",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    const dataset = await loadDataset(data.train);
    const config = scorerConfig("beta", { n_iterations: 20 });
    const fitted = await fitScorerOnDataset(gpu, dataset, { scorer: config, concurrency: 4 });
    assertEquals([fitted.nRecordings, fitted.speakers.length], [18, 9]);
    // The same referential, summed by hand from the files in csv order.
    const rows = readCsv(data.train);
    const speakers = [...new Set(rows.map((r) => r.speaker))].sort();
    const vectors = new Float32Array(rows.length * 1024);
    for (const [i, r] of rows.entries()) {
      vectors.set((await readVectorFile(data.baPath(r.id))).data as Float32Array, i * 1024);
    }
    const referential = await buildReferential(gpu, vectors, {
      speakers: rows.map((r) => speakers.indexOf(r.speaker)),
      nSpeakers: speakers.length,
    });
    const direct = await fitScorer(gpu, referential, config);
    const a = fitted.scorer.state().get("alpha")!.data;
    const b = direct.state().get("alpha")!.data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])) / Math.abs(Number(b[i])));
    }
    // Summation order differs (dataset order vs csv order) but counts are exact integers.
    assert(worst < 1e-6, `alpha differs by ${worst} (seed ${seed})`);
  },
});

Deno.test("baVectorDefect() accepts one-hot rows and names the first bad attribute", () => {
  const SHAPE8 = { nAttributes: 8, nCategories: 2 };
  const rng = new Rng(freshSeed());
  const v = drawBaVector(rng, Float64Array.from({ length: 8 }, () => 0.5));
  assertEquals(baVectorDefect(v, SHAPE8), null);
  v[6] = 1;
  v[7] = 1;
  assertEquals(
    baVectorDefect(v, SHAPE8),
    "attribute 3 is [1, 1]; a BA vector row is [b, 1 - b] with b in {0, 1}",
  );
  v[7] = -1;
  assert(baVectorDefect(v, SHAPE8)!.startsWith("attribute 3 holds a negative count (-1)"));
  assertEquals(baVectorDefect(Float32Array.of(0, 0, 1), { nAttributes: 1, nCategories: 3 }), null);
  assert(
    baVectorDefect(Float32Array.of(0.5, 0.5), { nAttributes: 1, nCategories: 2 })!.includes(
      "attribute 0 is [0.5, 0.5]",
    ),
  );
});

Deno.test({
  name: "runScoreTrain() refuses bad input with a message naming it and writes nothing",
  ignore: SKIP !== null,
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const data = await makeBaDataset(seed);
    const rows = readCsv(data.train);
    const victim = rows[3].id;
    const original = Deno.readFileSync(data.baPath(victim));
    const restore = () => Deno.writeFileSync(data.baPath(victim), original);
    const cases: Array<{
      what: string;
      setup: () => Promise<void> | void;
      args?: string[];
      input?: string;
      code?: number;
      message: string[];
    }> = [
      {
        what: "a BA vector of the wrong shape",
        setup: () =>
          writeVectorFile(data.baPath(victim), float32Tensor(new Float32Array(512), [256, 2])),
        message: [`id ${victim}`, data.baPath(victim), "shape [256, 2], expected [512, 2]"],
      },
      {
        what: "negative counts",
        setup: () => {
          const v = new Float32Array(1024);
          for (let a = 0; a < 512; a++) v[2 * a + 1] = 1;
          v[10] = -1;
          return writeVectorFile(data.baPath(victim), float32Tensor(v, [512, 2]));
        },
        message: [`id ${victim}`, "attribute 5 holds a negative count (-1)"],
      },
      {
        what: "counts that are not a BA vector",
        setup: () => {
          const v = new Float32Array(1024);
          for (let a = 0; a < 512; a++) v[2 * a] = 3;
          return writeVectorFile(data.baPath(victim), float32Tensor(v, [512, 2]));
        },
        message: [`id ${victim}`, "attribute 0 is [3, 0]; a BA vector row is [b, 1 - b]"],
      },
      {
        what: "a missing BA vector",
        setup: () => Deno.removeSync(data.baPath(victim)),
        message: [`id ${victim}: no binary attribute vector`, "run balr binarize first"],
      },
      {
        what: "a dataset without speakers",
        setup: () => {
          const text = rows.map((r) => `${r.id},${r.audio}`).join("\n");
          Deno.writeTextFileSync(join(data.dir, "nospk.csv"), `id,audio\n${text}\n`);
        },
        input: join(data.dir, "nospk.csv"),
        message: [join(data.dir, "nospk.csv"), "the dataset has no speaker labels"],
      },
      {
        what: "scorer=cosine",
        setup: () => {},
        args: ["scorer=cosine"],
        code: 2,
        message: ["scorer=cosine does not need to be fit on a reference population"],
      },
    ];
    for (const c of cases) {
      restore();
      await c.setup();
      const saveDir = join(data.dir, "runs", c.what.replaceAll(" ", "_"));
      const r = await balr(
        ["score", "train", c.input ?? data.train, ...(c.args ?? []), "--save-dir", saveDir],
        data.dir,
      );
      assertEquals(r.code, c.code ?? 1, `${c.what}: ${r.err} (seed ${seed})`);
      for (const m of c.message) assert(r.err.includes(m), `${c.what}: "${m}" not in ${r.err}`);
      assert(!exists(saveDir), `${c.what}: ${saveDir} was created`);
    }
  },
});
