/**
 * `balr verify`: the merge/verify step after a sharded batch.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { main } from "../../cli.ts";
import { float32Tensor } from "../../src/io/host_tensor.ts";
import { writeVectorFile } from "../../src/io/vector_file.ts";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {}, {
    io: { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) },
  });
  return { code, out, err };
}

Deno.test("balr verify finds mirrored outputs, lists missing and bad ones, writes a manifest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "balr_verify_" });
  try {
    // Four recordings of two speakers; outputs mirrored under out/ as a sharded extract leaves them.
    await Deno.mkdir(`${dir}/in/spk1`, { recursive: true });
    await Deno.mkdir(`${dir}/in/spk2`, { recursive: true });
    const ids = ["spk1/a", "spk1/b", "spk2/c", "spk2/d"];
    for (const id of ids) await Deno.writeFile(`${dir}/in/${id}.wav`, new Uint8Array(0));
    await Deno.writeTextFile(
      `${dir}/in/list.csv`,
      "id,audio,speaker\n" + ids.map((id) => `${id},${id}.wav,${id.split("/")[0]}`).join("\n") +
        "\n",
    );
    const vec = (v: number) => float32Tensor(new Float32Array(256).fill(v), [256]);
    await writeVectorFile(`${dir}/out/spk1/a_emb.pkl`, vec(1));
    await writeVectorFile(`${dir}/out/spk2/c_emb.pkl`, vec(2));
    await writeVectorFile(`${dir}/out/spk2/d_emb.pkl`, vec(NaN));
    const r = await run([
      "verify",
      `${dir}/in/list.csv`,
      "--save-dir",
      `${dir}/out`,
      "--manifest",
      `${dir}/out/embeddings.csv`,
    ]);
    assertEquals(r.code, 1, r.err);
    assert(r.out.includes("2 of 4 embeddings present and valid, 1 missing, 1 bad"), r.out);
    assert(r.out.includes("missing spk1/b"), r.out);
    assert(r.out.includes("bad spk2/d") && r.out.includes("non-finite"), r.out);
    const manifest = await Deno.readTextFile(`${dir}/out/embeddings.csv`);
    assertEquals(
      manifest,
      "id,audio,embedding,speaker\n" +
        "spk1/a,../in/spk1/a.wav,spk1/a_emb.pkl,spk1\n" +
        "spk2/c,../in/spk2/c.wav,spk2/c_emb.pkl,spk2\n",
    );
    // Fill the gaps: now everything verifies and exit is 0.
    await writeVectorFile(`${dir}/out/spk1/b_emb.pkl`, vec(3));
    await writeVectorFile(`${dir}/out/spk2/d_emb.pkl`, vec(4));
    const ok = await run(["verify", `${dir}/in/list.csv`, "--save-dir", `${dir}/out`]);
    assertEquals(ok.code, 0, ok.out + ok.err);
    assert(ok.out.includes("4 of 4 embeddings present and valid"), ok.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("balr verify --kind ba checks [512, 2] BA vectors beside the inputs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "balr_verify_ba_" });
  try {
    await Deno.writeFile(`${dir}/x.wav`, new Uint8Array(0));
    await writeVectorFile(`${dir}/x_ba.pkl`, float32Tensor(new Float32Array(256), [256]));
    const r = await run(["verify", dir, "--kind", "ba"]);
    assertEquals(r.code, 1);
    assert(r.out.includes("shape [256], expected [512, 2]"), r.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
