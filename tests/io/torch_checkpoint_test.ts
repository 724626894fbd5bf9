import { fileURLToPath as fromFileUrl } from "node:url";
import {
  decodeTorchCheckpoint,
  encodeStateDict,
  readStateDict,
  readTorchCheckpoint,
  writeStateDict,
} from "../../src/io/torch_checkpoint.ts";
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { encodeZip, ZipArchive } from "../../src/io/zip.ts";
import { encodePickle, py } from "../../src/io/pickle_encoder.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  assertMatchesExpected,
  type ExpectedArray,
  fixturePath,
  readJsonFixture,
} from "./_fixtures.ts";

const BAE = fromFileUrl(new URL("../../../shared/models/BAE/BAE_mse.pt", import.meta.url));
const BAE_KEYS: Array<[string, number[], string]> = [
  ["encoder.0.weight", [512, 256], "float32"],
  ["encoder.0.bias", [512], "float32"],
  ["encoder.2.weight", [512], "float32"],
  ["encoder.2.bias", [512], "float32"],
  ["encoder.2.running_mean", [512], "float32"],
  ["encoder.2.running_var", [512], "float32"],
  ["encoder.2.num_batches_tracked", [], "int64"],
  ["encoder.3.weight", [512, 512], "float32"],
  ["encoder.3.bias", [512], "float32"],
  ["decoder.0.weight", [512, 512], "float32"],
  ["decoder.0.bias", [512], "float32"],
  ["decoder.2.weight", [256, 512], "float32"],
  ["decoder.2.bias", [256], "float32"],
];
const MARKER = "/tmp/balr_io_fixture_pwned";
const HAVE_BAE = await exists(BAE);
if (!HAVE_BAE) console.warn(`skipping BAE checkpoint tests: ${BAE} is absent`);

type PtExpected = Record<string, Record<string, ExpectedArray>>;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function sha256Hex(t: HostTensor): Promise<string> {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("readStateDict() reproduces torch.save tensors exactly (strides, offsets, shared storage, every dtype)", async () => {
  const expected = await readJsonFixture<PtExpected>("pt/expected.json");
  const sd = await readStateDict(fixturePath("pt/state_dict.pt"));
  assertEquals([...sd.keys()], Object.keys(expected["state_dict.pt"]));
  for (const [key, e] of Object.entries(expected["state_dict.pt"])) {
    assertMatchesExpected(sd.get(key)!, e, `state_dict.pt[${key}]`);
  }
  // Views of one storage are independent dense copies.
  const a = sd.get("shared_a")!.data as Float32Array;
  a[0] = 99;
  assertEquals((sd.get("shared_b")!.data as Float32Array)[0], 6);
});

Deno.test("readTorchCheckpoint() returns nested dicts, lists, tuples and plain values", async () => {
  const root = await readTorchCheckpoint(fixturePath("pt/nested.pt"));
  assert(root instanceof Map, "top level is a Map");
  assertEquals(root.get("epoch"), 7);
  assertEquals(root.get("lr"), 0.001);
  assertEquals(root.get("name"), "bae");
  assertEquals(root.get("flags"), [true, null]);
  assertEquals(root.get("pair"), [1, "a"]);
  const deep = (root.get("nested") as Map<string, unknown>).get("deep") as Map<string, unknown>;
  const w = deep.get("w") as HostTensor;
  assertEquals([w.dtype, w.shape, [...(w.data as Float32Array)]], ["float32", [2], [1, 1]]);
  const sd = root.get("state_dict");
  assert(sd instanceof Map, "state_dict is a Map");
  // The OrderedDict's _metadata attribute is not an item.
  assert(!sd.has("_metadata"), "_metadata is not a key");
});

Deno.test("readStateDict() picks the state_dict entry of a training checkpoint", async () => {
  const expected = await readJsonFixture<PtExpected>("pt/expected.json");
  const sd = await readStateDict(fixturePath("pt/nested.pt"));
  assertEquals([...sd.keys()], Object.keys(expected["nested.pt"]));
  for (const [key, e] of Object.entries(expected["nested.pt"])) {
    assertMatchesExpected(sd.get(key)!, e, `nested.pt[${key}]`);
  }
});

Deno.test("readStateDict() unwraps nn.Parameter objects", async () => {
  const expected = await readJsonFixture<PtExpected>("pt/expected.json");
  const sd = await readStateDict(fixturePath("pt/parameter.pt"));
  assertMatchesExpected(sd.get("weight")!, expected["parameter.pt"].weight, "parameter.pt[weight]");
});

Deno.test({
  name:
    "readStateDict() loads BAE_mse.pt with the 13 tensors of SPEC §6, shapes and values torch reads",
  ignore: !HAVE_BAE,
}, async () => {
  const summary = await readJsonFixture<
    Record<string, { dtype: string; shape: number[]; sha256: string; sum: number; head: unknown[] }>
  >("bae_mse_summary.json");
  const sd = await readStateDict(BAE);
  assertEquals(
    [...sd.keys()],
    BAE_KEYS.map(([k]) => k),
  );
  assertEquals(sd.size, 13);
  for (const [key, shape, dtype] of BAE_KEYS) {
    const t = sd.get(key)!;
    assertEquals([t.dtype, t.shape], [dtype, shape], key);
    const s = summary[key];
    assertEquals(await sha256Hex(t), s.sha256, `${key} bytes`);
    let sum = 0;
    for (const v of t.data) sum += Number(v);
    assert(Math.abs(sum - s.sum) <= 1e-9 * Math.max(1, Math.abs(s.sum)), `${key} sum`);
  }
  assertEquals(
    sd.get("encoder.2.num_batches_tracked")!.data[0],
    BigInt(summary["encoder.2.num_batches_tracked"].head[0] as string),
  );
});

function randomTensor(rng: Rng, dtype: HostTensor["dtype"], shape: number[]): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case "float32":
      return { dtype, shape, data: rng.normals(n) };
    case "float64":
      return { dtype, shape, data: Float64Array.from({ length: n }, () => rng.normal()) };
    case "float16":
      // Values exactly representable in half precision survive the round trip.
      return {
        dtype,
        shape,
        data: Float32Array.from({ length: n }, () => rng.int(-2048, 2048) / 8),
      };
    case "int64":
      return {
        dtype,
        shape,
        data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(-1e9, 1e9)) * 4294967297n),
      };
    case "int32":
      return { dtype, shape, data: Int32Array.from({ length: n }, () => rng.int(-2e9, 2e9)) };
    case "int16":
      return { dtype, shape, data: Int16Array.from({ length: n }, () => rng.int(-32768, 32768)) };
    case "int8":
      return { dtype, shape, data: Int8Array.from({ length: n }, () => rng.int(-128, 128)) };
    case "uint8":
      return { dtype, shape, data: Uint8Array.from({ length: n }, () => rng.int(0, 256)) };
    case "bool":
      return { dtype, shape, data: Uint8Array.from({ length: n }, () => rng.int(0, 2)) };
  }
}

Deno.test("encodeStateDict() round-trips every dtype and shape through readStateDict()", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const tensors = new Map<string, HostTensor>();
  const dtypes: HostTensor["dtype"][] = [
    "float32",
    "float64",
    "float16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
  ];
  const shapes = [[], [1], [7], [3, 5], [2, 3, 4], [0, 3]];
  for (const dtype of dtypes) {
    for (const shape of shapes) {
      tensors.set(`${dtype}.${shape.join("x") || "scalar"}`, randomTensor(rng, dtype, shape));
    }
  }
  const bytes = encodeStateDict(tensors, { extra: { epoch: 3, lr: 0.25, tag: "x", best: true } });
  const root = decodeTorchCheckpoint(bytes, { name: "roundtrip.pt" });
  assert(root instanceof Map);
  assertEquals([root.get("epoch"), root.get("lr"), root.get("tag"), root.get("best")], [
    3,
    0.25,
    "x",
    true,
  ]);
  const back = await readStateDict(bytes, { name: "roundtrip.pt" });
  assertEquals([...back.keys()], [...tensors.keys()], `seed ${seed}`);
  for (const [k, t] of tensors) {
    const b = back.get(k)!;
    assertEquals([b.dtype, b.shape], [t.dtype, t.shape], `${k} (seed ${seed})`);
    assertEquals([...b.data], [...t.data], `${k} values (seed ${seed})`);
  }
  // Storage records start on 64-byte boundaries, as torch's writer puts them.
  const zip = new ZipArchive(bytes, "roundtrip.pt");
  for (const e of zip.entries.values()) {
    if (e.name.startsWith("archive/data/")) assertEquals(zip.dataOffset(e) % 64, 0, e.name);
  }
  assertEquals(new TextDecoder().decode(zip.read("archive/byteorder")), "little");
  assertEquals(new TextDecoder().decode(zip.read("archive/version")), "3\n");
});

Deno.test({
  name: "writeStateDict() writes the BAE checkpoint back with identical tensors",
  ignore: !HAVE_BAE,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sd = await readStateDict(BAE);
    const path = `${dir}/sub/bae.pt`;
    await writeStateDict(path, sd);
    const back = await readStateDict(path);
    assertEquals([...back.keys()], [...sd.keys()]);
    for (const [k, v] of sd) {
      assertEquals(await sha256Hex(back.get(k)!), await sha256Hex(v), k);
      assertEquals(back.get(k)!.shape, v.shape, k);
    }
    assertEquals(
      [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name),
      ["bae.pt"],
      "no temp files left",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTorchCheckpoint() refuses a checkpoint whose pickle names os.system, running nothing", async () => {
  await Deno.remove(MARKER).catch(() => {});
  const path = fixturePath("bad/os_system.pt");
  const err = await assertRejects(() => readTorchCheckpoint(path), Error, "os.system");
  assert(err.message.includes(path), `names the file: ${err.message}`);
  assert(!(await exists(MARKER)), "the command did not run");
});

Deno.test("readTorchCheckpoint() names the file for truncated and corrupted zips", async () => {
  const bytes = await Deno.readFile(fixturePath("pt/state_dict.pt"));
  const cuts = [0, 1, 3, 100, bytes.length >> 1, bytes.length - 30, bytes.length - 1];
  for (const cut of cuts) {
    const err = assertThrows(
      () => decodeTorchCheckpoint(bytes.subarray(0, cut), { name: "cut.pt" }),
      Error,
    );
    assert(err.message.startsWith("cut.pt: "), `cut at ${cut}: ${err.message}`);
  }
  // Flip one byte inside a storage record: the CRC check catches it.
  const zip = new ZipArchive(bytes, "x");
  const entry = zip.entries.get("archive/data/0")!;
  const corrupt = bytes.slice();
  corrupt[zip.dataOffset(entry) + 2] ^= 0xff;
  assertThrows(
    () => decodeTorchCheckpoint(corrupt, { name: "bad.pt" }),
    Error,
    "bad.pt: entry archive/data/0 is corrupted",
  );
  // Garbage in the central directory.
  const garbled = bytes.slice();
  const dirStart = bytes.length - 200;
  garbled.fill(0x41, dirStart, dirStart + 60);
  assertThrows(() => decodeTorchCheckpoint(garbled, { name: "garbled.pt" }), Error, "garbled.pt: ");
});

Deno.test("readStateDict() errors name the file for non-checkpoints", async () => {
  await assertRejects(
    () => readStateDict("/nonexistent/model.pt"),
    Error,
    "/nonexistent/model.pt: cannot read",
  );
  assertThrows(
    () =>
      decodeTorchCheckpoint(new TextEncoder().encode("hello world, not a zip"), { name: "t.pt" }),
    Error,
    "t.pt: not a PyTorch checkpoint",
  );
  assertThrows(
    () => decodeTorchCheckpoint(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a), { name: "old.pt" }),
    Error,
    "old.pt: this is a legacy",
  );
  // A checkpoint holding no tensors at all.
  const empty = encodeStateDict({}, { extra: { epoch: 1 } });
  await assertRejects(
    () => readStateDict(empty, { name: "empty.pt" }),
    Error,
    "empty.pt: no tensors",
  );
});

Deno.test("encodeStateDict() rejects tensors whose data does not fit", () => {
  assertThrows(
    () => encodeStateDict({ w: { dtype: "float32", shape: [2, 2], data: new Float32Array(3) } }),
    RangeError,
    "state_dict entry w",
  );
  assertThrows(
    () => encodeStateDict({ w: { dtype: "int64", shape: [2], data: new Float32Array(2) } }),
    TypeError,
    "state_dict entry w",
  );
});

Deno.test("decodeTorchCheckpoint() reads torch 2.x _rebuild_from_type_v2 tensors (tensors with attributes)", () => {
  // Assembled with our encoder in the form torch 2.x writes (not producible by the torch 1.13 here).
  const pid = py.tuple("storage", py.global("torch", "FloatStorage"), "0", "cpu", 3);
  const rebuild = py.global("torch._utils", "_rebuild_tensor_v2");
  const args = py.tuple(
    py.persistent(pid),
    0,
    py.tuple(3),
    py.tuple(1),
    false,
    py.reduce(py.global("collections", "OrderedDict"), py.tuple()),
  );
  const tensor = py.reduce(
    py.global("torch._tensor", "_rebuild_from_type_v2"),
    py.tuple(rebuild, py.global("torch", "Tensor"), args, py.dict([["foo", "bar"]])),
  );
  const bytes = encodeZip([
    { name: "archive/data.pkl", data: encodePickle(py.dict([["t", tensor]]), 2) },
    { name: "archive/data/0", data: new Uint8Array(Float32Array.of(1, 2, 3).buffer) },
    { name: "archive/version", data: new TextEncoder().encode("3\n") },
  ]);
  const root = decodeTorchCheckpoint(bytes, { name: "v2.pt" }) as Map<string, HostTensor>;
  assertEquals(root.get("t"), { dtype: "float32", shape: [3], data: Float32Array.of(1, 2, 3) });
});
