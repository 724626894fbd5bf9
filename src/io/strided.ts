/**
 * Dense row-major copies of strided views (torch tensors with strides and a
 * storage offset, Fortran-ordered numpy arrays).
 * @module
 */
import type { HostData } from "./host_tensor.ts";

/** A view into a flat storage, in elements. */
export interface StridedView {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** Row-major (C order) strides of a shape, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Column-major (Fortran order) strides of a shape, in elements. */
export function fortranStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = 0; i < shape.length; i++) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Copies the elements a view selects into a new dense row-major array of
 * the same type. Throws a RangeError when the view reaches outside `src`.
 */
export function gatherStrided<T extends HostData>(src: T, view: StridedView): T {
  const { shape, strides, offset } = view;
  if (shape.length !== strides.length) {
    throw new RangeError(`shape [${shape}] and strides [${strides}] differ in rank`);
  }
  let n = 1;
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    if (!Number.isInteger(shape[d]) || shape[d] < 0) throw new RangeError(`bad shape [${shape}]`);
    n *= shape[d];
    if (shape[d] > 0) {
      const reach = (shape[d] - 1) * strides[d];
      if (reach < 0) lo += reach;
      else hi += reach;
    }
  }
  const Ctor = src.constructor as new (length: number) => T;
  const out = new Ctor(n);
  if (n === 0) return out;
  if (!Number.isInteger(offset) || lo < 0 || hi >= src.length) {
    throw new RangeError(
      `view (offset ${offset}, shape [${shape}], strides [${strides}]) reaches outside ` +
        `its storage of ${src.length} elements`,
    );
  }
  if (isContiguous(shape, strides)) {
    (out as HostData).set(src.subarray(offset, offset + n) as never);
    return out;
  }
  const rank = shape.length;
  const last = rank - 1;
  const inner = shape[last];
  const innerStride = strides[last];
  const index = new Array<number>(rank).fill(0);
  let base = offset;
  // Walk the outer dims like an odometer; copy one innermost row per step.
  for (let o = 0; o < n; o += inner) {
    for (let i = 0, s = base; i < inner; i++, s += innerStride) {
      (out as Float64Array)[o + i] = (src as Float64Array)[s];
    }
    for (let d = last - 1; d >= 0; d--) {
      index[d]++;
      base += strides[d];
      if (index[d] < shape[d]) break;
      base -= index[d] * strides[d];
      index[d] = 0;
    }
  }
  return out;
}

/** True when the strides are the row-major ones (size-1 dims may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
