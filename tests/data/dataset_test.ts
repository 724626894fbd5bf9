import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { compareCodePoints, Dataset, loadDataset } from "../../src/data/dataset.ts";
import { join } from "node:path";

/** Creates files (empty unless content is given) under a fresh temp folder. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "balr_dataset_" }));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    await Deno.mkdir(join(p, ".."), { recursive: true });
    await Deno.writeTextFile(p, content);
  }
  return dir;
}

async function withTree(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await tree(files);
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadDataset() folder: recursive, case-insensitive extensions, ids relative with extension", async () => {
  await withTree({
    "spk2/b.WAV": "",
    "spk1/a.wav": "",
    "spk1/deep/c.flac": "",
    "spk1/notes.txt": "",
    "top.mp3": "",
  }, async (dir) => {
    const ds = await loadDataset(dir);
    assertEquals(ds.ids, ["spk1/a.wav", "spk1/deep/c.flac", "spk2/b.WAV", "top.mp3"]);
    assertEquals(ds.get("spk1/a.wav")!.audio, join(dir, "spk1/a.wav"));
    const onlyWav = await loadDataset(dir, { audioFormats: [".wav"] });
    assertEquals(onlyWav.ids, ["spk1/a.wav", "spk2/b.WAV"]);
    assertEquals(ds.problems.length, 0);
  });
});

Deno.test("loadDataset() discovers vector files beside audio, preferring .txt, .pkl, .npy", async () => {
  await withTree({
    "u1.wav": "",
    "u1_emb.pkl": "",
    "u1_emb.txt": "",
    "u1_ba.npy": "",
    "u2.wav": "",
    "u2_ba.pkl": "",
    "spk.utt3.wav": "",
    "spk.utt3_emb.npy": "",
  }, async (dir) => {
    const ds = await loadDataset(dir);
    assertEquals(ds.get("u1.wav"), {
      id: "u1.wav",
      audio: join(dir, "u1.wav"),
      embedding: join(dir, "u1_emb.txt"),
      binaryAttributes: join(dir, "u1_ba.npy"),
    });
    assertEquals(ds.get("u2.wav")!.embedding, undefined);
    assertEquals(ds.get("u2.wav")!.binaryAttributes, join(dir, "u2_ba.pkl"));
    assertEquals(ds.get("spk.utt3.wav")!.embedding, join(dir, "spk.utt3_emb.npy"));
  });
});

Deno.test("loadDataset() single file: id is the stem; other extensions are refused", async () => {
  await withTree({ "a/utt.flac": "", "a/utt_emb.txt": "", "a/notes.xyz": "" }, async (dir) => {
    const ds = await loadDataset(join(dir, "a/utt.flac"));
    assertEquals(ds.ids, ["utt"]);
    assertEquals(ds.get("utt")!.embedding, join(dir, "a/utt_emb.txt"));
    await assertRejects(
      () => loadDataset(join(dir, "a/notes.xyz")),
      Error,
      "notes.xyz: not a folder, a csv",
    );
  });
});

Deno.test("loadDataset() names the folder and extensions when a folder has no audio", async () => {
  await withTree({ "x/readme.txt": "" }, async (dir) => {
    await assertRejects(
      () => loadDataset(join(dir, "x"), { audioFormats: ["wav", "FLAC"] }),
      Error,
      `${join(dir, "x")}: folder holds no audio file with extension .wav, .flac`,
    );
  });
  await assertRejects(
    () => loadDataset("/nonexistent/balr/input"),
    Error,
    "/nonexistent/balr/input: input does not exist",
  );
});

Deno.test("loadDataset() folder walk follows links once and survives a link loop", async () => {
  await withTree({ "real/a.wav": "" }, async (dir) => {
    await Deno.symlink(join(dir, "real"), join(dir, "real/loop"));
    await Deno.symlink(join(dir, "real/a.wav"), join(dir, "linked.wav"));
    const ds = await loadDataset(dir);
    assertEquals(ds.ids, ["linked.wav", "real/a.wav"]);
  });
});

Deno.test("loadDataset() csv: id/audio/speaker columns, relative paths, discovery, csv columns win", async () => {
  await withTree({
    "audio/s1/u1.wav": "",
    "audio/s1/u1_emb.txt": "",
    "audio/s1/u2.wav": "",
    "audio/s1/u2_emb.txt": "",
    "vec/u2_custom.pkl": "",
    "meta.csv": "id,audio,speaker,embedding,extra\n" +
      "s1/u2,audio/s1/u2.wav,spk1,vec/u2_custom.pkl,x\n" +
      "s1/u1, audio/s1/u1.wav ,spk1,,y\n",
  }, async (dir) => {
    const ds = await loadDataset(join(dir, "meta.csv"));
    assertEquals(ds.ids, ["s1/u1", "s1/u2"]);
    assertEquals(ds.get("s1/u1"), {
      id: "s1/u1",
      audio: join(dir, "audio/s1/u1.wav"),
      embedding: join(dir, "audio/s1/u1_emb.txt"),
      speaker: "spk1",
    });
    assertEquals(ds.get("s1/u2")!.embedding, join(dir, "vec/u2_custom.pkl"));
    assertEquals(ds.speakers(), ["spk1"]);
  });
});

Deno.test("loadDataset() csv: without id the audio value is the id; rootDir prefixes relative paths", async () => {
  await withTree({ "data/a.wav": "", "lists/m.csv": "audio,speaker\na.wav,s\n" }, async (dir) => {
    const ds = await loadDataset(join(dir, "lists/m.csv"), { rootDir: join(dir, "data") });
    assertEquals(ds.ids, ["a.wav"]);
    assertEquals(ds.get("a.wav")!.audio, join(dir, "data/a.wav"));
    assertEquals(ds.problems, []);
    const noRoot = await loadDataset(join(dir, "lists/m.csv"));
    assertEquals(noRoot.problems.map((p) => [p.id, p.field, p.path, p.line]), [
      ["a.wav", "audio", join(dir, "lists/a.wav"), 2],
    ]);
  });
});

Deno.test("loadDataset() csv errors name the file, line, columns or id", async () => {
  await withTree({
    "noid.csv": "path,speaker\na.wav,s\n",
    "empty.csv": "",
    "dup.csv": "id,audio\nx,a.wav\ny,b.wav\nx,c.wav\n",
    "blank.csv": "id,audio\n,a.wav\n",
  }, async (dir) => {
    await assertRejects(
      () => loadDataset(join(dir, "noid.csv")),
      Error,
      `${
        join(dir, "noid.csv")
      }: csv needs an "id" or an "audio" column; its columns are: path, speaker`,
    );
    await assertRejects(() => loadDataset(join(dir, "empty.csv")), Error, "csv is empty");
    await assertRejects(
      () => loadDataset(join(dir, "dup.csv")),
      Error,
      `duplicate id "x" on lines 2 and 4`,
    );
    await assertRejects(() => loadDataset(join(dir, "blank.csv")), Error, "line 2: empty id cell");
  });
});

Deno.test("loadDataset() lists a csv row's missing file as a problem, or fails with strict", async () => {
  await withTree({
    "a.wav": "",
    "m.csv": "id,audio,speaker\nok,a.wav,s\ngone,missing/b.wav,s\nnone,,s\n",
  }, async (dir) => {
    const ds = await loadDataset(join(dir, "m.csv"));
    assertEquals(ds.size, 3);
    assertEquals(ds.problems.map((p) => [p.id, p.line, p.message]), [
      ["gone", 3, "audio file not found"],
      ["none", 4, "row names no audio, embedding or binary_attributes file"],
    ]);
    assertEquals(ds.problemsOf("gone")[0].path, join(dir, "missing/b.wav"));
    const err = await assertRejects(
      () => loadDataset(join(dir, "m.csv"), { strict: true }),
      Error,
      "2 problem(s)",
    );
    assert(
      err.message.includes(`line 3, id gone: audio file not found: ${join(dir, "missing/b.wav")}`),
      err.message,
    );
  });
});

const sharedCsv =
  new URL("../../../shared/data/voxceleb/voxceleb2/metadata.csv", import.meta.url).pathname;
const hasShared = await Deno.stat(sharedCsv).then(() => true, () => false);
if (!hasShared) console.warn(`dataset_test: ${sharedCsv} is absent; skipping the shared csv test`);

Deno.test({
  name: "loadDataset() reads the shared VoxCeleb2 metadata.csv",
  ignore: !hasShared,
  fn: async () => {
    const ds = await loadDataset(sharedCsv);
    assertEquals(ds.size, 27);
    assertEquals(ds.speakers().length, 9);
    assertEquals(ds.problems, []);
    assertEquals(ds.ids[0], "id00906/00014");
    assertEquals(ds.get("id00906/00014")!.speaker, "id00906");
  },
});

Deno.test("Dataset sorts by code point, rejects duplicates, subsets and records files", () => {
  const ds = new Dataset([{ id: "b", speaker: "y" }, { id: "\u{1F600}" }, { id: "\uFFFF" }, {
    id: "a",
    speaker: "x",
  }], {
    source: "test",
  });
  // Python orders by code point: U+FFFF < U+1F600 (JavaScript's default sort would not)
  assertEquals(ds.ids, ["a", "b", "\uFFFF", "\u{1F600}"]);
  assert(compareCodePoints("\uFFFF", "\u{1F600}") < 0);
  assertThrows(
    () => new Dataset([{ id: "a" }, { id: "a" }], { source: "s.csv" }),
    Error,
    `s.csv: duplicate id "a"`,
  );
  const sub = ds.subset(["b", "a"]);
  assertEquals(sub.ids, ["a", "b"]);
  assertThrows(() => ds.subset(["zz"]), Error, `no item with id "zz"`);
  sub.setFile("a", "embedding", "/x/a_emb.pkl");
  assertEquals(ds.get("a")!.embedding, "/x/a_emb.pkl");
  assertEquals(ds.summary(), {
    size: 4,
    audio: 0,
    embeddings: 1,
    binaryAttributes: 0,
    speakers: 2,
  });
});

Deno.test("loadDataset() csv without audio finds BA vectors beside the embedding files", async () => {
  await withTree({
    "list.csv": "id,embedding,speaker\nu1,e/u1_emb.pkl,s1\nu2,e/u2_emb.pkl,s1\n",
    "e/u1_emb.pkl": "",
    "e/u2_emb.pkl": "",
    "e/u1_ba.pkl": "",
  }, async (dir) => {
    const ds = await loadDataset(join(dir, "list.csv"));
    assertEquals(ds.get("u1")?.binaryAttributes, join(dir, "e/u1_ba.pkl"));
    assertEquals(ds.get("u2")?.binaryAttributes, undefined);
  });
});
