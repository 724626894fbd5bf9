import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { join } from "node:path";
import { ConfigError } from "../../src/config/config_error.ts";
import { loadPrimaryConfig } from "../../src/config/primary_config.ts";
import { defaultConfig, resolveConfig } from "../../src/config/resolve_config.ts";

/** A temp config directory holding the given files. */
function configDir(files: Record<string, string>): string {
  const dir = Deno.makeTempDirSync({ prefix: "balr_config_test_" });
  for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(join(dir, name), text);
  return dir;
}

const MAIN = `
defaults:
  - override scorer: maxllr
  - trainer.losses: [mse, arcface]
  - _self_
trainer:
  epochs: 5
  losses:
    arcface:
      weight: 1
scorer:
  f: 0.3
save_dir: runs/\${scorer.n_iterations}/\${trainer.epochs}
hydra:
  run:
    dir: ignored
`;

Deno.test("resolveConfig() loads a YAML primary config with a defaults list and interpolation", () => {
  const dir = configDir({ "run.yaml": MAIN });
  const c = resolveConfig({ configPath: dir, configName: "run" });
  assert(c.scorer.name === "maxllr");
  assertEquals([c.scorer.f, c.scorer.p], [0.3, 0.9]);
  assertEquals(Object.keys(c.trainer.losses), ["mse", "arcface"]);
  assertEquals(c.trainer.losses.arcface?.weight, 1);
  assertEquals(c.trainer.epochs, 5);
  assertEquals(c.save_dir, "runs/100/5");
  assertEquals(c.data, defaultConfig().data);
});

Deno.test("resolveConfig() command-line overrides beat the primary config", () => {
  const dir = configDir({ "run.yaml": MAIN });
  const c = resolveConfig({
    configPath: dir,
    configName: "run.yaml",
    overrides: ["scorer.f=0.2", "trainer.epochs=9", "~trainer.losses=arcface"],
  });
  assert(c.scorer.name === "maxllr");
  assertEquals(c.scorer.f, 0.2);
  assertEquals(c.save_dir, "runs/100/9", "interpolation sees the override");
  // The file's own values still merge after a command-line group change, as in hydra.
  assertEquals(Object.keys(c.trainer.losses), ["mse", "arcface"]);
  assertThrows(
    () => resolveConfig({ configPath: dir, configName: "run", overrides: ["scorer=beta"] }),
    ConfigError,
    "unknown key 'scorer.f'",
  );
});

Deno.test("resolveConfig() _self_ first lets the defaults list override the file's values", () => {
  const dir = configDir({
    "first.yaml": "defaults:\n  - _self_\n  - scorer: maxllr\nscorer:\n  f: 0.3\n",
    "last.yaml": "defaults:\n  - scorer: maxllr\nscorer:\n  f: 0.3\n",
  });
  const first = resolveConfig({ configPath: dir, configName: "first" }).scorer;
  const last = resolveConfig({ configPath: dir, configName: "last" }).scorer;
  assert(first.name === "maxllr" && last.name === "maxllr");
  assertEquals([first.f, last.f], [0.5, 0.3]);
});

Deno.test("resolveConfig() includes other configs named in the defaults list", () => {
  const dir = configDir({
    "base.yaml": "defaults:\n  - scorer: dna\ntrainer:\n  epochs: 7\n  seed: 3\n",
    "main.yaml": "defaults:\n  - base\n  - _self_\ntrainer:\n  seed: 1\n",
  });
  const c = resolveConfig({ configPath: dir, configName: "main" });
  assertEquals([c.scorer.name, c.trainer.epochs, c.trainer.seed], ["dna", 7, 1]);
  const cyc = configDir({ "a.yaml": "defaults: [b]\n", "b.yaml": "defaults: [a]\n" });
  assertThrows(
    () => resolveConfig({ configPath: cyc, configName: "a" }),
    ConfigError,
    "include cycle",
  );
});

Deno.test("resolveConfig() a mapping for an unselected loss selects it; null deselects", () => {
  const dir = configDir({
    "l.yaml": "trainer:\n  losses:\n    sparsity: {weight: 0.5}\n    triplet: null\n",
  });
  const c = resolveConfig({ configPath: dir, configName: "l" });
  assertEquals(Object.keys(c.trainer.losses), ["mse", "sparsity"]);
  assertEquals(c.trainer.losses.sparsity?.weight, 0.5);
});

Deno.test("resolveConfig() config file errors name the file and the key", () => {
  const dir = configDir({
    "unknown.yaml": "trainer:\n  epoch: 3\n",
    "float.yaml": "trainer:\n  epochs: 10.5\n",
    "group.yaml": "scorer: maxllr\n",
    "target.yaml": "scorer:\n  _target_: balr.scoring.llr.MaxLLRScorer\n",
    "badgroup.yaml": "defaults:\n  - model: resnet\n",
    "badoption.yaml": "defaults:\n  - scorer: plda\n",
    "syntax.yaml": "trainer: [1, 2\n",
    "list.yaml": "- 1\n- 2\n",
    "pkg.yaml": "defaults:\n  - scorer@x: beta\n",
  });
  const fails = (name: string, ...parts: string[]) => {
    const e = assertThrows(() => resolveConfig({ configPath: dir, configName: name }), ConfigError);
    for (const p of [...parts, `${name}.yaml`]) {
      assert(e.message.includes(p), `${p} not in: ${e.message}`);
    }
  };
  fails("unknown", "unknown key 'trainer.epoch'", "epochs");
  fails("float", "trainer.epochs: expected int, got 10.5 (float)");
  fails("group", "scorer is a config group", "- override scorer: maxllr");
  fails("target", "is the 'maxllr' option but 'beta' is selected");
  fails("badgroup", "unknown config group 'model'", "scorer");
  fails("badoption", "unknown option 'plda' for config group 'scorer'");
  fails("syntax", "invalid YAML");
  fails("list", "must hold a mapping");
  fails("pkg", "packages (@) are not supported");
});

Deno.test("loadPrimaryConfig() finds the built-in config, files, and reports missing ones", () => {
  assertEquals(loadPrimaryConfig({}), { file: null, events: [] });
  const dir = configDir({ "other.yaml": "trainer: {epochs: 2}\n" });
  assertEquals(loadPrimaryConfig({ configPath: dir }).file, null, "no config.yaml: built-in");
  assertEquals(
    loadPrimaryConfig({ configPath: dir, configName: "other" }).file,
    join(dir, "other.yaml"),
  );
  assertEquals(loadPrimaryConfig({ cwd: dir, configName: "other" }).file, join(dir, "other.yaml"));
  assertThrows(
    () => loadPrimaryConfig({ configPath: dir, configName: "nope" }),
    ConfigError,
    "primary config 'nope' not found",
  );
  assertThrows(
    () => loadPrimaryConfig({ configPath: join(dir, "missing") }),
    ConfigError,
    "does not exist",
  );
  const withConfig = configDir({ "config.yaml": "device: cpu\n" });
  assertEquals(
    resolveConfig({ configPath: withConfig }).device,
    "cpu",
    "config.yaml overrides built-in",
  );
});

Deno.test("resolveConfig() oc.env and relative interpolations", () => {
  const env = (name: string) =>
    ({ BALR_MODELS: "/models", EPOCHS: "12" } as Record<string, string>)[name];
  const dir = configDir({
    "env.yaml": [
      "embeddings:",
      "  model:",
      "    model_dir: ${oc.env:BALR_MODELS}/wespeaker",
      "trainer:",
      "  epochs: ${oc.env:EPOCHS}",
      "  seed: ${oc.env:NOT_SET,42}",
      "  internal_dim: ${.input_dim}",
      "encoder:",
      "  model:",
      "    input_dim: ${..model.internal_dim}",
      "save_dir: \\${literal}",
    ].join("\n"),
  });
  const c = resolveConfig({ configPath: dir, configName: "env", env });
  assertEquals(c.embeddings.model.model_dir, "/models/wespeaker");
  assertEquals([c.trainer.epochs, c.trainer.seed, c.trainer.internal_dim], [12, 42, 256]);
  assertEquals(c.encoder.model.input_dim, 512);
  assertEquals(c.save_dir, "${literal}");
  assertThrows(
    () => resolveConfig({ overrides: ["save_dir=${oc.env:NOT_SET}"], env }),
    ConfigError,
    "environment variable 'NOT_SET'",
  );
  assertThrows(
    () => resolveConfig({ overrides: ["save_dir=${oc.decode:x}"], env }),
    ConfigError,
    "unknown resolver 'oc.decode'",
  );
});
