import { readVectorFile, writeVectorFile } from "../../src/io/vector_file.ts";
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { encodeSafetensors } from "../../src/io/safetensors.ts";
import { fixturePath } from "./_fixtures.ts";

Deno.test("writeVectorFile() and readVectorFile() round-trip embeddings and BA vectors in every format", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const emb: HostTensor = { dtype: "float32", shape: [256], data: rng.normals(256) };
  const ba: HostTensor = {
    dtype: "float32",
    shape: [512, 2],
    data: Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? 1 : 0)),
  };
  const dir = await Deno.makeTempDir();
  try {
    for (const ext of [".txt", ".pkl", ".npy", ".safetensors"]) {
      for (const [stem, t] of [["utt_emb", emb], ["utt_ba", ba]] as const) {
        const path = `${dir}/spk/${stem}${ext}`;
        await writeVectorFile(path, t);
        const back = await readVectorFile(path);
        // .txt is float64 on read, as np.loadtxt gives; the values are the float32 ones.
        assertEquals(back.dtype, ext === ".txt" ? "float64" : "float32", path);
        assertEquals(back.shape, t.shape, path);
        assertEquals([...back.data], [...t.data], `${path} (seed ${seed})`);
      }
    }
    await writeVectorFile(`${dir}/p2_emb.pkl`, emb, { protocol: 2 });
    assertEquals((await readVectorFile(`${dir}/p2_emb.pkl`)).data, emb.data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readVectorFile() reads Python-written .pkl, .npy and .txt fixtures", async () => {
  assertEquals((await readVectorFile(fixturePath("pkl/emb_p5.pkl"))).shape, [256]);
  assertEquals((await readVectorFile(fixturePath("pkl/ba_p2.pkl"))).shape, [512, 2]);
  assertEquals((await readVectorFile(fixturePath("npy/c_f32.npy"))).shape, [512, 2]);
  assertEquals((await readVectorFile(fixturePath("txt/ba.txt"))).shape, [512, 2]);
});

Deno.test("readVectorFile() errors name the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(
      () => readVectorFile(`${dir}/x_emb.csv`),
      Error,
      `${dir}/x_emb.csv: unsupported vector file extension`,
    );
    await assertRejects(
      () => readVectorFile(`${dir}/missing_emb.pkl`),
      Error,
      `${dir}/missing_emb.pkl: cannot read`,
    );
    await Deno.writeTextFile(`${dir}/g_emb.txt`, "0.5 nope\n");
    await assertRejects(
      () => readVectorFile(`${dir}/g_emb.txt`),
      Error,
      `${dir}/g_emb.txt: line 1`,
    );
    await Deno.writeFile(`${dir}/g_emb.pkl`, Uint8Array.of(0x80, 0x05, 0x95));
    await assertRejects(
      () => readVectorFile(`${dir}/g_emb.pkl`),
      Error,
      `${dir}/g_emb.pkl: truncated`,
    );
    const two = encodeSafetensors({
      a: { dtype: "float32", shape: [1], data: new Float32Array(1) },
      b: { dtype: "float32", shape: [1], data: new Float32Array(1) },
    });
    await Deno.writeFile(`${dir}/two.safetensors`, two);
    await assertRejects(
      () => readVectorFile(`${dir}/two.safetensors`),
      Error,
      `${dir}/two.safetensors: a vector file must hold one tensor`,
    );
    await assertRejects(
      () =>
        writeVectorFile(`${dir}/bad.txt`, {
          dtype: "float32",
          shape: [2, 2, 2],
          data: new Float32Array(8),
        }),
      Error,
      `${dir}/bad.txt: `,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
