import { zipSync } from "fflate";
import { encodeZip, ZipArchive } from "../../src/io/zip.ts";
import { crc32 } from "../../src/io/crc32.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(0, 256));
}

Deno.test("crc32() gives the standard check value and continues across chunks", () => {
  const text = new TextEncoder().encode("123456789");
  assertEquals(crc32(text), 0xcbf43926);
  assertEquals(crc32(text.subarray(4), crc32(text.subarray(0, 4))), 0xcbf43926);
  assertEquals(crc32(new Uint8Array(0)), 0);
});

/** Bit-at-a-time CRC-32 (the definition). */
function crc32Ref(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

Deno.test("crc32() matches the bitwise definition at every length and alignment", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const buf = randomBytes(rng, 600);
  for (let start = 0; start < 9; start++) {
    for (const len of [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 511]) {
      const part = buf.subarray(start, start + len);
      assertEquals(crc32(part), crc32Ref(part), `start ${start} len ${len} (seed ${seed})`);
    }
  }
});

Deno.test("encodeZip() entries read back through ZipArchive, 64-byte aligned, with and without ZIP64", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const files = [0, 1, 63, 64, 65, 1000, 4099].map((n, i) => ({
    name: `archive/data/${i}`,
    data: randomBytes(rng, n),
  }));
  files.push({ name: "archive/ünïcode name", data: randomBytes(rng, 10) });
  for (const forceZip64 of [false, true]) {
    const zip = new ZipArchive(encodeZip(files, { align: 64, forceZip64 }), "t.zip");
    assertEquals(zip.names(), files.map((f) => f.name));
    for (const f of files) {
      const e = zip.entries.get(f.name)!;
      assertEquals(zip.dataOffset(e) % 64, 0, `${f.name} aligned (zip64 ${forceZip64})`);
      assertEquals(zip.read(f.name), f.data, `${f.name} (seed ${seed})`);
    }
  }
});

Deno.test("ZipArchive.read() inflates deflated entries written by another zip writer", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const text = new TextEncoder().encode("abc ".repeat(5000));
  const noise = randomBytes(rng, 3000);
  const bytes = zipSync({ "a/text.txt": text, "a/noise.bin": [noise, { level: 0 }] }, { level: 9 });
  const zip = new ZipArchive(bytes, "f.zip");
  assertEquals(zip.entries.get("a/text.txt")!.method, 8);
  assertEquals(zip.read("a/text.txt"), text);
  assertEquals(zip.read("a/noise.bin"), noise, `seed ${seed}`);
});

Deno.test("ZipArchive names the file for truncated, corrupted or non-zip bytes", () => {
  const files = [{ name: "a/x", data: new Uint8Array(100).fill(7) }];
  const bytes = encodeZip(files);
  for (let cut = 0; cut < bytes.length; cut += 13) {
    let message = "";
    try {
      const zip = new ZipArchive(bytes.subarray(0, cut), "cut.zip");
      zip.read("a/x");
    } catch (e) {
      message = (e as Error).message;
    }
    assert(message.startsWith("cut.zip: "), `cut ${cut}: "${message}"`);
  }
  const corrupt = bytes.slice();
  corrupt[150] ^= 1;
  const zip = new ZipArchive(corrupt, "crc.zip");
  assertThrows(() => zip.read("a/x"), Error, "crc.zip: entry a/x is corrupted (CRC mismatch)");
  assertThrows(() => zip.read("a/y"), Error, "crc.zip: no entry a/y");
  assertThrows(
    () => new ZipArchive(new Uint8Array(100), "zero.zip"),
    Error,
    "zero.zip: no zip end",
  );
});
