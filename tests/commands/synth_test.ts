import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { writeSyntheticCorpus } from "../../src/commands/synth.ts";
import { loadDataset, readTrials, trialLabels } from "../../src/data/mod.ts";
import { readVectorFile } from "../../src/io/vector_file.ts";

Deno.test("writeSyntheticCorpus() writes four disjoint speaker sets and labelled trials", async () => {
  const dir = await Deno.makeTempDir({ prefix: "balr_synth_" });
  try {
    const r = await writeSyntheticCorpus(dir, { speakers: 8, utterances: 3, seed: 5 });
    const sets = await Promise.all(
      (["train", "val", "reference", "test"] as const).map((n) => loadDataset(r.csv[n])),
    );
    assertEquals(sets.map((s) => s.size), [24, 6, 24, 12]);
    const speakerSets = sets.map((s) => new Set(s.speakers()));
    for (let a = 0; a < 4; a++) {
      for (let b = a + 1; b < 4; b++) {
        assert(
          [...speakerSets[a]].every((x) => !speakerSets[b].has(x)),
          `sets ${a} and ${b} share`,
        );
      }
    }
    const emb = await readVectorFile(sets[0].items[0].embedding!);
    assertEquals(emb.shape, [256]);
    const trials = await readTrials(r.trials);
    const labels = trialLabels(trials, sets[3]);
    // 4 test speakers × 3 recordings: 4 enrolments × 8 other recordings, 2 targets each.
    assertEquals(labels.length, 32);
    assertEquals(labels.reduce((a, b) => a + b, 0), 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeSyntheticCorpus() refuses too few speakers or recordings", async () => {
  await assertRejects(
    () => writeSyntheticCorpus("/tmp/x", { speakers: 2, utterances: 4 }),
    RangeError,
    "--speakers",
  );
  await assertRejects(
    () => writeSyntheticCorpus("/tmp/x", { speakers: 8, utterances: 1 }),
    RangeError,
    "--utterances",
  );
});
