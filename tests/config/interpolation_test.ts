import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { resolveInterpolations, splitInterpolations } from "../../src/config/interpolation.ts";

Deno.test("splitInterpolations() separates text, expressions and escapes", () => {
  assertEquals(splitInterpolations("a${b.c}d", "k"), [{ literal: "a" }, { expr: "b.c" }, {
    literal: "d",
  }]);
  assertEquals(splitInterpolations("\\${x}", "k"), [{ literal: "${x}" }]);
  assertThrows(() => splitInterpolations("${a", "k"), ConfigError, "missing '}'");
  assertThrows(() => splitInterpolations("${a${b}}", "k"), ConfigError, "nested");
});

Deno.test("resolveInterpolations() keeps types, joins strings, copies nodes, finds cycles", () => {
  const tree = {
    a: { n: 3, s: "x", list: ["${a.s}", "y"] },
    b: {
      whole: "${a.n}",
      joined: "n=${a.n}/${a.s}",
      node: "${a}",
      rel: "${.whole}",
      up: "${..a.s}",
    },
  };
  resolveInterpolations(tree);
  assertEquals(
    tree.b,
    {
      whole: 3,
      joined: "n=3/x",
      node: { n: 3, s: "x", list: ["x", "y"] },
      rel: 3,
      up: "x",
    } as unknown as typeof tree.b,
  );
  assertThrows(
    () => resolveInterpolations({ a: "${b}", b: "${a}" }),
    ConfigError,
    "interpolation cycle: a -> b -> a",
  );
  assertThrows(
    () => resolveInterpolations({ a: { b: "${a}" } }),
    ConfigError,
    "interpolation cycle",
  );
  assertThrows(
    () => resolveInterpolations({ a: "x${b}", b: { c: 1 } }),
    ConfigError,
    "cannot insert the config node",
  );
  assertThrows(() => resolveInterpolations({ a: "${...x}" }), ConfigError, "goes above the top");
  assertThrows(
    () => resolveInterpolations({ a: "${b c}" }),
    ConfigError,
    "malformed interpolation",
  );
});
