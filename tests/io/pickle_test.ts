import { PickleObject, type PickleValue, unpickle } from "../../src/io/pickle.ts";
import { resolveSafeGlobal } from "../../src/io/pickle_globals.ts";
import { encodePickle, type PickleProtocol, py, type PyNode } from "../../src/io/pickle_encoder.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { fixturePath } from "./_fixtures.ts";

const MARKER = "/tmp/balr_io_fixture_pwned";

function markerExists(): boolean {
  try {
    Deno.statSync(MARKER);
    return true;
  } catch {
    return false;
  }
}

Deno.test("unpickle() refuses every forbidden global, names file and global, and runs nothing", async () => {
  await Deno.remove(MARKER).catch(() => {});
  const cases: Array<[string, string]> = [
    ["bad/os_system.pkl", "os.system"],
    ["bad/builtins_eval.pkl", "builtins.eval"],
    ["bad/subprocess_popen.pkl", "subprocess.Popen"],
    ["bad/swapped_global.pkl", "os.system"],
  ];
  for (const [file, global] of cases) {
    const path = fixturePath(file);
    const bytes = await Deno.readFile(path);
    const err = assertThrows(
      () => unpickle(bytes, { name: path, resolveGlobal: resolveSafeGlobal }),
      Error,
      global,
    );
    assert(err.message.startsWith(`${path}: refusing to load`), err.message);
  }
  assert(!markerExists(), `${MARKER} was created: something ran`);
});

Deno.test("unpickle() without a whitelist refuses even numpy globals", async () => {
  const bytes = await Deno.readFile(fixturePath("pkl/emb_p5.pkl"));
  assertThrows(() => unpickle(bytes, { name: "e.pkl" }), Error, "numpy.core.numeric._frombuffer");
});

Deno.test("unpickle() reads a pickled numpy scalar as a number", async () => {
  const bytes = await Deno.readFile(fixturePath("pkl/np_scalar_p2.pkl"));
  assertEquals(unpickle(bytes, { resolveGlobal: resolveSafeGlobal }), -1.25);
});

Deno.test("encodePickle() and unpickle() round-trip plain Python values at protocols 2-5", () => {
  const bigList = Array.from({ length: 300 }, (_, i) => `key${i}`);
  const node: PyNode = py.dict([
    [
      "ints",
      py.list([
        0,
        255,
        256,
        65535,
        65536,
        -1,
        2 ** 31 - 1,
        -(2 ** 31),
        2 ** 31,
        -(2 ** 31) - 1,
        2 ** 53 - 1,
      ]),
    ],
    ["bigints", py.list([2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n])],
    ["floats", py.list([py.float(0.1), py.float(-2.5e300), py.float(NaN), py.float(-Infinity)])],
    ["text", py.list(["", "ascii", "ünïcödé ✓", "x".repeat(300)])],
    ["bytes", py.bytes(Uint8Array.of(0, 1, 255))],
    ["bytearray", py.bytearray(Uint8Array.of(7, 8))],
    ["tuple", py.tuple(1, py.tuple(), py.tuple(true, false, null))],
    // Strings repeat past 256 memo entries: LONG_BINPUT / LONG_BINGET at protocol 2-3.
    ["memo", py.list([...bigList, ...bigList])],
    [7, "int key"],
    [true, "bool key"],
  ]);
  for (const protocol of [2, 3, 4, 5] as PickleProtocol[]) {
    const v = unpickle(encodePickle(node, protocol), { resolveGlobal: resolveSafeGlobal });
    assert(v instanceof Map, `protocol ${protocol}: a dict`);
    const want: Array<[string, PickleValue]> = [
      ["ints", [
        0,
        255,
        256,
        65535,
        65536,
        -1,
        2 ** 31 - 1,
        -(2 ** 31),
        2 ** 31,
        -(2 ** 31) - 1,
        2 ** 53 - 1,
      ]],
      ["bigints", [2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n]],
      ["floats", [0.1, -2.5e300, NaN, -Infinity]],
      ["text", ["", "ascii", "ünïcödé ✓", "x".repeat(300)]],
      ["bytes", Uint8Array.of(0, 1, 255)],
      ["bytearray", Uint8Array.of(7, 8)],
      ["tuple", [1, [], [true, false, null]]],
      ["memo", [...bigList, ...bigList]],
      ["7", "int key"],
      ["True", "bool key"],
    ];
    assertEquals([...v], want, `protocol ${protocol}`);
  }
});

Deno.test("unpickle() reports malformed input with the file name", () => {
  const bad: Array<[Uint8Array, string]> = [
    [Uint8Array.of(0x80, 0x02, 0xff), "unknown pickle opcode 0xff"],
    [Uint8Array.of(0x80, 0x02, 0x52, 0x2e), "stack underflow"],
    [Uint8Array.of(0x80, 0x02, 0x4a, 0x01), "truncated pickle"],
    [Uint8Array.of(0x80, 0x02, 0x4e), "no STOP"],
    [Uint8Array.of(0x80, 0x09), "unsupported pickle protocol 9"],
    [Uint8Array.of(0x80, 0x05, 0x97, 0x2e), "out-of-band"],
    [Uint8Array.of(0x80, 0x02, 0x82, 0x01, 0x2e), "extension registry"],
    [Uint8Array.of(0x80, 0x02, 0x4e, 0x51, 0x2e), "persistent id"],
    [Uint8Array.of(0x80, 0x02, 0x68, 0x05, 0x2e), "memo key 5"],
    [Uint8Array.of(0x80, 0x02, 0x8e, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), "truncated pickle"],
    [Uint8Array.of(0x80, 0x02, 0x4e, 0x4e, 0x61, 0x2e), "not a list"],
  ];
  for (const [bytes, message] of bad) {
    const err = assertThrows(() => unpickle(bytes, { name: "m.pkl" }), Error, message);
    assert(err.message.startsWith("m.pkl: "), err.message);
  }
});

Deno.test("unpickle() reads protocol-0 text opcodes", () => {
  // (lp0 I1 a F2.5 a S'a\\x41' p1 a L12345678901234567890L a I01 a . (as Python 2 wrote them)
  const text = "(lp0\nI1\naF2.5\naS'a\\x41'\np1\naL12345678901234567890L\naI01\nag1\na.";
  const v = unpickle(new TextEncoder().encode(text), { name: "p0.pkl" });
  assertEquals(v, [1, 2.5, "aA", 12345678901234567890n, true, "aA"]);
});

Deno.test("unpickle() turns whitelisted class references into PickleObjects", () => {
  const v = unpickle(encodePickle(py.global("torch", "FloatStorage"), 2), {
    resolveGlobal: resolveSafeGlobal,
  });
  assert(v instanceof PickleObject, "a PickleObject");
});
