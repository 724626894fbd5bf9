/**
 * Weights of the binary autoencoder as PyTorch names them, on the host:
 * loading upstream's (and our own) `.pt` state_dicts with shape checks,
 * seeded initialisation as upstream's trainer does it, and the state_dict
 * to save.
 * @module
 */
import { readStateDict } from "../io/torch_checkpoint.ts";
import { formatShape, type HostTensor } from "../io/host_tensor.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** Sizes of a BAE: input (embedding) dimension and latent (attribute) dimension. */
export interface BaeDims {
  /** Embedding size (upstream input_dim, 256). */
  inputDim: number;
  /** Number of binary attributes (upstream internal_dim, 512). */
  internalDim: number;
}

/** The float32 weights of a BAE, by upstream state_dict key. */
export interface BaeWeights {
  /** Sizes, as encoder.0.weight's shape `[internal_dim, input_dim]` gives them. */
  dims: BaeDims;
  /** Every tensor of the state_dict (float32, num_batches_tracked as int64). */
  tensors: Map<string, HostTensor>;
}

/** Trainable tensors, in the order upstream's `model.parameters()` yields them. */
export const BAE_PARAMETER_KEYS = [
  "encoder.0.weight",
  "encoder.0.bias",
  "encoder.2.weight",
  "encoder.2.bias",
  "encoder.3.weight",
  "encoder.3.bias",
  "decoder.0.weight",
  "decoder.0.bias",
  "decoder.2.weight",
  "decoder.2.bias",
] as const;

/** BatchNorm buffers. */
export const BAE_BUFFER_KEYS = [
  "encoder.2.running_mean",
  "encoder.2.running_var",
  "encoder.2.num_batches_tracked",
] as const;

/** Every state_dict key, in upstream's order. */
export const BAE_STATE_KEYS = [
  "encoder.0.weight",
  "encoder.0.bias",
  "encoder.2.weight",
  "encoder.2.bias",
  "encoder.2.running_mean",
  "encoder.2.running_var",
  "encoder.2.num_batches_tracked",
  "encoder.3.weight",
  "encoder.3.bias",
  "decoder.0.weight",
  "decoder.0.bias",
  "decoder.2.weight",
  "decoder.2.bias",
] as const;

/** The shape of every state_dict entry of a BAE with these sizes. */
export function baeShapes(dims: BaeDims): Record<string, number[]> {
  const { inputDim: d, internalDim: h } = dims;
  return {
    "encoder.0.weight": [h, d],
    "encoder.0.bias": [h],
    "encoder.2.weight": [h],
    "encoder.2.bias": [h],
    "encoder.2.running_mean": [h],
    "encoder.2.running_var": [h],
    "encoder.2.num_batches_tracked": [],
    "encoder.3.weight": [h, h],
    "encoder.3.bias": [h],
    "decoder.0.weight": [h, h],
    "decoder.0.bias": [h],
    "decoder.2.weight": [d, h],
    "decoder.2.bias": [d],
  };
}

/** Checks sizes the kernels support (multiples of 4). */
export function checkDims(dims: BaeDims): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 4 || v % 4 !== 0) {
      throw new RangeError(`BAE ${k} must be a positive multiple of 4, got ${v}`);
    }
  }
}

/**
 * BAE weights from a state_dict: dims come from encoder.0.weight, every
 * other key must exist with the matching shape (the error names the key and
 * both shapes), extra keys are ignored as upstream's strict=False does.
 */
export function baeWeightsFromStateDict(
  sd: Map<string, HostTensor>,
  source = "<state_dict>",
): BaeWeights {
  const first = sd.get("encoder.0.weight");
  if (!first || first.shape.length !== 2) {
    throw new Error(
      `${source}: not a BAE checkpoint (no 2-d encoder.0.weight; keys: ${
        [...sd.keys()].slice(0, 8).join(", ")
      })`,
    );
  }
  const dims = { inputDim: first.shape[1], internalDim: first.shape[0] };
  checkDims(dims);
  const shapes = baeShapes(dims);
  const tensors = new Map<string, HostTensor>();
  for (const key of BAE_STATE_KEYS) {
    const t = sd.get(key);
    const want = shapes[key];
    if (!t) {
      if (key === "encoder.2.num_batches_tracked") {
        tensors.set(key, { dtype: "int64", shape: [], data: new BigInt64Array(1) });
        continue;
      }
      throw new Error(`${source}: missing key ${key} (expected shape ${formatShape(want)})`);
    }
    const n = want.reduce((a, b) => a * b, 1);
    if (t.shape.length !== want.length || t.shape.some((s, i) => s !== want[i])) {
      throw new Error(
        `${source}: key ${key} has shape ${formatShape(t.shape)}, expected ${formatShape(want)}`,
      );
    }
    if (key === "encoder.2.num_batches_tracked") {
      tensors.set(key, { dtype: "int64", shape: [], data: toInt64(t) });
      continue;
    }
    const data = toFloat32Checked(t, key, source);
    if (data.length !== n) throw new Error(`${source}: key ${key} holds ${data.length} values`);
    tensors.set(key, { dtype: "float32", shape: [...want], data });
  }
  return { dims, tensors };
}

/** Loads a BAE checkpoint (upstream's BAE_mse.pt or one we saved). */
export async function loadBae(path: string): Promise<BaeWeights> {
  return baeWeightsFromStateDict(await readStateDict(path), path);
}

/**
 * Fresh weights as upstream's trainer makes them: Linear weights
 * Kaiming-normal (fan_in, gain √2), biases uniform(±1/√fan_in) as
 * nn.Linear's default, BatchNorm γ = 1, β = 0, running mean 0 / var 1.
 * Draws come from {@link SeededRandom} in state_dict order.
 */
export function initBaeWeights(dims: BaeDims, rng: SeededRandom): BaeWeights {
  checkDims(dims);
  const shapes = baeShapes(dims);
  const tensors = new Map<string, HostTensor>();
  for (const key of BAE_STATE_KEYS) {
    const shape = shapes[key];
    const n = shape.reduce((a, b) => a * b, 1);
    if (key === "encoder.2.num_batches_tracked") {
      tensors.set(key, { dtype: "int64", shape: [], data: new BigInt64Array(1) });
      continue;
    }
    const data = new Float32Array(n);
    if (key === "encoder.2.weight" || key === "encoder.2.running_var") data.fill(1);
    else if (key.endsWith(".weight")) {
      const std = Math.SQRT2 / Math.sqrt(shape[1]);
      for (let i = 0; i < n; i++) data[i] = std * rng.normal();
    } else if (key.endsWith(".bias") && key !== "encoder.2.bias") {
      const fanIn = shapes[key.replace(".bias", ".weight")][1];
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < n; i++) data[i] = rng.uniform(-bound, bound);
    }
    tensors.set(key, { dtype: "float32", shape: [...shape], data });
  }
  return { dims, tensors };
}

/** The float32 data of a key (throws naming it when absent). */
export function weightData(w: BaeWeights, key: string): Float32Array {
  const t = w.tensors.get(key);
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`BAE weights lack ${key}`);
  return t.data;
}

function toFloat32Checked(t: HostTensor, key: string, source: string): Float32Array {
  let out: Float32Array;
  if (t.data instanceof Float32Array) out = t.data;
  else if (t.data instanceof Float64Array || t.dtype === "float16") {
    out = Float32Array.from(t.data as Float64Array);
  } else throw new Error(`${source}: key ${key} has dtype ${t.dtype}, expected a float tensor`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new Error(`${source}: key ${key} holds a non-finite value at ${i}`);
    }
  }
  return out;
}

function toInt64(t: HostTensor): BigInt64Array {
  if (t.data instanceof BigInt64Array) return BigInt64Array.from(t.data);
  return BigInt64Array.of(BigInt(Math.round(Number((t.data as ArrayLike<number>)[0] ?? 0))));
}
