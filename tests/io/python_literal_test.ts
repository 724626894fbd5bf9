import { parsePythonLiteral } from "../../src/io/python_literal.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";

Deno.test("parsePythonLiteral() reads .npy header dicts, tuples and scalars", () => {
  assertEquals(
    parsePythonLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (512, 2), }   \n"),
    new Map<string, unknown>([["descr", "<f4"], ["fortran_order", false], ["shape", [
      512,
      2,
    ]]]) as never,
  );
  assertEquals(parsePythonLiteral("(256,)"), [256]);
  assertEquals(parsePythonLiteral("()"), []);
  assertEquals(parsePythonLiteral('[True, None, -3, 10L, "x"]'), [true, null, -3, 10, "x"]);
});

Deno.test("parsePythonLiteral() rejects code and malformed text", () => {
  assertThrows(() => parsePythonLiteral("__import__('os')"), SyntaxError, "unexpected token");
  assertThrows(() => parsePythonLiteral("{'a': 1"), SyntaxError);
  assertThrows(() => parsePythonLiteral("(1, 2) x"), SyntaxError, "trailing");
  assertThrows(() => parsePythonLiteral("{1: 2}"), SyntaxError, "dict keys");
});
