import {
  decodeNumpyPickle,
  encodeNumpyPickle,
  readNumpyPickle,
  writeNumpyPickle,
} from "../../src/io/numpy_pickle.ts";
import type { HostDType, HostTensor } from "../../src/io/host_tensor.ts";
import type { PickleProtocol } from "../../src/io/pickle_encoder.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  assertMatchesExpected,
  type ExpectedArray,
  fixturePath,
  readJsonFixture,
} from "./_fixtures.ts";

type PklExpected = Record<string, ExpectedArray & { protocol: number }>;
const expected = await readJsonFixture<PklExpected>("pkl/expected.json");
const arrayFixtures = Object.entries(expected).filter(([, e]) => "values" in e);

Deno.test("readNumpyPickle() loads every Python fixture (protocols 0-5, Fortran, big-endian, every dtype) exactly", async () => {
  assert(arrayFixtures.length >= 15, "fixtures present");
  for (const [name, e] of arrayFixtures) {
    const t = await readNumpyPickle(fixturePath(`pkl/${name}`));
    assertMatchesExpected(t, e, name);
  }
});

Deno.test("encodeNumpyPickle() writes the same bytes as Python's pickle for C-ordered little-endian arrays", async () => {
  let compared = 0;
  for (const [name, e] of arrayFixtures) {
    if (e.protocol < 2 || name.includes("fortran") || name.includes("big_endian")) continue;
    const file = await Deno.readFile(fixturePath(`pkl/${name}`));
    const t = decodeNumpyPickle(file, { name });
    const ours = encodeNumpyPickle(t, { protocol: e.protocol as PickleProtocol });
    assertEquals(ours.length, file.length, `${name} length`);
    assertEquals(ours, file, `${name} bytes`);
    compared++;
  }
  assert(compared >= 10, `compared ${compared} fixtures`);
});

function randomArray(rng: Rng, dtype: HostDType, shape: number[]): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "int64"
    ? BigInt64Array.from({ length: n }, () => BigInt(rng.int(-1e9, 1e9)) << 20n)
    : dtype === "float64"
    ? Float64Array.from({ length: n }, () => rng.normal())
    : dtype === "float32"
    ? rng.normals(n)
    : dtype === "float16"
    ? Float32Array.from({ length: n }, () => rng.int(-2048, 2048) / 16)
    : dtype === "int32"
    ? Int32Array.from({ length: n }, () => rng.int(-2e9, 2e9))
    : dtype === "int16"
    ? Int16Array.from({ length: n }, () => rng.int(-32768, 32768))
    : dtype === "int8"
    ? Int8Array.from({ length: n }, () => rng.int(-128, 128))
    : Uint8Array.from({ length: n }, () => rng.int(0, dtype === "bool" ? 2 : 256));
  return { dtype, shape, data };
}

Deno.test("encodeNumpyPickle() round-trips every dtype at protocols 2-5, including payloads past one frame", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const dtypes: HostDType[] = [
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
  for (const protocol of [2, 3, 4, 5] as PickleProtocol[]) {
    for (const dtype of dtypes) {
      for (const shape of [[], [256], [512, 2], [2, 3, 4], [0], [17000]]) {
        const t = randomArray(rng, dtype, shape);
        const back = decodeNumpyPickle(encodeNumpyPickle(t, { protocol }), { name: "x.pkl" });
        const what = `${dtype} [${shape}] protocol ${protocol} (seed ${seed})`;
        assertEquals([back.dtype, back.shape], [dtype, shape], what);
        assertEquals(back.data, t.data, what);
      }
    }
  }
});

Deno.test("writeNumpyPickle() writes atomically and readNumpyPickle() reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const t: HostTensor = { dtype: "float32", shape: [4], data: Float32Array.of(1, -2, 3.5, 0) };
    await writeNumpyPickle(`${dir}/a/v_emb.pkl`, t);
    assertEquals((await readNumpyPickle(`${dir}/a/v_emb.pkl`)).data, t.data);
    assertEquals([...Deno.readDirSync(`${dir}/a`)].map((e) => e.name), ["v_emb.pkl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNumpyPickle() names the file for truncated pickles and non-array contents", async () => {
  const file = await Deno.readFile(fixturePath("pkl/emb_p5.pkl"));
  for (let cut = 0; cut < file.length; cut += 7) {
    const err = assertThrows(() => decodeNumpyPickle(file.subarray(0, cut), { name: "cut.pkl" }));
    assert(err.message.startsWith("cut.pkl: "), `cut at ${cut}: ${err.message}`);
  }
  await assertRejects(
    () => readNumpyPickle(fixturePath("pkl/np_scalar_p2.pkl")),
    TypeError,
    "not a numpy array",
  );
  await assertRejects(
    () => readNumpyPickle("/nonexistent/x_emb.pkl"),
    Error,
    "/nonexistent/x_emb.pkl",
  );
});
