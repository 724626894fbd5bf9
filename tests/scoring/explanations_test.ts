import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  EXPLANATION_COLUMNS,
  explanationCsvLines,
  topContributions,
  writeExplanationCsv,
} from "../../src/scoring/explanations.ts";

Deno.test("topContributions() picks the strongest attributes for and against, ties by index", () => {
  const top = topContributions([0.5, -2, 0, 3, -0.1, 0.5, -2], 2);
  assertEquals(top.for, [{ attribute: 3, llr: 3 }, { attribute: 0, llr: 0.5 }]);
  assertEquals(top.against, [{ attribute: 1, llr: -2 }, { attribute: 6, llr: -2 }]);
  assertEquals(topContributions([1, 2], 5).against, []);
  assertThrows(() => topContributions([1], 0), RangeError, "k >= 1");
});

Deno.test("explanationCsvLines() writes one row per trial and rank with empty cells for missing ranks", () => {
  const lines = explanationCsvLines([
    {
      trial: 0,
      enrollment: "a.wav",
      test: "b.wav,c.wav",
      score: 1.23456,
      contributions: [1, -0.5, 0.25],
    },
    { trial: 7, enrollment: "x", test: "y", score: -3, contributions: [0, 0, 0] },
  ], { k: 2, sep: "\t" });
  assertEquals(lines, [
    EXPLANATION_COLUMNS.join("\t"),
    "0\ta.wav\tb.wav,c.wav\t1.2346\t1\t0\t1.0000\t1\t-0.5000",
    "0\ta.wav\tb.wav,c.wav\t1.2346\t2\t2\t0.2500\t\t",
    "7\tx\ty\t-3.0000\t1\t\t\t\t",
  ]);
  // A comma separator quotes cells that hold commas.
  assertEquals(
    explanationCsvLines(
      [{ trial: 1, enrollment: "a", test: "b,c", score: 0, contributions: [1] }],
      { k: 1, sep: "," },
    )[1],
    '1,a,"b,c",0.0000,1,0,1.0000,,',
  );
});

Deno.test("writeExplanationCsv() writes the file atomically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/explanations.csv`;
    await writeExplanationCsv(path, [{
      trial: 0,
      enrollment: "e",
      test: "t",
      score: 2,
      contributions: [2],
    }], { k: 1 });
    const text = await Deno.readTextFile(path);
    assertEquals(text.split("\n").length, 3);
    assertEquals([...Deno.readDirSync(`${dir}/sub`)].length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
