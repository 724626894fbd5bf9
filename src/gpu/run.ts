/**
 * A GpuRun records many dispatches, copies and readbacks into one command
 * encoder and submits them together: one queue submit and at most one
 * awaited round trip per run, never one per layer.
 * @module
 */
import { writeToArrayBuffer } from "typegpu";
import * as d from "typegpu/data";
import type { Gpu } from "./gpu.ts";
import type { BindingSpec, KernelSpec, StorageKeys, UniformValues } from "./kernel.ts";
import { foldWorkgroups, type Workgroups } from "./dispatch.ts";
import { type DType, GpuTensor, type HostArray, hostArray } from "./tensor.ts";

/** What a storage binding (or, for texture bindings, a texture) may be given. */
export type BindingResource =
  | GpuTensor
  | GPUBuffer
  | { tensor: GpuTensor; offset?: number; size?: number }
  | { buffer: GPUBuffer; offset?: number; size?: number }
  | GPUTexture
  | GPUTextureView;

/** Source of a buffer-to-texture copy: rows of `bytesPerRow` (a multiple of 256). */
export interface BufferImageSource {
  /** The buffer holding the texel rows. */
  buffer: GPUBuffer;
  /** Byte offset of the first row. */
  offset?: number;
  /** Bytes from one texel row to the next (multiple of 256). */
  bytesPerRow: number;
  /** Rows from one array layer to the next. */
  rowsPerImage: number;
}

/** Arguments of one dispatch. */
export interface DispatchArgs<
  B extends Record<string, BindingSpec>,
  U,
> {
  /** A resource for every storage binding, by name. */
  bindings: Record<StorageKeys<B>, BindingResource>;
  /** Values of the uniform struct (omit for kernels without one). */
  uniforms?: UniformValues<U>;
  /** Workgroup counts; a single number is folded into x·y past 65535. */
  workgroups: number | Workgroups;
  /** Override constants for this dispatch's pipeline variant. */
  overrides?: Record<string, number>;
}

const UNIFORM_CHUNK_BYTES = 64 * 1024;

interface UniformChunk {
  buffer: GPUBuffer;
  bytes: Uint8Array<ArrayBuffer>;
  used: number;
}

interface PendingRead {
  staging: GPUBuffer;
  dtype: DType;
  bytes: number;
}

/** One batch of GPU work, submitted once. */
export class GpuRun {
  /** The device this run records for. */
  readonly gpu: Gpu;
  /** Names the command encoder, its compute pass and debug output. */
  readonly label: string;
  readonly #encoder: GPUCommandEncoder;
  #pass: GPUComputePassEncoder | null = null;
  readonly #uniforms: UniformChunk[] = [];
  readonly #reads: PendingRead[] = [];
  readonly #transient: GpuTensor[] = [];
  readonly #afterSubmit: Array<() => void> = [];
  readonly #scopes: Array<Promise<string | null>> = [];
  #dispatches = 0;
  #submitted = false;

  /** A new, empty run with its own command encoder (use `gpu.run(label)`). */
  constructor(gpu: Gpu, label: string) {
    this.gpu = gpu;
    this.label = label;
    this.#encoder = gpu.device.createCommandEncoder({ label });
  }

  /** Number of dispatches recorded so far. */
  get dispatchCount(): number {
    return this.#dispatches;
  }

  /** Records one dispatch of `spec`. */
  dispatch<B extends Record<string, BindingSpec>, U extends d.WgslStruct | undefined>(
    spec: KernelSpec<B, U>,
    args: DispatchArgs<B, U>,
  ): this {
    this.#assertOpen();
    const { pipeline, bindGroupLayout } = this.gpu.pipelines.get(
      spec as unknown as KernelSpec,
      args.overrides,
    );
    const entries: GPUBindGroupEntry[] = [];
    let index = 0;
    for (const [key, b] of Object.entries(spec.bindings)) {
      if (b.access === "uniform") {
        if (!spec.uniforms || args.uniforms === undefined) {
          throw new TypeError(`${spec.name}: missing uniforms`);
        }
        entries.push({
          binding: index,
          resource: this.#uniformSlice(spec.uniforms, args.uniforms),
        });
      } else {
        const res = (args.bindings as Record<string, BindingResource>)[key];
        if (!res) throw new TypeError(`${spec.name}: missing binding "${key}"`);
        const resource = b.access === "texture"
          ? toTextureView(res, spec.name, key)
          : toBufferBinding(res, spec.name, key);
        entries.push({ binding: index, resource });
      }
      index++;
    }
    // Debug mode: a validation error scope per dispatch names the kernel that failed.
    if (this.gpu.debug) this.gpu.device.pushErrorScope("validation");
    const bindGroup = this.gpu.device.createBindGroup({
      label: spec.name,
      layout: bindGroupLayout,
      entries,
    });
    const wg = typeof args.workgroups === "number"
      ? foldWorkgroups(args.workgroups, this.gpu.limits.maxComputeWorkgroupsPerDimension)
      : args.workgroups;
    if (this.gpu.debug) {
      console.error(`[gpu] ${this.label}: ${spec.name} wg=${wg.join("x")}`);
    }
    const pass = this.#pass ??= this.#encoder.beginComputePass({ label: this.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(wg[0], wg[1], wg[2]);
    if (this.gpu.debug) {
      this.#scopes.push(
        this.gpu.device.popErrorScope().then((e) => e && `${spec.name}: ${e.message}`),
      );
    }
    this.#dispatches++;
    return this;
  }

  /** Copies `bytes` bytes between buffers (outside any compute pass). */
  copy(
    src: GpuTensor | GPUBuffer,
    dst: GpuTensor | GPUBuffer,
    bytes?: number,
    srcOffset = 0,
    dstOffset = 0,
  ): this {
    this.#assertOpen();
    this.#endPass();
    const s = src instanceof GpuTensor ? src.buffer : src;
    const t = dst instanceof GpuTensor ? dst.buffer : dst;
    const n = bytes ?? (src instanceof GpuTensor ? src.byteLength : s.size);
    this.#encoder.copyBufferToBuffer(s, srcOffset, t, dstOffset, n);
    return this;
  }

  /** Copies texel rows from a buffer into a texture (outside any compute pass). */
  copyToTexture(
    src: BufferImageSource,
    dst: GPUTexture,
    size: [number, number, number],
    origin: [number, number, number] = [0, 0, 0],
  ): this {
    this.#assertOpen();
    this.#endPass();
    this.#encoder.copyBufferToTexture(
      {
        buffer: src.buffer,
        offset: src.offset ?? 0,
        bytesPerRow: src.bytesPerRow,
        rowsPerImage: src.rowsPerImage,
      },
      { texture: dst, origin },
      size,
    );
    return this;
  }

  /** Zero-fills a tensor (or a byte range of it). */
  clear(t: GpuTensor, offset = 0, size?: number): this {
    this.#assertOpen();
    this.#endPass();
    this.#encoder.clearBuffer(t.buffer, offset, size ?? t.byteLength - offset);
    return this;
  }

  /** A pool tensor that lives until this run's submit (then returns to the pool). */
  scratch<T extends DType = "f32">(
    shape: readonly number[],
    dtype?: T,
    label?: string,
  ): GpuTensor<T> {
    const t = this.gpu.empty(shape, dtype ?? ("f32" as T), { label: label ?? this.label });
    this.#transient.push(t);
    return t;
  }

  /**
   * Calls `fn` right after this run is submitted, e.g. to recycle textures its
   * commands use (WebGPU finishes submitted work before a destroyed or
   * rewritten resource is touched again).
   */
  onSubmit(fn: () => void): this {
    this.#assertOpen();
    this.#afterSubmit.push(fn);
    return this;
  }

  /** Schedules a readback; `submit()` returns the results in scheduling order. */
  read(t: GpuTensor, elements?: number, elementOffset = 0): number {
    this.#assertOpen();
    this.#endPass();
    const bytes = (elements ?? t.size - elementOffset) * 4;
    const staging = this.gpu.pool.acquire(
      Math.max(bytes, 4),
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      `${this.label}:readback`,
    );
    if (bytes > 0) this.#encoder.copyBufferToBuffer(t.buffer, elementOffset * 4, staging, 0, bytes);
    this.#reads.push({ staging, dtype: t.dtype, bytes });
    return this.#reads.length - 1;
  }

  /** Submits everything; resolves with the scheduled readbacks. */
  async submit(): Promise<HostArray[]> {
    this.#assertOpen();
    this.#endPass();
    this.#submitted = true;
    this.gpu.assertAlive(this.label);
    const device = this.gpu.device;
    for (const chunk of this.#uniforms) {
      device.queue.writeBuffer(chunk.buffer, 0, chunk.bytes, 0, chunk.used);
    }
    device.queue.submit([this.#encoder.finish({ label: this.label })]);
    if (this.#scopes.length) {
      const errors = (await Promise.all(this.#scopes)).filter((e) => e !== null);
      if (errors.length) throw new Error(`GPU validation in ${this.label}: ${errors.join("; ")}`);
    }
    for (const chunk of this.#uniforms) this.gpu.pool.release(chunk.buffer);
    for (const t of this.#transient) t.release();
    for (const fn of this.#afterSubmit.splice(0)) fn();
    this.gpu.pool.afterSubmit();
    if (this.#reads.length === 0) {
      this.gpu.throwPendingError(this.label);
      return [];
    }
    const out: HostArray[] = [];
    try {
      await Promise.all(
        this.#reads.map((r) => r.staging.mapAsync(GPUMapMode.READ, 0, r.bytes || 4)),
      );
      for (const r of this.#reads) {
        const copy = r.bytes > 0
          ? r.staging.getMappedRange(0, r.bytes).slice(0)
          : new ArrayBuffer(0);
        r.staging.unmap();
        out.push(hostArray(r.dtype, copy));
      }
    } catch (e) {
      this.gpu.assertAlive(this.label);
      throw new Error(`GPU readback failed in ${this.label}: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      for (const r of this.#reads) this.gpu.pool.release(r.staging);
    }
    this.gpu.throwPendingError(this.label);
    return out;
  }

  #uniformSlice(schema: d.WgslStruct, values: unknown): GPUBufferBinding {
    const size = d.sizeOf(schema);
    const align = this.gpu.limits.minUniformBufferOffsetAlignment;
    let chunk = this.#uniforms.at(-1);
    const offset = chunk ? Math.ceil(chunk.used / align) * align : 0;
    if (!chunk || offset + size > UNIFORM_CHUNK_BYTES) {
      chunk = {
        buffer: this.gpu.pool.acquire(
          UNIFORM_CHUNK_BYTES,
          GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
          `${this.label}:uniforms`,
        ),
        bytes: new Uint8Array(UNIFORM_CHUNK_BYTES),
        used: 0,
      };
      this.#uniforms.push(chunk);
    }
    const at = Math.ceil(chunk.used / align) * align;
    const packed = new ArrayBuffer(size);
    writeToArrayBuffer(packed, schema, values as never);
    chunk.bytes.set(new Uint8Array(packed), at);
    chunk.used = at + size;
    return { buffer: chunk.buffer, offset: at, size };
  }

  #endPass(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  #assertOpen(): void {
    if (this.#submitted) throw new Error(`GpuRun ${this.label} was already submitted`);
  }
}

function toTextureView(res: BindingResource, kernel: string, key: string): GPUTextureView {
  if (res instanceof GPUTexture) return res.createView({ dimension: "2d-array" });
  if (res instanceof GPUTextureView) return res;
  throw new TypeError(`${kernel}: binding "${key}" needs a texture`);
}

function toBufferBinding(res: BindingResource, kernel: string, key: string): GPUBufferBinding {
  if (res instanceof GPUTexture || res instanceof GPUTextureView) {
    throw new TypeError(`${kernel}: binding "${key}" needs a buffer, got a texture`);
  }
  if (res instanceof GpuTensor) {
    if (res.released) throw new Error(`${kernel}: binding "${key}" uses a released tensor`);
    // Round to 16 bytes so vec4 views see the tail lane; pool buffers are larger.
    const size = Math.min(res.buffer.size, Math.max(16, Math.ceil(res.byteLength / 16) * 16));
    return { buffer: res.buffer, offset: 0, size };
  }
  if (res instanceof GPUBuffer) return { buffer: res };
  if ("tensor" in res) {
    if (res.tensor.released) throw new Error(`${kernel}: binding "${key}" uses a released tensor`);
    return { buffer: res.tensor.buffer, offset: res.offset ?? 0, size: res.size };
  }
  return { buffer: res.buffer, offset: res.offset ?? 0, size: res.size };
}
