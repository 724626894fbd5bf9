import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { chunkRanges, foldWorkgroups, workgroupsFor } from "../../src/gpu/mod.ts";

Deno.test("foldWorkgroups() keeps small counts on x and folds large ones into y", () => {
  assertEquals(foldWorkgroups(1), [1, 1, 1]);
  assertEquals(foldWorkgroups(65535), [65535, 1, 1]);
  const [x, y] = foldWorkgroups(65536);
  assertEquals(y, 2);
  assertEquals(x * y >= 65536 && x <= 65535, true);
  assertThrows(() => foldWorkgroups(65535 * 65535 + 1), RangeError);
});

Deno.test("workgroupsFor() rounds up and never launches zero groups", () => {
  assertEquals(workgroupsFor(0, 256), [1, 1, 1]);
  assertEquals(workgroupsFor(257, 256), [2, 1, 1]);
});

Deno.test("chunkRanges() covers [0, total) exactly", () => {
  assertEquals(chunkRanges(10, 4), [[0, 4], [4, 8], [8, 10]]);
  assertEquals(chunkRanges(0, 4), []);
  assertThrows(() => chunkRanges(3, 0), RangeError);
});
