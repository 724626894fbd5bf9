import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseOverride } from "../../src/config/override_parser.ts";

Deno.test("parseOverride() reads set, add, force and delete forms", () => {
  const pick = (t: string) => {
    const o = parseOverride(t);
    return [o.op, o.key, o.text, o.value];
  };
  assertEquals(pick("trainer.epochs=10"), ["set", "trainer.epochs", "10", 10n]);
  assertEquals(pick("+trainer.losses.arcface.weight=1"), [
    "add",
    "trainer.losses.arcface.weight",
    "1",
    1n,
  ]);
  assertEquals(pick("++scorer.eps=0.5"), ["force", "scorer.eps", "0.5", 0.5]);
  assertEquals(pick("~trainer.losses"), ["delete", "trainer.losses", undefined, undefined]);
  assertEquals(pick("~trainer.losses=triplet"), ["delete", "trainer.losses", "triplet", "triplet"]);
  assertEquals(pick("embeddings/model=wespeaker"), [
    "set",
    "embeddings.model",
    "wespeaker",
    "wespeaker",
  ]);
  assertEquals(pick("save_dir=a=b"), ["set", "save_dir", "a=b", "a=b"]);
  assertEquals(pick("trainer.losses=[mse, arcface]")[3], ["mse", "arcface"]);
  assertEquals(parseOverride("x=1").source, "override 'x=1'");
});

Deno.test("parseOverride() rejects what is not an override", () => {
  assertThrows(() => parseOverride("trainer.epochs"), ConfigError, "expected key=value");
  assertThrows(() => parseOverride("+=1"), ConfigError, "malformed override");
  assertThrows(() => parseOverride("1abc=1"), ConfigError, "is not a key");
  assertThrows(() => parseOverride("a.b@c=1"), ConfigError, "package overrides");
  assertThrows(() => parseOverride("a={b: 1"), ConfigError, "cannot parse value");
});
