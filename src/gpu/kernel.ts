/**
 * Kernel specs: a WGSL source plus its typed bind-group layout.
 *
 * The layout is a typegpu `bindGroupLayout`; binding indices follow the key
 * order of `bindings`, and every `.wgsl` header lists the same bindings in
 * the same order (a GPU-free test checks that). The WGSL text itself is
 * never assembled from strings: variants are `override` constants.
 * @module
 */
import tgpu, { type TgpuBindGroupLayout, type TgpuLayoutEntry } from "typegpu";
import * as d from "typegpu/data";

/** How a binding is accessed, as written in the WGSL header. */
export type BindingAccess = "read" | "read_write" | "uniform" | "texture";

/** Scalar element types that storage bindings hold. */
export type StorageElementType = "f32" | "u32" | "i32" | "vec4f" | "vec2f" | "vec4u";

/** Element types of bindings: storage arrays, or the sampled-texture kind. */
export type ElementType = StorageElementType | "texture_2d_array";

const ELEMENT_SCHEMA = {
  f32: d.f32,
  u32: d.u32,
  i32: d.i32,
  vec4f: d.vec4f,
  vec2f: d.vec2f,
  vec4u: d.vec4u,
} as const;

/** One binding of a kernel. */
export interface BindingSpec {
  /** `read` or `read_write` storage, or the kernel's uniform struct. */
  access: BindingAccess;
  /** Element type of a storage array (ignored for uniforms). */
  element: ElementType;
}

/** A read-only storage array binding. */
export function readBinding(
  element: ElementType = "f32",
): { access: "read"; element: ElementType } {
  return { access: "read", element };
}

/** A read-write storage array binding. */
export function readWriteBinding(
  element: ElementType = "f32",
): { access: "read_write"; element: ElementType } {
  return { access: "read_write", element };
}

/**
 * A sampled `texture_2d_array<f32>` read with `textureLoad` (unfilterable, so
 * rgba32float works everywhere). Software adapters fetch texels far faster
 * than they load storage buffers, so read-heavy kernels take their inputs so.
 */
export function textureBinding(): { access: "texture"; element: "texture_2d_array" } {
  return { access: "texture", element: "texture_2d_array" };
}

/** The uniform-struct binding (at most one per kernel). */
export function uniformBinding(): { access: "uniform"; element: ElementType } {
  return { access: "uniform", element: "u32" };
}

/** Keys of a binding table that are storage (not the uniform). */
export type StorageKeys<B extends Record<string, BindingSpec>> = {
  [K in keyof B]: B[K]["access"] extends "uniform" ? never : K;
}[keyof B];

/** Any typegpu uniform-struct schema (`d.struct({...})`): the bound on a kernel's uniforms. */
// deno-lint-ignore no-explicit-any
export type AnyStruct = d.WgslStruct<any>;

/** Everything needed to build a pipeline for one `.wgsl` file. */
export interface KernelSpec<
  B extends Record<string, BindingSpec> = Record<string, BindingSpec>,
  U extends AnyStruct | undefined = AnyStruct | undefined,
> {
  /** File stem, e.g. `bae_linear_forward`. Labels every GPU object. */
  name: string;
  /** The WGSL text (imported from kernels/ with `type: "text"`). */
  source: string;
  /** Bindings in binding-index order. */
  bindings: B;
  /** typegpu schema of the uniform struct, when the kernel has one. */
  uniforms: U;
  /** Default values for `override` constants (e.g. `{ WG: 256 }`). */
  overrides: Record<string, number>;
  /**
   * typegpu layout built from `bindings` by {@link defineKernel} (an
   * implementation detail the pipeline cache uses).
   * @ignore
   */
  layout: TgpuBindGroupLayout;
}

/** Declares a kernel; call once per `.wgsl` file at module load. */
export function defineKernel<
  B extends Record<string, BindingSpec>,
  U extends AnyStruct | undefined = undefined,
>(spec: {
  name: string;
  source: string;
  bindings: B;
  uniforms?: U;
  overrides?: Record<string, number>;
}): KernelSpec<B, U> {
  const entries: Record<string, TgpuLayoutEntry> = {};
  let uniformCount = 0;
  for (const [key, b] of Object.entries(spec.bindings)) {
    if (b.access === "uniform") {
      uniformCount++;
      if (!spec.uniforms) {
        throw new TypeError(`kernel ${spec.name}: binding "${key}" is uniform but no schema`);
      }
      entries[key] = { uniform: spec.uniforms };
    } else if (b.access === "texture") {
      entries[key] = { texture: d.texture2dArray(d.f32), sampleType: "unfilterable-float" };
    } else {
      entries[key] = {
        storage: d.arrayOf(ELEMENT_SCHEMA[b.element as StorageElementType]),
        access: b.access === "read" ? "readonly" : "mutable",
      };
    }
  }
  if (uniformCount > 1) throw new TypeError(`kernel ${spec.name}: more than one uniform`);
  if (spec.uniforms && uniformCount === 0) {
    throw new TypeError(`kernel ${spec.name}: uniforms schema given but no uniform binding`);
  }
  return {
    name: spec.name,
    source: spec.source,
    bindings: spec.bindings,
    uniforms: spec.uniforms as U,
    overrides: spec.overrides ?? {},
    layout: tgpu.bindGroupLayout(entries),
  };
}

/** Uniform values a dispatch passes, typed by the kernel's schema. */
export type UniformValues<U> = U extends d.WgslStruct ? d.InferInput<U> : undefined;
