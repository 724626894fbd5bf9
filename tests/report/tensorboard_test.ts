import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  crc32c,
  maskedCrc32c,
  readTensorBoardScalars,
  TensorBoardWriter,
  tfRecord,
} from "../../src/report/tensorboard.ts";

Deno.test("crc32c() matches the Castagnoli check values", () => {
  const enc = new TextEncoder();
  assertEquals(crc32c(enc.encode("123456789")), 0xe3069283);
  assertEquals(crc32c(new Uint8Array(0)), 0);
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  // TFRecord's mask: rotate right 15, add 0xa282ead8.
  const c = 0xe3069283;
  assertEquals(
    maskedCrc32c(enc.encode("123456789")),
    ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0,
  );
});

Deno.test("tfRecord() frames a payload with its length and two masked CRCs", () => {
  const payload = new TextEncoder().encode("hello");
  const r = tfRecord(payload);
  const v = new DataView(r.buffer);
  assertEquals(r.length, 21);
  assertEquals(Number(v.getBigUint64(0, true)), 5);
  assertEquals(v.getUint32(8, true), maskedCrc32c(r.subarray(0, 8)));
  assertEquals(v.getUint32(17, true), maskedCrc32c(payload));
});

Deno.test("TensorBoardWriter() writes scalars that read back with their tags, steps and values", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = await TensorBoardWriter.create(dir);
    w.addScalar("train/total_loss", 1.25, 0, 100);
    w.addScalar("train/MSE", 0.5, 0, 100);
    await w.flush();
    w.addScalar("test/total_loss", 3.5, 9, 101);
    await w.flush();
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(names.length, 1);
    assertEquals(names[0].startsWith("events.out.tfevents."), true);
    const got = await readTensorBoardScalars(w.path);
    assertEquals(got, [
      { tag: "train/total_loss", value: 1.25, step: 0, wallTime: 100 },
      { tag: "train/MSE", value: 0.5, step: 0, wallTime: 100 },
      { tag: "test/total_loss", value: 3.5, step: 9, wallTime: 101 },
    ]);
    // A flipped byte is caught by the CRC.
    const bytes = await Deno.readFile(w.path);
    bytes[bytes.length - 6] ^= 1;
    await Deno.writeFile(w.path, bytes);
    await assertRejects(
      () => readTensorBoardScalars(w.path),
      RangeError,
      "bad or truncated record",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
