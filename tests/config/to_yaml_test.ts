import { parse } from "yaml";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { defaultConfig, resolveConfig } from "../../src/config/resolve_config.ts";
import {
  parseResolvedConfig,
  readResolvedConfig,
  toPlainConfig,
  toYaml,
} from "../../src/config/to_yaml.ts";

const CASES: string[][] = [
  [],
  ["scorer=maxllr", "scorer.f=0.25", "trainer.losses=[arcface, sparsity]"],
  ["scorer=cosine", "trainer.losses=[]", "data.sampler=null", "save_dir=123", "device=cpu"],
  ["scorer=dna", "embeddings.model.model_name='true'", "audio_formats=[wav, '1']"],
  ["scorer.tol=1e-6", "input=a b.csv", "trainer.losses.mse.weight=2"],
];

Deno.test("toYaml() output parses back to the same config", () => {
  for (const overrides of CASES) {
    const config = resolveConfig({ overrides });
    const text = toYaml(config);
    assertEquals(parseResolvedConfig(text), config, overrides.join(" "));
    assertEquals(parse(text), toPlainConfig(config), overrides.join(" "));
  }
});

Deno.test("toYaml() prints upstream's keys in order, floats with a fraction, no option names", () => {
  const text = toYaml(defaultConfig());
  const keys = text.split("\n").filter((l) => /^\w/.test(l)).map((l) => l.split(":")[0]);
  assertEquals(keys, [
    "input",
    "save_output",
    "model_dir",
    "save_dir",
    "exist_ok",
    "audio_formats",
    "embeddings",
    "encoder",
    "trainer",
    "scorer",
    "data",
    "device",
  ]);
  assert(text.includes("      weight: 1.0\n"), "float weight prints as 1.0");
  assert(text.includes("    epochs: 64\n") || text.includes("  epochs: 64\n"));
  assert(!/\bname: (beta|wespeaker|autoencoder)/.test(text), "group names are not config keys");
  assert(text.includes("_target_: balr.scoring.beta.DirichletMultinomialScorer"));
});

Deno.test("parseResolvedConfig() takes options from _target_ and rejects unknown ones", () => {
  const text = toYaml(resolveConfig({ overrides: ["scorer=speech"] }));
  assertEquals(parseResolvedConfig(text).scorer.name, "speech");
  assertThrows(
    () => parseResolvedConfig("scorer:\n  _target_: my.module.Evil\n"),
    ConfigError,
    "unknown scorer implementation 'my.module.Evil'",
  );
  assertThrows(() => parseResolvedConfig("[1"), ConfigError, "invalid YAML");
});

Deno.test("readResolvedConfig() reads a saved config file", () => {
  const config = resolveConfig({ overrides: ["scorer=maxllr", "trainer.epochs=3"] });
  const file = Deno.makeTempFileSync({ suffix: ".yaml" });
  Deno.writeTextFileSync(file, toYaml(config));
  assertEquals(readResolvedConfig(file), config);
});
