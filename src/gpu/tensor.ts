/**
 * A typed view of a GPU buffer: shape, element type and who owns it.
 * @module
 */

/** Element types our kernels read and write. */
export type DType = "f32" | "u32" | "i32";

/** The host array type of each dtype. */
export type HostArray<T extends DType = DType> = T extends "f32" ? Float32Array<ArrayBuffer>
  : T extends "u32" ? Uint32Array<ArrayBuffer>
  : Int32Array<ArrayBuffer>;

/** Bytes per element; every dtype is 4 bytes. */
export const BYTES_PER_ELEMENT = 4;

/** Product of a shape's dimensions. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Makes a host array of the given dtype over an ArrayBuffer copy. */
export function hostArray<T extends DType>(dtype: T, buffer: ArrayBuffer): HostArray<T> {
  switch (dtype) {
    case "f32":
      return new Float32Array(buffer) as HostArray<T>;
    case "u32":
      return new Uint32Array(buffer) as HostArray<T>;
    default:
      return new Int32Array(buffer) as HostArray<T>;
  }
}

/** A GPU-resident array. Release it when done so the pool can reuse it. */
export class GpuTensor<T extends DType = DType> {
  #released = false;
  readonly #onRelease: (buffer: GPUBuffer) => void;

  /**
   * Wraps `buffer` as a tensor; `onRelease` gets the buffer once, on the
   * first {@link GpuTensor.release}. Made by `gpu.upload`, `gpu.empty` and
   * `run.scratch`, rarely by hand.
   */
  constructor(
    /** The buffer; its size may exceed `byteLength` (pool size classes). */
    readonly buffer: GPUBuffer,
    /** Logical shape, row-major. */
    readonly shape: readonly number[],
    /** Element type. */
    readonly dtype: T,
    onRelease: (buffer: GPUBuffer) => void,
  ) {
    this.#onRelease = onRelease;
  }

  /** Number of elements. */
  get size(): number {
    return numel(this.shape);
  }

  /** Bytes of the logical content. */
  get byteLength(): number {
    return this.size * BYTES_PER_ELEMENT;
  }

  /** True once released; using it afterwards is a bug. */
  get released(): boolean {
    return this.#released;
  }

  /**
   * The same buffer under another shape with the same element count. The view
   * does not own the buffer: releasing it does nothing; release the original.
   */
  view(shape: readonly number[]): GpuTensor<T> {
    if (numel(shape) !== this.size) {
      throw new RangeError(
        `view: shape [${shape.join(", ")}] does not hold ${this.size} elements of [${
          this.shape.join(", ")
        }]`,
      );
    }
    if (this.#released) throw new Error("view of a released tensor");
    return new GpuTensor(this.buffer, [...shape], this.dtype, () => {});
  }

  /** Returns the buffer to its pool (safe to call while work is queued). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(this.buffer);
  }
}
