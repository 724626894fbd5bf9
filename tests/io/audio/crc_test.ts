import { assertEquals } from "../../_helpers/assert.ts";
import { crc16, crc32Ogg, crc8 } from "../../../src/io/audio/crc.ts";

const check = new TextEncoder().encode("123456789");

Deno.test("crc8() gives the CRC-8 (poly 0x07) check value", () => {
  assertEquals(crc8(check, 0, check.length), 0xf4);
});

Deno.test("crc16() gives the CRC-16/UMTS (poly 0x8005, init 0) check value", () => {
  assertEquals(crc16(check, 0, check.length), 0xfee8);
});

Deno.test("crc32Ogg() gives CRC-32/CKSUM's check value before its final xor", () => {
  // CRC-32/CKSUM: poly 0x04C11DB7, init 0, xorout 0xFFFFFFFF, check 0x765E7680.
  assertEquals(crc32Ogg(check, 0, check.length), (0x765e7680 ^ 0xffffffff) >>> 0);
});

Deno.test("crc32Ogg() reads the four skipped bytes as zeros", () => {
  const withCrcField = new Uint8Array([1, 2, 3, 0xaa, 0xbb, 0xcc, 0xdd, 4]);
  const zeroed = new Uint8Array([1, 2, 3, 0, 0, 0, 0, 4]);
  assertEquals(crc32Ogg(withCrcField, 0, 8, 3), crc32Ogg(zeroed, 0, 8));
});
