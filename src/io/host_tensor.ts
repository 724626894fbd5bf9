/**
 * Host-side tensors as file formats carry them (.pt, .npy, .pkl,
 * safetensors, ONNX initializers): a dtype, a shape and a flat typed array.
 * @module
 */

/** Element types our readers understand (numpy/torch names). */
export type HostDType =
  | "float32"
  | "float64"
  | "float16"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint8"
  | "bool";

/** Flat storage of each dtype; float16 is widened to Float32Array on read. */
export type HostData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** A dense row-major array. */
export interface HostTensor {
  /** Element type as the file stores it (float16 data is held widened, see {@link HostData}). */
  dtype: HostDType;
  /** Dimensions, outermost first; `[]` is a scalar. */
  shape: number[];
  /** The values, row-major; its length is the product of `shape`. */
  data: HostData;
}

/** Product of the dims. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values as float32 (int64 via Number; throws past 2^53). */
export function toFloat32(t: HostTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  const out = new Float32Array(t.data.length);
  if (t.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  } else {
    out.set(t.data as ArrayLike<number>);
  }
  return out;
}

/** The values as float64. */
export function toFloat64(t: HostTensor): Float64Array {
  if (t.data instanceof Float64Array) return t.data;
  const out = new Float64Array(t.data.length);
  if (t.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  } else {
    out.set(t.data as ArrayLike<number>);
  }
  return out;
}

/** A float32 tensor. */
export function float32Tensor(data: Float32Array, shape: number[]): HostTensor {
  if (shapeSize(shape) !== data.length) {
    throw new RangeError(`${data.length} values do not fit shape [${shape.join(", ")}]`);
  }
  return { dtype: "float32", shape, data };
}

/** "[512, 2]" for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** True for a HostTensor (a dtype string, a shape array and a typed array). */
export function isHostTensor(value: unknown): value is HostTensor {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<HostTensor>;
  return typeof v.dtype === "string" && Array.isArray(v.shape) && ArrayBuffer.isView(v.data);
}
