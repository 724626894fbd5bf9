import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { Dataset } from "../../src/data/dataset.ts";
import {
  formatScore,
  readTrials,
  trialLabels,
  writeMetrics,
  writeScores,
} from "../../src/data/trials.ts";
import { loadDataset } from "../../src/data/dataset.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "balr_trials_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ds = new Dataset([
  { id: "a1", speaker: "A" },
  { id: "a2", speaker: "A" },
  { id: "b1", speaker: "B" },
  { id: "n1" },
], { source: "test.csv" });

Deno.test("readTrials() reads named columns in any order and comma-separated id lists", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/t.tsv`,
      "Test\tnote\tEnrollment\nb1\tx\ta1, a2\n\na2\ty\ta1\n",
    );
    const t = await readTrials(`${dir}/t.tsv`);
    assertEquals([t.enrollmentColumn, t.testColumn], [2, 0]);
    assertEquals(t.rows.map((r) => [r.enrollment, r.test, r.line]), [[["a1", "a2"], ["b1"], 2], [
      ["a1"],
      ["a2"],
      4,
    ]]);
    assertEquals(Array.from(trialLabels(t, ds)), [0, 1]);
  });
});

Deno.test("readTrials() takes the first two columns when names are absent, with any separator", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t.csv`, 'e,t\n"a1,a2",b1\n');
    const t = await readTrials(`${dir}/t.csv`, { sep: "," });
    assertEquals([t.enrollmentColumn, t.testColumn], [0, 1]);
    assertEquals(t.rows[0].enrollment, ["a1", "a2"]);
  });
});

Deno.test("readTrials() errors name the file and line", async () => {
  await withDir(async (dir) => {
    const cases: Array<[string, string, string]> = [
      ["empty.tsv", "", "trials file is empty"],
      [
        "one.tsv",
        "enrollment,test\na1,b1\n",
        'line 1: one column only, expected enrollment and test separated by tab; it looks separated by ",": pass --sep',
      ],
      ["header.tsv", "enrollment\ttest\n", "trials file has a header but no trials"],
      ["cell.tsv", "enrollment\ttest\na1\t\n", "line 2: empty id in the test cell"],
      ["id.tsv", "enrollment\ttest\na1,,a2\tb1\n", "line 2: empty id in the enrollment cell"],
      ["wide.tsv", "enrollment\ttest\na1\tb1\tc1\n", "line 2: 3 cells, the header has 2"],
    ];
    for (const [name, text, message] of cases) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      await assertRejects(() => readTrials(`${dir}/${name}`), Error, `${dir}/${name}: ${message}`);
    }
  });
});

Deno.test("trialLabels() names unknown ids, missing speakers and mixed cells with the trials line", async () => {
  await withDir(async (dir) => {
    const check = async (body: string, message: string) => {
      await Deno.writeTextFile(`${dir}/t.tsv`, `enrollment\ttest\n${body}`);
      const t = await readTrials(`${dir}/t.tsv`);
      assertThrows(() => trialLabels(t, ds), Error, message);
    };
    await check("a1\tzz\n", `${dir}/t.tsv: line 2: id "zz" is not in dataset test.csv`);
    await check("a1\ta2\nn1\ta1\n", `line 3: id "n1" has no speaker label`);
    await check("a1,b1\ta2\n", "line 2: the enrollment ids mix speakers: a1 (A), b1 (B)");
  });
});

const sharedDir = new URL("../../../shared/data/voxceleb/voxceleb2/", import.meta.url).pathname;
const hasShared = await Deno.stat(sharedDir).then(() => true, () => false);
if (!hasShared) {
  console.warn(`trials_test: ${sharedDir} is absent; skipping the shared trials test`);
}

Deno.test({
  name: "readTrials() and trialLabels() on the shared VoxCeleb2 trials.csv",
  ignore: !hasShared,
  fn: async () => {
    const t = await readTrials(`${sharedDir}trials.csv`);
    const test = await loadDataset(`${sharedDir}test.csv`);
    assertEquals(t.header, ["enrollment", "test"]);
    assertEquals(t.rows.length, 18);
    const labels = trialLabels(t, test);
    // each row's label agrees with its speaker folder prefix
    t.rows.forEach((r, k) =>
      assertEquals(labels[k], r.enrollment[0].split("/")[0] === r.test[0].split("/")[0] ? 1 : 0)
    );
    assert(labels.includes(0) && labels.includes(1));
  },
});

Deno.test('formatScore() writes exactly what Python\'s "%.4f" writes', async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("../testdata/data/python_float4.json", import.meta.url)),
  ) as { cases: Array<{ x: number; text: string }> };
  for (const { x, text } of fixture.cases) assertEquals(formatScore(x), text, `x = ${x}`);
  assertEquals([formatScore(NaN), formatScore(Infinity), formatScore(-Infinity)], [
    "",
    "inf",
    "-inf",
  ]);
});

Deno.test("writeScores() appends or replaces the scores column, same separator, quoting when needed", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t.tsv`, "enrollment\ttest\na1,a2\tb1\na2\ta1\n");
    const t = await readTrials(`${dir}/t.tsv`);
    await writeScores(`${dir}/scores.csv`, t, new Float32Array([1.234567, -0.03125]));
    assertEquals(
      await Deno.readTextFile(`${dir}/scores.csv`),
      "enrollment\ttest\tscores\na1,a2\tb1\t1.2346\na2\ta1\t-0.0312\n",
    );
    await writeScores(`${dir}/s2.csv`, t, [NaN, 2], { sep: "," });
    assertEquals(
      await Deno.readTextFile(`${dir}/s2.csv`),
      'enrollment,test,scores\n"a1,a2",b1,\na2,a1,2.0000\n',
    );
    await Deno.writeTextFile(`${dir}/t2.tsv`, "enrollment\ttest\tscores\na1\tb1\t9\n");
    await writeScores(`${dir}/s3.csv`, await readTrials(`${dir}/t2.tsv`), [0.5]);
    assertEquals(
      await Deno.readTextFile(`${dir}/s3.csv`),
      "enrollment\ttest\tscores\na1\tb1\t0.5000\n",
    );
    await assertRejects(
      () => writeScores(`${dir}/bad.csv`, t, [1]),
      RangeError,
      "1 scores for 2 trials",
    );
  });
});

Deno.test("writeMetrics() orders the standard keys first, extras after, NaN as null", async () => {
  await withDir(async (dir) => {
    await writeMetrics(`${dir}/m.json`, { MCC: 0.5, extra: 3, EER: 0.1, CLLR: Infinity, TP: 4 });
    const text = await Deno.readTextFile(`${dir}/m.json`);
    assertEquals(Object.keys(JSON.parse(text)), ["EER", "CLLR", "TP", "MCC", "extra"]);
    assertEquals(JSON.parse(text).CLLR, null);
    assert(text.includes('\n  "EER": 0.1,\n'), text);
  });
});
