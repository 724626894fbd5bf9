/**
 * The Gpu context: one device, its buffer pool, pipeline cache and typegpu
 * root, plus helpers to upload, allocate and read tensors.
 * @module
 */
import "./backend_env.ts";
import tgpu, { type TgpuRoot } from "typegpu";
import { BufferPool } from "./buffer_pool.ts";
import {
  type AdapterProfile,
  type AdapterReport,
  describeAdapter,
  parseDeviceRequest,
  requestAdapter,
  wantedLimits,
} from "./device.ts";
import { PipelineCache } from "./pipeline_cache.ts";
import { GpuRun } from "./run.ts";
import { type DType, GpuTensor, type HostArray, numel } from "./tensor.ts";

const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC |
  GPUBufferUsage.COPY_DST;

/** Options of `openGpu`. */
export interface OpenGpuOptions {
  /** Called with a warning (software fallback, …); default prints to stderr. */
  onWarning?: (message: string) => void;
}

/** Options of `Gpu.empty`. */
export interface EmptyOptions {
  /** Fill with NaN (f32) or 0xFFFFFFFF so unwritten elements are caught. */
  poison?: boolean;
  /** Label for the GPU buffer. */
  label?: string;
}

/** An open WebGPU device with everything kernels need. */
export class Gpu {
  /** The WebGPU device. */
  readonly device: GPUDevice;
  /** The adapter the device was opened on. */
  readonly adapter: GPUAdapter;
  /** Name, vendor, backend and whether the adapter is software. */
  readonly report: AdapterReport;
  /** Which kernel variants pay here (register tiling on software adapters). */
  readonly profile: AdapterProfile;
  /** The limits the device was opened with (the adapter's own). */
  readonly limits: GPUSupportedLimits;
  /** Reused buffers. */
  readonly pool: BufferPool;
  /** Pipelines by kernel name and override values. */
  readonly pipelines: PipelineCache;
  /**
   * typegpu root that builds bind-group layouts (an implementation detail).
   * @ignore
   */
  readonly root: TgpuRoot;
  /** Per-dispatch logging (env BALR_GPU_DEBUG=1). */
  readonly debug: boolean;
  #lost: GPUDeviceLostInfo | null = null;
  #errors: string[] = [];

  /**
   * Wraps a device opened on `adapter` (use {@link openGpu}, which picks the
   * adapter and requests the device with the adapter's limits).
   */
  constructor(adapter: GPUAdapter, device: GPUDevice) {
    this.adapter = adapter;
    this.device = device;
    this.report = describeAdapter(adapter);
    this.profile = this.report.isSoftware ? "software" : "hardware";
    this.limits = device.limits;
    this.pool = new BufferPool(device);
    this.root = tgpu.initFromDevice({ device });
    this.pipelines = new PipelineCache(device, this.root);
    this.debug = readDebugFlag();
    device.lost.then((info) => {
      this.#lost = info;
    });
    device.addEventListener("uncapturederror", (e) => {
      this.#errors.push((e as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** Largest number of 4-byte elements one storage binding may cover. */
  get maxBindingElements(): number {
    return Math.floor(
      Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize) / 4,
    );
  }

  /**
   * Largest element count per binding when work is split into chunks bound
   * at offsets: a multiple of `multipleOf` and of the offset alignment.
   */
  bindingChunkElements(multipleOf = 4): number {
    const align = Math.max(1, this.limits.minStorageBufferOffsetAlignment / 4);
    const step = lcm(align, multipleOf);
    return Math.floor(this.maxBindingElements / step) * step;
  }

  /** Starts a batch of work that is submitted once. */
  run(label: string): GpuRun {
    this.assertAlive(label);
    return new GpuRun(this, label);
  }

  /** A pooled tensor with undefined (or poisoned) contents. */
  empty<T extends DType = "f32">(
    shape: readonly number[],
    dtype?: T,
    options: EmptyOptions = {},
  ): GpuTensor<T> {
    const dt = dtype ?? ("f32" as T);
    const n = numel(shape);
    const bytes = Math.max(4, n * 4);
    if (bytes > this.limits.maxBufferSize) {
      throw new RangeError(
        `tensor [${shape.join(", ")}] needs ${bytes} bytes, over this adapter's ` +
          `maxBufferSize ${this.limits.maxBufferSize}; split the work`,
      );
    }
    const buffer = this.pool.acquire(bytes, STORAGE_USAGE, options.label ?? "tensor");
    const t = new GpuTensor(buffer, [...shape], dt, (b) => this.pool.release(b));
    if (options.poison && n > 0) {
      const fill = dt === "f32" ? new Float32Array(n).fill(NaN) : new Uint32Array(n).fill(~0 >>> 0);
      this.device.queue.writeBuffer(buffer, 0, fill);
    }
    return t;
  }

  /** Uploads host data into a new pooled tensor. */
  upload<T extends DType = "f32">(
    data: HostArray | ArrayLike<number>,
    shape?: readonly number[],
    dtype?: T,
    label?: string,
  ): GpuTensor<T> {
    const dt = dtype ?? inferDType(data) as T;
    const s = shape ?? [data.length];
    if (numel(s) !== data.length) {
      throw new RangeError(`upload: ${data.length} values do not fit shape [${s.join(", ")}]`);
    }
    const t = this.empty(s, dt, { label });
    this.write(t, data);
    return t;
  }

  /** Overwrites a tensor's contents from host data (queued before the next submit). */
  write(t: GpuTensor, data: HostArray | ArrayLike<number>, elementOffset = 0): void {
    const typed = toTyped(data, t.dtype);
    if (typed.length === 0) return;
    this.device.queue.writeBuffer(t.buffer, elementOffset * 4, typed as Float32Array<ArrayBuffer>);
  }

  /** Reads a whole tensor back (one round trip; batch reads in a run instead). */
  async read<T extends DType>(t: GpuTensor<T>): Promise<HostArray<T>> {
    const run = this.run(`read:${t.buffer.label}`);
    run.read(t);
    const [out] = await run.submit();
    return out as HostArray<T>;
  }

  /** Throws with context if the device was lost. */
  assertAlive(context: string): void {
    if (this.#lost) {
      throw new Error(
        `WebGPU device lost (${this.#lost.reason}) while running ${context}: ` +
          `${
            this.#lost.message || "no message"
          }. Re-run the command; if it repeats, try --device cpu.`,
      );
    }
  }

  /** Throws the first uncaptured GPU error, naming the run that surfaced it. */
  throwPendingError(context: string): void {
    this.assertAlive(context);
    if (this.#errors.length) {
      const msgs = this.#errors.splice(0);
      throw new Error(`GPU error while running ${context}: ${msgs.join("; ")}`);
    }
  }

  /** Waits until all submitted work is done. */
  async sync(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.throwPendingError("sync");
  }

  /** Frees pooled buffers and the device. */
  destroy(): void {
    this.pool.trim();
    this.device.destroy();
  }
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

function readDebugFlag(): boolean {
  try {
    return Deno.env.get("BALR_GPU_DEBUG") === "1";
  } catch {
    return false;
  }
}

function inferDType(data: ArrayLike<number>): DType {
  if (data instanceof Uint32Array) return "u32";
  if (data instanceof Int32Array) return "i32";
  return "f32";
}

function toTyped(data: ArrayLike<number>, dtype: DType): Float32Array | Uint32Array | Int32Array {
  switch (dtype) {
    case "f32":
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case "u32":
      return data instanceof Uint32Array ? data : Uint32Array.from(data);
    default:
      return data instanceof Int32Array ? data : Int32Array.from(data);
  }
}

const opened = new Map<string, Promise<Gpu>>();

/**
 * Opens (once per process and device string) a WebGPU device.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * console.log(gpu.report.name);
 * ```
 */
export function openGpu(deviceText = "auto", options: OpenGpuOptions = {}): Promise<Gpu> {
  const request = parseDeviceRequest(deviceText);
  const key = request.power;
  let p = opened.get(key);
  if (!p) {
    p = (async () => {
      const { adapter, warning } = await requestAdapter(request);
      if (warning) (options.onWarning ?? ((m: string) => console.error(`warning: ${m}`)))(warning);
      const device = await adapter.requestDevice({
        label: "balr",
        requiredLimits: wantedLimits(adapter),
      });
      return new Gpu(adapter, device);
    })();
    p.catch(() => opened.delete(key));
    opened.set(key, p);
  }
  return p;
}
