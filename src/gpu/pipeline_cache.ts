/**
 * Compute pipelines cached by kernel name and override values, never by
 * shape: shapes travel in uniforms, so one pipeline serves every size.
 * @module
 */
import type { TgpuRoot } from "typegpu";
import type { KernelSpec } from "./kernel.ts";

/** A ready pipeline and the bind-group layout its bind groups use. */
export interface CachedPipeline {
  /** The compute pipeline (entry point `main`). */
  pipeline: GPUComputePipeline;
  /** Explicit layout of group 0. */
  bindGroupLayout: GPUBindGroupLayout;
}

/** Creates each pipeline once per device. */
export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #root: TgpuRoot;
  readonly #modules = new Map<string, GPUShaderModule>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();
  readonly #pipelines = new Map<string, CachedPipeline>();

  /** An empty cache for `device`; `root` is the typegpu root that builds bind-group layouts. */
  constructor(device: GPUDevice, root: TgpuRoot) {
    this.#device = device;
    this.#root = root;
  }

  /** Number of pipelines created so far (tests check hot paths add none). */
  get size(): number {
    return this.#pipelines.size;
  }

  /** The pipeline for a kernel with these override values. */
  get(spec: KernelSpec, overrides: Record<string, number> = {}): CachedPipeline {
    const constants = { ...spec.overrides, ...overrides };
    const key = `${spec.name}|${
      Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(",")
    }`;
    const hit = this.#pipelines.get(key);
    if (hit) return hit;
    let module = this.#modules.get(spec.name);
    if (!module) {
      module = this.#device.createShaderModule({ code: spec.source, label: spec.name });
      this.#modules.set(spec.name, module);
    }
    let bindGroupLayout = this.#layouts.get(spec.name);
    if (!bindGroupLayout) {
      bindGroupLayout = this.#root.unwrap(spec.layout);
      this.#layouts.set(spec.name, bindGroupLayout);
    }
    const pipeline = this.#device.createComputePipeline({
      label: spec.name,
      layout: this.#device.createPipelineLayout({
        label: spec.name,
        bindGroupLayouts: [bindGroupLayout],
      }),
      compute: { module, entryPoint: "main", constants },
    });
    const entry = { pipeline, bindGroupLayout };
    this.#pipelines.set(key, entry);
    return entry;
  }
}
