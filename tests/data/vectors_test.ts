import { assertEquals } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { Dataset, type DatasetItem } from "../../src/data/dataset.ts";
import { loadVectors } from "../../src/data/vectors.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { writeVectorFile } from "../../src/io/vector_file.ts";

Deno.test("loadVectors() stacks good vectors in id order and lists missing and bad files", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const dir = await Deno.makeTempDir({ prefix: "balr_vectors_" });
  try {
    const items: DatasetItem[] = [];
    const expected: number[] = [];
    const exts = [".txt", ".pkl", ".npy"];
    for (let i = 0; i < 12; i++) {
      const id = `u${String(i).padStart(2, "0")}`;
      const path = `${dir}/${id}_ba${exts[i % 3]}`;
      const v = rng.floats(8);
      if (i === 3) {
        await writeVectorFile(path, float32Tensor(rng.floats(6), [3, 2])); // wrong shape
      } else if (i === 5) {
        v[2] = NaN;
        await writeVectorFile(path, float32Tensor(v, [4, 2]));
      } else if (i === 7) {
        await Deno.writeTextFile(path, "not a vector file");
      } else if (i !== 9 && i !== 11) { // 9: file never written; 11: item without a BA file
        // [1, 4, 2] squeezes to the expected [4, 2]
        await writeVectorFile(path, float32Tensor(v, i === 10 ? [1, 4, 2] : [4, 2]));
        expected.push(...v);
      }
      items.push(i === 11 ? { id } : { id, binaryAttributes: path });
    }
    const ds = new Dataset(items, { source: dir });
    const results = [];
    for (const concurrency of [0, 1, 4]) {
      results.push(await loadVectors(ds, "binaryAttributes", { expectShape: [4, 2], concurrency }));
    }
    for (const r of results) {
      assertEquals(r.ids, ["u00", "u01", "u02", "u04", "u06", "u08", "u10"], `seed ${seed}`);
      assertEquals(r.missing, ["u11"]);
      assertEquals(r.bad.map((b) => b.id), ["u03", "u05", "u07", "u09"]);
      assertEquals(r.bad[0].error, "shape [3, 2], expected [4, 2]");
      assertEquals(r.bad[1].error, "value 2 is NaN");
      assertEquals(r.bad[3].error, "file not found");
      assertEquals(r.bad[2].path, `${dir}/u07_ba.pkl`); // 7 % 3 → .pkl
      assertClose(r.data, expected, { atol: 0 }, `seed ${seed}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
