import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { defaultConfig, resolveConfig } from "../../src/config/resolve_config.ts";
import type { BalrConfig } from "../../src/config/types.ts";

const resolve = (...overrides: string[]) => resolveConfig({ overrides });

/** SPEC §3's tree, written out by hand (with our `device` and `scorer.tol` extras). */
const SPEC_DEFAULTS: BalrConfig = {
  input: null,
  save_output: true,
  model_dir: null,
  save_dir: null,
  exist_ok: false,
  audio_formats: ["flac", "mp3", "m4a", "ogg", "opus", "wav", "wma"],
  embeddings: {
    model: {
      name: "wespeaker",
      _target_: "balr.embeddings.wespeaker.WespeakerModel",
      features: {
        frontend: "fbank",
        num_mel_bins: 80,
        frame_length: 25,
        frame_shift: 10,
        dither: 0.0,
      },
      model_repo: "Wespeaker/wespeaker-voxceleb-resnet34-LM",
      model_name: "avg_model",
      config_name: "config.yaml",
      model_dir: null,
    },
  },
  encoder: {
    model: {
      name: "autoencoder",
      _target_: "balr.binary_attributes.autoencoder.BinaryAttributeAutoEncoder",
      checkpoint_path: "resources/models/BAE/BAE_mse.pt",
      input_dim: 256,
      internal_dim: 512,
    },
  },
  trainer: {
    _target_: "balr.binary_attributes.trainer.BinaryAttributeEncoderTrainer",
    input_dim: 256,
    internal_dim: 512,
    learning_rate: 0.001,
    epochs: 64,
    seed: 1234,
    save_period: 0,
    log_period: 2,
    val_period: 10,
    losses: {
      mse: { _target_: "balr.losses.mse_loss.MSELoss", weight: 1.0 },
      triplet: {
        _target_: "balr.losses.triplet_margin_loss.TripletMarginLoss",
        margin: 0.3,
        type_of_triplets: "all",
        weight: 1.0,
      },
    },
  },
  scorer: {
    name: "beta",
    _target_: "balr.scoring.beta.DirichletMultinomialScorer",
    checkpoint_path: null,
    n_iterations: 100,
    n_attributes: 512,
    K: 2,
    eps: 1e-8,
    tol: null,
  },
  data: {
    batch_size: 64,
    num_workers: 1,
    shuffle: true,
    normalize_mean: true,
    normalize_var: false,
    sampler: "balr.samplers.nxm_samplers.RandomNxMSampler",
    N_classes_per_batch: 8,
    M_samples_per_class: 8,
  },
  device: "auto",
};

Deno.test("defaultConfig() is SPEC §3's tree with upstream names and defaults", () => {
  assertEquals(defaultConfig(), SPEC_DEFAULTS);
});

Deno.test("resolveConfig() key=value sets leaves of every type", () => {
  const c = resolve(
    "trainer.epochs=10",
    "trainer.learning_rate=0.5",
    "data.shuffle=False",
    "data.normalize_var=true",
    "scorer.checkpoint_path=runs/scorer/train/scorer.pt",
    "audio_formats=[wav, flac]",
    "embeddings.model.features.dither=1",
  );
  assertEquals(c.trainer.epochs, 10);
  assertEquals(c.trainer.learning_rate, 0.5);
  assertEquals(c.data.shuffle, false);
  assertEquals(c.data.normalize_var, true);
  assertEquals(c.scorer.checkpoint_path, "runs/scorer/train/scorer.pt");
  assertEquals(c.audio_formats, ["wav", "flac"]);
  assertEquals(c.embeddings.model.features.dither, 1, "an int is accepted for a float");
});

Deno.test("resolveConfig() parses values as YAML scalars (True/False/null/quoted/lists)", () => {
  assertEquals(resolve("data.shuffle=True").data.shuffle, true);
  assertEquals(resolve("data.shuffle=FALSE").data.shuffle, false);
  assertEquals(resolve("data.sampler=null").data.sampler, null);
  assertEquals(resolve("scorer.checkpoint_path=null").scorer.checkpoint_path, null);
  assertEquals(resolve("embeddings.model.model_name='007'").embeddings.model.model_name, "007");
  assertEquals(resolve("embeddings.model.model_name=007").embeddings.model.model_name, "007");
  assertEquals(resolve('save_dir="a b"').save_dir, "a b");
  assertEquals(resolve("save_dir=").save_dir, "", "empty value is the empty string");
  assertEquals(resolve("audio_formats=[wav]").audio_formats, ["wav"]);
  assertEquals(
    resolve("scorer.eps=1e-6").scorer,
    { ...SPEC_DEFAULTS.scorer, eps: 1e-6 } as BalrConfig["scorer"],
  );
  assertEquals(resolve("model_dir=a: b").model_dir, "a: b", "block mappings stay strings");
});

Deno.test("resolveConfig() group=option selects a group and its defaults", () => {
  const c = resolve("scorer=maxllr");
  assertEquals(c.scorer, {
    name: "maxllr",
    _target_: "balr.scoring.llr.MaxLLRScorer",
    checkpoint_path: null,
    n_iterations: 100,
    n_attributes: 512,
    f: 0.5,
    p: 0.9,
    q: 0.1,
  });
  assertEquals(resolve("scorer=cosine").scorer.name, "cosine");
  assertEquals(resolve("embeddings.model=wespeaker").embeddings, SPEC_DEFAULTS.embeddings);
  assertEquals(resolve("embeddings/model=wespeaker").embeddings, SPEC_DEFAULTS.embeddings);
  assertEquals(resolve("encoder.model=autoencoder").encoder, SPEC_DEFAULTS.encoder);
});

Deno.test("resolveConfig() applies group selections before leaves, whatever the order", () => {
  const c = resolve("scorer.f=0.25", "scorer=maxllr");
  assert(c.scorer.name === "maxllr");
  assertEquals(c.scorer.f, 0.25);
  // A later selection of the same group wins; leaves keep their order.
  const d = resolve("scorer=dna", "scorer.drop_in=0.2", "scorer=speech", "scorer.drop_in=0.3");
  assert(d.scorer.name === "speech");
  assertEquals(d.scorer.drop_in, 0.3);
});

Deno.test("resolveConfig() multi-select trainer.losses then sets a field inside an option", () => {
  const c = resolve("trainer.losses=[mse, arcface]", "trainer.losses.arcface.weight=1");
  assertEquals(Object.keys(c.trainer.losses), ["mse", "arcface"]);
  assertEquals(c.trainer.losses.arcface, {
    _target_: "balr.losses.arcface_loss.ArcFaceLoss",
    margin: 0.3,
    type_of_triplets: "all",
    weight: 1,
  });
  assertEquals(Object.keys(resolve("trainer.losses=sparsity").trainer.losses), ["sparsity"]);
  assertEquals(Object.keys(resolve("trainer.losses=[]").trainer.losses), []);
});

Deno.test("resolveConfig() +, ++ and ~ on multi-select options", () => {
  assertEquals(
    Object.keys(resolve("+trainer.losses=sparsity").trainer.losses),
    ["mse", "triplet", "sparsity"],
  );
  assertEquals(
    Object.keys(resolve("++trainer.losses=[triplet, arcface]").trainer.losses),
    ["mse", "triplet", "arcface"],
  );
  assertEquals(Object.keys(resolve("~trainer.losses=triplet").trainer.losses), ["mse"]);
  assertEquals(Object.keys(resolve("~trainer.losses").trainer.losses), []);
  assertEquals(Object.keys(resolve("~trainer.losses.mse").trainer.losses), ["triplet"]);
  assertEquals(Object.keys(resolve("trainer.losses.triplet=null").trainer.losses), ["mse"]);
  const added = resolve("+trainer.losses.sparsity.weight=0.5");
  assertEquals(Object.keys(added.trainer.losses), ["mse", "triplet", "sparsity"]);
  assertEquals(added.trainer.losses.sparsity?.weight, 0.5);
});

Deno.test("resolveConfig() +key adds a deleted key, ++key adds or overrides, ~key deletes", () => {
  assertEquals(resolve("~trainer.epochs", "+trainer.epochs=3").trainer.epochs, 3);
  assertEquals(resolve("++trainer.epochs=4").trainer.epochs, 4);
  assertEquals(resolve("~trainer.epochs", "++trainer.epochs=5").trainer.epochs, 5);
  // Deleting a nullable key leaves null; ~key=value deletes only on a match.
  assertEquals(resolve("model_dir=x", "~model_dir").model_dir, null);
  assertEquals(resolve("model_dir=x", "~model_dir=x").model_dir, null);
  assertEquals(resolve("~scorer.tol").scorer, SPEC_DEFAULTS.scorer);
});

Deno.test("resolveConfig() applies settings after overrides", () => {
  const c = resolveConfig({
    overrides: ["device=cpu", "save_dir=a"],
    settings: [
      { key: "input", value: "data/x.csv", source: "argument INPUT" },
      { key: "save_dir", value: "b", source: "option --save-dir" },
      { key: "data.batch_size", value: 7, source: "test" },
    ],
  });
  assertEquals([c.input, c.device, c.save_dir, c.data.batch_size], ["data/x.csv", "cpu", "b", 7]);
});

Deno.test("resolveConfig() resolves ${} interpolations after all overrides", () => {
  const c = resolve(
    "trainer.input_dim=${encoder.model.input_dim}",
    "encoder.model.input_dim=128",
    "save_dir=runs/${scorer.n_iterations}/x",
  );
  assertEquals(c.trainer.input_dim, 128);
  assertEquals(c.save_dir, "runs/100/x");
});

Deno.test("resolveConfig() unknown key names the key and the allowed keys", () => {
  const e = assertThrows(() => resolve("trainer.epoch=5"), ConfigError, "'trainer.epoch'");
  for (const k of ["epochs", "learning_rate", "losses", "did you mean 'epochs'"]) {
    assert(e.message.includes(k), `${k} missing from: ${e.message}`);
  }
  assertEquals((e as ConfigError).key, "trainer.epoch");
  const top = assertThrows(() => resolve("epochs=5"), ConfigError, "top level");
  assert(top.message.includes("trainer") && top.message.includes("device"), top.message);
  const option = assertThrows(() => resolve("scorer=maxllr", "scorer.K=3"), ConfigError);
  assert(option.message.includes("f, p, q"), option.message);
  assert(option.message.includes("select it with scorer=beta"), option.message);
  assertThrows(() => resolve("data.batch_size.x=1"), ConfigError, "is a value, not a config node");
});

Deno.test("resolveConfig() wrong type names the key, the value and the expected type", () => {
  assertThrows(
    () => resolve("trainer.epochs=5.5"),
    ConfigError,
    "trainer.epochs: expected int, got '5.5' (float)",
  );
  assertThrows(() => resolve("trainer.epochs=ten"), ConfigError, "expected int, got 'ten' (str)");
  assertThrows(() => resolve("trainer.epochs=10.0"), ConfigError, "expected int, got '10.0'");
  assertThrows(
    () => resolve("data.shuffle=yes"),
    ConfigError,
    "data.shuffle: expected bool, got 'yes' (str)",
  );
  assertThrows(() => resolve("data.shuffle=1"), ConfigError, "expected bool, got '1' (int)");
  assertThrows(
    () => resolve("trainer.learning_rate=fast"),
    ConfigError,
    "expected float, got 'fast'",
  );
  assertThrows(() => resolve("trainer.epochs=null"), ConfigError, "does not accept null");
  assertThrows(() => resolve("audio_formats=wav"), ConfigError, "expected list of str, got 'wav'");
  assertThrows(
    () => resolve("model_dir=true"),
    ConfigError,
    "expected str or null, got 'true' (bool)",
  );
});

Deno.test("resolveConfig() checks ranges, choices, devices, samplers and cross-field rules", () => {
  assertThrows(() => resolve("trainer.epochs=0"), ConfigError, "trainer.epochs: 0 must be >= 1");
  assertThrows(
    () => resolve("trainer.losses.triplet.type_of_triplets=some"),
    ConfigError,
    "all, hard, semihard, easy",
  );
  assertThrows(() => resolve("device=tpu"), ConfigError, "device: 'tpu' must be auto");
  assertEquals(resolve("device=cuda:1").device, "cuda:1");
  assertThrows(() => resolve("data.sampler=Foo"), ConfigError, "data.sampler: 'Foo' must be");
  assertEquals(resolve("data.sampler=exhaustive").data.sampler, "exhaustive");
  assertThrows(
    () => resolve("scorer=maxllr", "scorer.p=0.1", "scorer.q=0.2"),
    ConfigError,
    "p must be greater than q",
  );
  assertThrows(
    () => resolve("scorer._target_=balr.scoring.llr.MaxLLRScorer"),
    ConfigError,
    "is not the beta scorer",
  );
});

Deno.test("resolveConfig() unknown group option lists the options", () => {
  assertThrows(
    () => resolve("scorer=foo"),
    ConfigError,
    "unknown option 'foo' for config group 'scorer'; available options: beta, dna, speech, maxllr, cosine",
  );
  assertThrows(
    () => resolve("trainer.losses=[mse, focal]"),
    ConfigError,
    "available options: mse, triplet, sparsity, arcface",
  );
  assertThrows(
    () => resolve("trainer.losses.focal.weight=1"),
    ConfigError,
    "unknown option 'focal'",
  );
  assertThrows(() => resolve("trainer.losses=[mse, mse]"), ConfigError, "listed twice");
  assertThrows(() => resolve("scorer=[beta, dna]"), ConfigError, "takes exactly one option");
});

Deno.test("resolveConfig() + on an existing key and ~ on a missing key fail", () => {
  assertThrows(
    () => resolve("+trainer.epochs=3"),
    ConfigError,
    "cannot add 'trainer.epochs': it already exists (value 64)",
  );
  assertThrows(() => resolve("+scorer=maxllr"), ConfigError, "cannot add config group 'scorer'");
  assertThrows(() => resolve("+trainer.losses=mse"), ConfigError, "already selected");
  assertThrows(() => resolve("~trainer.foo"), ConfigError, "unknown key 'trainer.foo'");
  assertThrows(
    () => resolve("~model_dir", "~model_dir"),
    ConfigError,
    "cannot delete 'model_dir': it is not in the config",
  );
  assertThrows(
    () => resolve("~trainer.losses.arcface"),
    ConfigError,
    "option 'arcface' is not selected",
  );
  assertThrows(
    () => resolve("~trainer.losses=arcface"),
    ConfigError,
    "cannot delete arcface from 'trainer.losses': not selected",
  );
  assertThrows(() => resolve("~trainer.epochs=10"), ConfigError, "its value is 64, not 10");
  assertThrows(() => resolve("~scorer"), ConfigError, "cannot delete config group 'scorer'");
  assertThrows(() => resolve("~data"), ConfigError, "cannot delete config node 'data'");
  assertThrows(() => resolve("~trainer.epochs"), ConfigError, "missing key 'trainer.epochs'");
  assertThrows(
    () => resolve("~trainer.epochs", "trainer.epochs=3"),
    ConfigError,
    "add it back with +trainer.epochs=3",
  );
});

Deno.test("resolveConfig() a field of an unselected loss needs + or a selection", () => {
  const e = assertThrows(() => resolve("trainer.losses.arcface.weight=1"), ConfigError);
  assert(e.message.includes("+trainer.losses.arcface.weight=1"), e.message);
  assert(e.message.includes("'trainer.losses=[mse, triplet, arcface]'"), e.message);
});

Deno.test("resolveConfig() rejects malformed overrides", () => {
  assertThrows(() => resolve("trainer.epochs"), ConfigError, "malformed override 'trainer.epochs'");
  assertThrows(() => resolve("=3"), ConfigError, "malformed override");
  assertThrows(() => resolve("trainer..epochs=3"), ConfigError, "is not a key");
  assertThrows(() => resolve("audio_formats=[wav"), ConfigError, "cannot parse value '[wav'");
  assertThrows(() => resolve("scorer@foo=beta"), ConfigError, "package overrides");
});

Deno.test("resolveConfig() interpolation cycle and missing key are errors", () => {
  assertThrows(
    () => resolve("data.batch_size=${trainer.epochs}", "trainer.epochs=${data.batch_size}"),
    ConfigError,
    "interpolation cycle: trainer.epochs -> data.batch_size -> trainer.epochs",
  );
  assertThrows(
    () => resolve("save_dir=${save_dir}"),
    ConfigError,
    "interpolation cycle: save_dir -> save_dir",
  );
  assertThrows(() => resolve("save_dir=${nope.x}"), ConfigError, "refers to missing key 'nope.x'");
  assertThrows(
    () => resolve("trainer.epochs=${data.sampler}"),
    ConfigError,
    "trainer.epochs: expected int",
  );
});

Deno.test("resolveConfig() SPEC's example train line resolves as documented", () => {
  const c = resolveConfig({
    overrides: [
      "data.num_workers=4",
      "data.shuffle=False",
      "data.sampler=balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
      "data.N_classes_per_batch=32",
      "data.M_samples_per_class=10",
      "data.batch_size=320",
    ],
  });
  assertEquals(c.data, {
    batch_size: 320,
    num_workers: 4,
    shuffle: false,
    normalize_mean: true,
    normalize_var: false,
    sampler: "balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
    N_classes_per_batch: 32,
    M_samples_per_class: 10,
  });
  assertEquals({ ...c, data: SPEC_DEFAULTS.data }, SPEC_DEFAULTS);
});
