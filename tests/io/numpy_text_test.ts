import {
  decodeNumpyText,
  encodeNumpyText,
  formatExp18,
  readNumpyText,
  writeNumpyText,
} from "../../src/io/numpy_text.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  assertMatchesExpected,
  type ExpectedArray,
  fixturePath,
  readJsonFixture,
} from "./_fixtures.ts";

type TxtExpected = Record<string, ExpectedArray & { source?: ExpectedArray }>;
const expected = await readJsonFixture<TxtExpected>("txt/expected.json");

Deno.test("readNumpyText() gives np.loadtxt's shapes and values for every fixture", async () => {
  for (const [name, e] of Object.entries(expected)) {
    assertMatchesExpected(await readNumpyText(fixturePath(`txt/${name}`)), e, name);
  }
  assertEquals(expected["emb.txt"].shape, [256]);
  assertEquals(expected["ba.txt"].shape, [512, 2]);
});

Deno.test("formatExp18() matches Python's '%.18e' on random, extreme and exact-tie values", async () => {
  const { tie_count, cases } = await readJsonFixture<
    { tie_count: number; cases: [string, string][] }
  >(
    "txt/format_cases.json",
  );
  assert(tie_count > 0 && cases.length > 900, "cases present");
  const view = new DataView(new ArrayBuffer(8));
  for (const [hex, want] of cases) {
    view.setBigUint64(0, BigInt(`0x${hex}`));
    const x = view.getFloat64(0);
    assertEquals(formatExp18(x), want, `bits ${hex}`);
  }
});

Deno.test("encodeNumpyText() writes the same bytes as np.savetxt", async () => {
  for (const [name, e] of Object.entries(expected)) {
    if (!e.source) continue;
    const file = await Deno.readTextFile(fixturePath(`txt/${name}`));
    const source = e.source;
    const data = source.dtype === "float32"
      ? Float32Array.from(source.values.map(valueOf))
      : Float64Array.from(source.values.map(valueOf));
    const text = encodeNumpyText({ dtype: source.dtype as "float32", shape: source.shape, data });
    assertEquals(text, file, name);
  }
});

function valueOf(v: number | string | boolean): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
}

Deno.test("writeNumpyText() round-trips float32 embeddings and BA vectors exactly", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const dir = await Deno.makeTempDir();
  try {
    const emb = rng.normals(256);
    await writeNumpyText(`${dir}/x_emb.txt`, { dtype: "float32", shape: [256], data: emb });
    const back = await readNumpyText(`${dir}/x_emb.txt`);
    assertEquals([back.shape, [...back.data]], [[256], [...emb]], `seed ${seed}`);
    const ba = Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? 1 : 0));
    await writeNumpyText(`${dir}/x_ba.txt`, { dtype: "float32", shape: [512, 2], data: ba });
    const bb = await readNumpyText(`${dir}/x_ba.txt`);
    assertEquals([bb.shape, [...bb.data]], [[512, 2], [...ba]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNumpyText() names the file and line for garbage", async () => {
  assertThrows(
    () => decodeNumpyText("1.0 2.0\n3.0\n", { name: "r.txt" }),
    Error,
    "r.txt: line 2 has 1 values",
  );
  assertThrows(
    () => decodeNumpyText("1.0\nabc\n", { name: "g.txt" }),
    Error,
    'g.txt: line 2: "abc" is not a number',
  );
  assertThrows(
    () => decodeNumpyText("# only a comment\n\n", { name: "e.txt" }),
    Error,
    "e.txt: no values",
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/bin.txt`, Uint8Array.of(0xff, 0xfe, 0x00, 0x80));
    await assertRejects(
      () => readNumpyText(`${dir}/bin.txt`),
      Error,
      `${dir}/bin.txt: not a text file`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assertThrows(
    () => encodeNumpyText({ dtype: "float32", shape: [2, 2, 2], data: new Float32Array(8) }),
    RangeError,
  );
});
