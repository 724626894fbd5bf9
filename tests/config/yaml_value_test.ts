import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { leaf } from "../../src/config/schema_nodes.ts";
import { coerceLeaf, parseOverrideValue } from "../../src/config/yaml_value.ts";

Deno.test("parseOverrideValue() reads YAML scalars and flow collections", () => {
  const cases: [string, unknown][] = [
    ["10", 10n],
    ["-3", -3n],
    ["0.5", 0.5],
    ["1e-8", 1e-8],
    ["10.0", 10],
    ["true", true],
    ["True", true],
    ["FALSE", false],
    ["null", null],
    ["~", null],
    ["'007'", "007"],
    ['"a b"', "a b"],
    ["yes", "yes"],
    ["[a, 1, true]", ["a", 1n, true]],
    ["{a: 1}", { a: 1n }],
    ["", ""],
    ["a: b", "a: b"],
    ["runs/x", "runs/x"],
  ];
  for (const [text, value] of cases) assertEquals(parseOverrideValue(text, "t"), value, text);
});

Deno.test("coerceLeaf() follows int/float/bool/str/list/null rules", () => {
  const int = leaf("int", 1, { doc: "" });
  const float = leaf("float", 1, { doc: "" });
  const bool = leaf("bool", true, { doc: "" });
  const str = leaf("str", "x", { doc: "" });
  const nullable = leaf("str", null, { doc: "" });
  const list = leaf("str_list", [], { doc: "" });
  const ctx = { key: "k", fromYaml: true };
  assertEquals(coerceLeaf(int, 3n, ctx), 3);
  assertEquals(coerceLeaf(float, 3n, ctx), 3);
  assertEquals(coerceLeaf(float, 0.25, ctx), 0.25);
  assertEquals(coerceLeaf(bool, false, ctx), false);
  assertEquals(coerceLeaf(str, 7n, { ...ctx, text: "007" }), "007");
  assertEquals(coerceLeaf(nullable, null, ctx), null);
  assertEquals(coerceLeaf(list, ["a", 1n], ctx), ["a", "1"]);
  assertEquals(coerceLeaf(int, 4, { key: "k" }), 4, "plain integers from interpolation");
  assertThrows(() => coerceLeaf(int, 4, ctx), ConfigError, "k: expected int, got 4 (number)");
  assertThrows(() => coerceLeaf(int, 2n ** 60n, ctx), ConfigError, "expected int");
  assertThrows(() => coerceLeaf(float, Infinity, ctx), ConfigError, "expected float");
  assertThrows(() => coerceLeaf(bool, "true", ctx), ConfigError, "expected bool, got 'true' (str)");
  assertThrows(() => coerceLeaf(str, true, ctx), ConfigError, "expected str, got true (bool)");
  assertThrows(() => coerceLeaf(str, null, ctx), ConfigError, "does not accept null");
  assertThrows(() => coerceLeaf(list, [null], ctx), ConfigError, "expected list of str");
  const ranged = leaf("float", 0.5, { above: 0, below: 1, doc: "" });
  assertThrows(() => coerceLeaf(ranged, 1n, ctx), ConfigError, "k: 1 must be < 1");
  assertThrows(() => coerceLeaf(ranged, 0n, ctx), ConfigError, "k: 0 must be > 0");
});
