import { assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { Dataset } from "../../src/data/dataset.ts";
import { filterIds, parseShard, readIdList, selectShard } from "../../src/data/shard.ts";

Deno.test("parseShard() reads 0-based i/n and rejects anything else", () => {
  assertEquals(parseShard("0/4"), { index: 0, count: 4 });
  assertEquals(parseShard(" 3 / 4 "), { index: 3, count: 4 });
  for (const bad of ["4/4", "1/0", "-1/3", "1", "a/b", "1/2/3", ""]) {
    assertThrows(() => parseShard(bad), RangeError, `shard "${bad}"`);
  }
});

Deno.test("selectShard() splits ids into disjoint, balanced, ordered blocks covering all", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (let trial = 0; trial < 50; trial++) {
    const n = rng.int(0, 200);
    const count = rng.int(1, 12);
    const ids = Array.from({ length: n }, (_, i) => `id${String(i).padStart(4, "0")}`);
    const blocks = Array.from({ length: count }, (_, index) => selectShard(ids, { index, count }));
    assertEquals(blocks.flat(), ids, `seed ${seed}: n=${n} count=${count}`);
    const sizes = blocks.map((b) => b.length);
    const spread = Math.max(...sizes) - Math.min(...sizes);
    assertEquals(spread <= 1, true, `seed ${seed}: sizes ${sizes}`);
    assertEquals(selectShard(ids, { index: count - 1, count }), blocks[count - 1], "deterministic");
  }
});

Deno.test("readIdList() and filterIds() keep listed ids and name unknown ones", async () => {
  const ds = new Dataset([{ id: "a" }, { id: "b" }, { id: "c" }], { source: "m.csv" });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ids.txt`, "c\r\n\n  a  \nc\n");
    const ids = await readIdList(`${dir}/ids.txt`);
    assertEquals(ids, ["c", "a", "c"]);
    assertEquals(filterIds(ds, ids).ids, ["a", "c"]);
    assertThrows(
      () => filterIds(ds, ["a", "zz", "yy"], { source: `${dir}/ids.txt` }),
      Error,
      `${dir}/ids.txt: 2 id(s) not in dataset m.csv: "zz", "yy"`,
    );
    await Deno.writeTextFile(`${dir}/empty.txt`, "\n\n");
    await assertRejects(() => readIdList(`${dir}/empty.txt`), Error, "id list is empty");
    await assertRejects(
      () => readIdList(`${dir}/none.txt`),
      Error,
      `${dir}/none.txt: cannot read id list`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
