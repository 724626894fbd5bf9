/**
 * Recycles the texel textures a forward pass uses. Textures taken during a
 * run stay reserved until that run is submitted (then WebGPU orders every
 * later use after the submitted work); inside one run a released texture may
 * be taken again by a later step, since commands execute in order.
 * @module
 */
import type { Gpu, GpuRun } from "../gpu/mod.ts";
import { createTexelTexture, TEXEL_BYTES } from "../kernels/resnet_layout.ts";

/** Textures keyed by size, shared by the runs of one model. */
export class TexturePool {
  readonly #gpu: Gpu;
  readonly #free = new Map<string, GPUTexture[]>();
  readonly #runs = new WeakMap<GpuRun, RunTextures>();
  #freeBytes = 0;
  /** Free bytes kept between runs; the rest is destroyed at submit. */
  readonly keepBytes: number;

  constructor(gpu: Gpu, keepBytes = 512 << 20) {
    this.#gpu = gpu;
    this.keepBytes = keepBytes;
  }

  /** A texture of this size for use in `run`. */
  acquire(run: GpuRun, size: [number, number, number], label: string): GPUTexture {
    const mine = this.#forRun(run);
    let tex = mine.spare.get(key(size))?.pop();
    if (!tex) {
      tex = this.#free.get(key(size))?.pop();
      if (tex) this.#freeBytes -= bytesOf(tex);
    }
    tex ??= createTexelTexture(this.#gpu, size, label);
    mine.held.add(tex);
    return tex;
  }

  /** Lets a later step of the same run reuse `tex` (other runs get it after the submit). */
  release(run: GpuRun, tex: GPUTexture): void {
    const mine = this.#runs.get(run);
    if (!mine?.held.delete(tex)) return;
    const k = key([tex.width, tex.height, tex.depthOrArrayLayers]);
    let list = mine.spare.get(k);
    if (!list) mine.spare.set(k, list = []);
    list.push(tex);
  }

  #forRun(run: GpuRun): RunTextures {
    let mine = this.#runs.get(run);
    if (!mine) {
      const state: RunTextures = { held: new Set(), spare: new Map() };
      this.#runs.set(run, state);
      run.onSubmit(() => {
        for (const t of state.held) this.#park(t);
        for (const list of state.spare.values()) for (const t of list) this.#park(t);
        state.held.clear();
        state.spare.clear();
        this.#trim();
      });
      mine = state;
    }
    return mine;
  }

  /** Destroys every free texture. */
  clear(): void {
    for (const list of this.#free.values()) for (const t of list) t.destroy();
    this.#free.clear();
    this.#freeBytes = 0;
  }

  #park(tex: GPUTexture): void {
    const k = key([tex.width, tex.height, tex.depthOrArrayLayers]);
    let list = this.#free.get(k);
    if (!list) this.#free.set(k, list = []);
    list.push(tex);
    this.#freeBytes += bytesOf(tex);
  }

  #trim(): void {
    if (this.#freeBytes <= this.keepBytes) return;
    // Largest first: long utterances leave the biggest textures behind.
    const all = [...this.#free.values()].flat().sort((a, b) => bytesOf(b) - bytesOf(a));
    for (const t of all) {
      if (this.#freeBytes <= this.keepBytes) break;
      const list = this.#free.get(key([t.width, t.height, t.depthOrArrayLayers]))!;
      list.splice(list.indexOf(t), 1);
      this.#freeBytes -= bytesOf(t);
      t.destroy();
    }
  }
}

/** Textures one run took: in use, and released for reuse within the run. */
interface RunTextures {
  held: Set<GPUTexture>;
  spare: Map<string, GPUTexture[]>;
}

function key(size: [number, number, number]): string {
  return size.join("x");
}

function bytesOf(t: GPUTexture): number {
  return t.width * t.height * t.depthOrArrayLayers * TEXEL_BYTES;
}
