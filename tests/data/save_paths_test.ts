import { assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { Dataset } from "../../src/data/dataset.ts";
import {
  commonAncestor,
  incrementSaveDir,
  planVectorSaves,
  referencePath,
} from "../../src/data/save_paths.ts";
import { join } from "node:path";

const ds = new Dataset([
  { id: "s1/u1", audio: "/data/vox/s1/u1.wav" },
  { id: "s2/u2", audio: "/data/vox/s2/deep/u2.flac" },
  { id: "e", embedding: "/data/emb/e_emb.pkl" },
  { id: "b", binaryAttributes: "/data/emb/b_ba.txt" },
  { id: "spk.utt", audio: "/data/vox/s1/spk.utt.wav" },
], { source: "test.csv" });

Deno.test("referencePath() prefers audio, then embedding, then BA file", () => {
  assertEquals(referencePath({ id: "x", audio: "/a.wav", embedding: "/a_emb.txt" }), {
    path: "/a.wav",
    field: "audio",
  });
  assertEquals(
    referencePath({ id: "x", embedding: "/a_emb.txt", binaryAttributes: "/a_ba.txt" })?.field,
    "embedding",
  );
  assertEquals(referencePath({ id: "x" }), undefined);
});

Deno.test("planVectorSaves() without save dir writes beside the reference file", () => {
  const plan = planVectorSaves(ds);
  assertEquals(plan.pathFor(ds.get("s1/u1")!, "embedding", ".pkl"), "/data/vox/s1/u1_emb.pkl");
  assertEquals(
    plan.pathFor(ds.get("s2/u2")!, "binaryAttributes", "txt"),
    "/data/vox/s2/deep/u2_ba.txt",
  );
  // a vector reference loses its own suffix: e_emb.pkl → e_ba.pkl (upstream: e_emb_ba.pkl)
  assertEquals(plan.pathFor(ds.get("e")!, "binaryAttributes", ".pkl"), "/data/emb/e_ba.pkl");
  assertEquals(plan.pathFor(ds.get("b")!, "binaryAttributes", ".npy"), "/data/emb/b_ba.npy");
  assertEquals(
    plan.pathFor(ds.get("spk.utt")!, "embedding", ".txt"),
    "/data/vox/s1/spk.utt_emb.txt",
  );
  assertThrows(
    () => plan.pathFor({ id: "z" }, "embedding", ".pkl"),
    Error,
    `test.csv: item "z" has no audio`,
  );
});

Deno.test("planVectorSaves() with a save dir mirrors paths below the common ancestor folder", () => {
  const plan = planVectorSaves(ds, { saveDir: "/runs/extract" });
  assertEquals(plan.commonDir, "/data");
  assertEquals(
    plan.pathFor(ds.get("s2/u2")!, "embedding", ".pkl"),
    "/runs/extract/vox/s2/deep/u2_emb.pkl",
  );
  assertEquals(
    plan.pathFor(ds.get("e")!, "binaryAttributes", ".pkl"),
    "/runs/extract/emb/e_ba.pkl",
  );
  // one file: its folder is the ancestor, so the output lands inside the save dir
  const one = new Dataset([{ id: "u", audio: "/data/vox/s1/u.wav" }], { source: "u.wav" });
  assertEquals(
    planVectorSaves(one, { saveDir: "/runs/x" }).pathFor(one.items[0], "embedding", ".pkl"),
    "/runs/x/u_emb.pkl",
  );
});

Deno.test("commonAncestor() is the deepest shared folder", () => {
  assertEquals(commonAncestor(["/a/b/c/x.wav", "/a/b/d/y.wav", "/a/b/c/e/z.wav"]), "/a/b");
  assertEquals(commonAncestor(["/a/x.wav", "/b/y.wav"]), "/");
  assertEquals(commonAncestor(["/a/b/x.wav"]), "/a/b");
});

Deno.test("incrementSaveDir() returns path, then path2, path3 …; existOk reuses; created on disk", async () => {
  const root = await Deno.makeTempDir({ prefix: "balr_save_" });
  try {
    const base = join(root, "runs/train");
    assertEquals(await incrementSaveDir(base, false), base);
    assertEquals((await Deno.stat(base)).isDirectory, true);
    assertEquals(await incrementSaveDir(base, false), `${base}2`);
    assertEquals(await incrementSaveDir(`${base}/`, false), `${base}3`);
    assertEquals(await incrementSaveDir(base, true), base);
    await Deno.writeTextFile(join(root, "out.json"), "{}");
    assertEquals(await incrementSaveDir(join(root, "out.json"), false), join(root, "out2.json"));
    const both = await Promise.all([incrementSaveDir(base, false), incrementSaveDir(base, false)]);
    assertEquals(both.sort(), [`${base}4`, `${base}5`]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  await assertRejects(() => incrementSaveDir("/proc/balr-cannot-create/x", false), Error);
});
