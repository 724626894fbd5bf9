import { decodeNpy, encodeNpy, readNpy, writeNpy } from "../../src/io/npy.ts";
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  assertMatchesExpected,
  type ExpectedArray,
  fixturePath,
  readJsonFixture,
} from "./_fixtures.ts";

type NpyExpected = Record<
  string,
  ExpectedArray & { fortran: boolean; bigEndian: boolean; version: number[] }
>;
const expected = await readJsonFixture<NpyExpected>("npy/expected.json");

Deno.test("readNpy() loads every np.save fixture (v1-v3, C/Fortran, big-endian, every dtype) exactly", async () => {
  const kinds = new Set<string>();
  for (const [name, e] of Object.entries(expected)) {
    assertMatchesExpected(await readNpy(fixturePath(`npy/${name}`)), e, name);
    if (e.fortran) kinds.add("fortran");
    if (e.bigEndian) kinds.add("big-endian");
    kinds.add(`v${e.version[0]}`);
  }
  assertEquals([...kinds].sort(), ["big-endian", "fortran", "v1", "v2", "v3"]);
});

Deno.test("encodeNpy() writes the same bytes as np.save for C-ordered little-endian arrays", async () => {
  let compared = 0;
  for (const [name, e] of Object.entries(expected)) {
    if (e.fortran || e.bigEndian || e.version[0] !== 1) continue;
    const file = await Deno.readFile(fixturePath(`npy/${name}`));
    assertEquals(encodeNpy(decodeNpy(file, { name })), file, name);
    compared++;
  }
  assert(compared >= 5, `compared ${compared}`);
});

Deno.test("writeNpy() round-trips random arrays of several dtypes", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const dir = await Deno.makeTempDir();
  try {
    const tensors: HostTensor[] = [
      { dtype: "float32", shape: [512, 2], data: rng.normals(1024) },
      {
        dtype: "float64",
        shape: [3, 1, 4],
        data: Float64Array.from({ length: 12 }, () => rng.normal()),
      },
      {
        dtype: "int64",
        shape: [5],
        data: BigInt64Array.from({ length: 5 }, () => BigInt(rng.int(-1e9, 1e9)) << 12n),
      },
      { dtype: "int8", shape: [], data: Int8Array.of(-7) },
    ];
    for (const [i, t] of tensors.entries()) {
      await writeNpy(`${dir}/${i}.npy`, t);
      const back = await readNpy(`${dir}/${i}.npy`);
      assertEquals([back.dtype, back.shape, back.data], [t.dtype, t.shape, t.data], `seed ${seed}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNpy() names the file for truncated or malformed input", async () => {
  const file = await Deno.readFile(fixturePath("npy/c_f32.npy"));
  for (const cut of [0, 5, 9, 40, 127, 128, 1000, file.length - 1]) {
    const err = assertThrows(() => decodeNpy(file.subarray(0, cut), { name: "cut.npy" }));
    assert(err.message.startsWith("cut.npy: "), `cut ${cut}: ${err.message}`);
  }
  assertThrows(
    () => decodeNpy(file.subarray(0, 1000), { name: "t.npy" }),
    Error,
    "truncated .npy data",
  );
  const unicode = file.slice();
  const at = new TextDecoder("latin1").decode(file.subarray(0, 128)).indexOf("<f4");
  unicode.set(new TextEncoder().encode("<U4"), at);
  assertThrows(
    () => decodeNpy(unicode, { name: "u.npy" }),
    Error,
    "u.npy: unsupported .npy dtype '<U4'",
  );
  const mangled = file.slice();
  mangled.set(new TextEncoder().encode("{'descr' '<f4'"), 10);
  assertThrows(() => decodeNpy(mangled, { name: "h.npy" }), Error, "h.npy: bad .npy header");
  await assertRejects(
    () => readNpy("/nonexistent/v.npy"),
    Error,
    "/nonexistent/v.npy: cannot read",
  );
});
