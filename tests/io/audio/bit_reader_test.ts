import { assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { BitReader, TruncatedInputError } from "../../../src/io/audio/bit_reader.ts";

Deno.test("BitReader.readUint() reads MSB-first fields across byte boundaries", () => {
  const r = new BitReader(new Uint8Array([0b10110011, 0b01011100, 0xff, 0xff, 0xff, 0xff]));
  assertEquals(r.readUint(3), 0b101);
  assertEquals(r.readUint(7), 0b1001101);
  assertEquals(r.readUint(6), 0b011100);
  assertEquals(r.readUint(32), 0xffffffff);
  assertEquals(r.aligned, true);
});

Deno.test("BitReader.readSigned() sign-extends two's complement up to 33 bits", () => {
  assertEquals(new BitReader(new Uint8Array([0b11100000])).readSigned(3), -1);
  assertEquals(new BitReader(new Uint8Array([0b01100000])).readSigned(3), 3);
  assertEquals(new BitReader(new Uint8Array([0x80, 0, 0, 0, 0])).readSigned(33), -(2 ** 32));
  assertEquals(
    new BitReader(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0x80])).readSigned(33),
    2 ** 32 - 1,
  );
});

Deno.test("BitReader.readUnary() and readRice() decode zigzag Rice codes", () => {
  // unary 3 (0001), then Rice k=2: u = 1·4 + 0b11 = 7 → -4; then k=0: u = 0 → 0
  const r = new BitReader(new Uint8Array([0b00010111, 0b11000000]));
  assertEquals(r.readUnary(), 3);
  assertEquals(r.readRice(2), -4);
  assertEquals(r.readRice(0), 0);
  const long = new BitReader(new Uint8Array([0, 0, 0, 0b00000001]));
  assertEquals(long.readUnary(), 31);
});

Deno.test("BitReader reading past the end throws TruncatedInputError", () => {
  const r = new BitReader(new Uint8Array([0, 0]));
  assertThrows(() => r.readUnary(), TruncatedInputError);
  assertThrows(() => new BitReader(new Uint8Array([1])).readUint(9), TruncatedInputError);
});
