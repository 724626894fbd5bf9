import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import {
  entryNames,
  findTarget,
  REGISTRY,
  resolveSampler,
  resolveTarget,
} from "../../src/config/registry.ts";
import { BALR_SCHEMA } from "../../src/config/schema.ts";
import type { NodeSpec } from "../../src/config/schema_nodes.ts";

Deno.test("resolveSampler() maps class paths, class names and short names", () => {
  for (
    const name of ["balr.samplers.nxm_samplers.RandomNxMSampler", "RandomNxMSampler", "random"]
  ) {
    assertEquals(resolveSampler(name), "sampler:random");
  }
  for (
    const name of [
      "balr.samplers.nxm_samplers.ExhaustiveNxMSampler",
      "ExhaustiveNxMSampler",
      "exhaustive",
    ]
  ) {
    assertEquals(resolveSampler(name), "sampler:exhaustive");
  }
  assertEquals(resolveSampler(null), null);
  assertThrows(
    () => resolveSampler("torch.utils.data.RandomSampler"),
    ConfigError,
    "data.sampler: unknown sampler",
  );
});

Deno.test("resolveTarget() resolves every upstream _target_ and never a foreign one", () => {
  assertEquals(resolveTarget("balr.scoring.beta.DirichletMultinomialScorer").id, "scorer:beta");
  assertEquals(resolveTarget("balr.scoring.llr.DNALLRScorer").id, "scorer:dna");
  assertEquals(resolveTarget("balr.losses.arcface_loss.ArcFaceLoss", "loss").id, "loss:arcface");
  assertEquals(resolveTarget("maxllr", "scorer").classPath, "balr.scoring.llr.MaxLLRScorer");
  assertThrows(() => resolveTarget("os.system"), ConfigError, "unknown implementation 'os.system'");
  assertThrows(() => resolveTarget("maxllr", "loss"), ConfigError, "unknown loss implementation");
  assertEquals(findTarget("mse", "scorer"), undefined);
});

Deno.test("REGISTRY covers every _target_ default of the schema, names unique per kind", () => {
  const targets: string[] = [];
  const walk = (spec: NodeSpec) => {
    if (spec.kind === "leaf") {
      if (spec.target) targets.push(spec.default as string);
    } else if (spec.kind === "struct") Object.values(spec.fields).forEach(walk);
    else Object.values(spec.options).forEach(walk);
  };
  walk(BALR_SCHEMA);
  assertEquals(targets.length, 12);
  for (const t of targets) assertEquals(findTarget(t)?.classPath, t);
  for (const kind of new Set(REGISTRY.map((e) => e.kind))) {
    const names = REGISTRY.filter((e) => e.kind === kind).flatMap(entryNames);
    assertEquals(new Set(names).size, names.length, kind);
  }
});
