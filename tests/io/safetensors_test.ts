import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
} from "../../src/io/safetensors.ts";
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import {
  assertMatchesExpected,
  type ExpectedArray,
  fixturePath,
  readJsonFixture,
} from "./_fixtures.ts";

Deno.test("readSafetensors() loads the fixture's tensors (F32, I64, F16, U8, BOOL, BF16) and metadata", async () => {
  const expected = await readJsonFixture<{
    tensors: Record<string, ExpectedArray>;
    metadata: Record<string, string>;
  }>("safetensors/expected.json");
  const { tensors, metadata } = await readSafetensors(fixturePath("safetensors/mixed.safetensors"));
  assertEquals([...tensors.keys()], Object.keys(expected.tensors));
  for (const [k, e] of Object.entries(expected.tensors)) {
    assertMatchesExpected(tensors.get(k)!, e, k);
  }
  assertEquals(metadata, expected.metadata);
});

Deno.test("writeSafetensors() round-trips tensors and metadata with an 8-byte-aligned header", async () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const tensors = new Map<string, HostTensor>([
    ["w", { dtype: "float32", shape: [3, 5], data: rng.normals(15) }],
    ["b", { dtype: "float64", shape: [2], data: Float64Array.of(rng.normal(), -0) }],
    ["n", { dtype: "int64", shape: [], data: BigInt64Array.of(-(2n ** 60n)) }],
    ["h", { dtype: "float16", shape: [2], data: Float32Array.of(0.5, -1024) }],
  ]);
  const dir = await Deno.makeTempDir();
  try {
    await writeSafetensors(`${dir}/m.safetensors`, tensors, { metadata: { k: "v" } });
    const bytes = await Deno.readFile(`${dir}/m.safetensors`);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assertEquals(n % 8, 0, "header padded to 8 bytes");
    const back = decodeSafetensors(bytes, { name: "m" });
    assertEquals(back.metadata, { k: "v" });
    for (const [k, t] of tensors) {
      const b = back.tensors.get(k)!;
      assertEquals([b.dtype, b.shape, b.data], [t.dtype, t.shape, t.data], `${k} (seed ${seed})`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeSafetensors() names the file and tensor for bad input", async () => {
  const file = await Deno.readFile(fixturePath("safetensors/mixed.safetensors"));
  for (const cut of [0, 4, 20, file.length - 1]) {
    const err = assertThrows(() => decodeSafetensors(file.subarray(0, cut), { name: "c.st" }));
    assert(err.message.startsWith("c.st: "), `cut ${cut}: ${err.message}`);
  }
  const enc = (header: unknown, data = new Uint8Array(0)) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  assertThrows(
    () =>
      decodeSafetensors(
        enc({ x: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
        { name: "d.st" },
      ),
    Error,
    "d.st: tensor x: unsupported dtype",
  );
  assertThrows(
    () =>
      decodeSafetensors(
        enc({ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
        { name: "s.st" },
      ),
    Error,
    "s.st: tensor x: 8 bytes",
  );
  assertThrows(
    () =>
      encodeSafetensors({
        __metadata__: { dtype: "float32", shape: [], data: new Float32Array(1) },
      }),
    RangeError,
  );
});
