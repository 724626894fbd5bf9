/**
 * The GPU that tests share. On CI (env CI set) a missing adapter fails the
 * run; elsewhere GPU tests are skipped with a visible message.
 * @module
 */
import { type Gpu, openGpu } from "../../src/gpu/mod.ts";

let cached: Promise<Gpu | null> | undefined;

/** The shared test GPU, or null (with a message) when none exists off CI. */
export function testGpu(): Promise<Gpu | null> {
  cached ??= openGpu("auto", { onWarning: () => {} }).then((gpu) => {
    // Tear the device down ourselves before the worker exits: leaving it to the
    // runtime's teardown has (rarely) crashed the process after all tests passed.
    globalThis.addEventListener("unload", () => gpu.destroy());
    return gpu;
  }).catch((e) => {
    if (Deno.env.get("CI")) throw e;
    console.warn(`%cSKIPPING GPU TESTS: ${(e as Error).message}`, "color: yellow");
    return null;
  });
  return cached;
}

/** Options for Deno.test that GPU tests use (WebGPU keeps resources across tests). */
export const GPU_TEST = { sanitizeResources: false, sanitizeOps: false } as const;

/** Sizes a parity test covers: 1, WG−1, WG, WG+1 and one past a dispatch dimension. */
export function paritySizes(wg: number, perGroup = wg): number[] {
  return [1, wg - 1, wg, wg + 1, 65535 * perGroup + 1];
}
