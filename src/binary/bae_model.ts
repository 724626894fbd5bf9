/**
 * A BAE on the GPU: every trainable tensor packed in one buffer (so Adam is
 * one dispatch per optimiser group), BatchNorm's running statistics beside
 * it, and the forward pass recorded into a caller's run.
 *
 * Pack layout: each tensor starts at a multiple of 64 values; matrices keep
 * PyTorch's [out, in] layout with rows `alignedStride(in)` apart (the pad
 * lanes stay 0). Encoder tensors come first, then decoder tensors, so an
 * optimiser group is a contiguous range.
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import type { BindingResource } from "../gpu/mod.ts";
import {
  alignedStride,
  type GpuMatrix,
  gpuMatrix,
  ROW_ALIGN,
  sliceBinding,
  stageMatrix,
} from "../kernels/_bae_matrix.ts";
import { baeMatmul } from "../kernels/bae_matmul.ts";
import { baeBatchnormEval } from "../kernels/bae_batchnorm_eval.ts";
import { baeBatchnormTrain, type BatchNormParams } from "../kernels/bae_batchnorm_train.ts";
import { baeBinarize } from "../kernels/bae_binarize.ts";
import {
  BAE_PARAMETER_KEYS,
  type BaeDims,
  baeShapes,
  type BaeWeights,
  checkDims,
  weightData,
} from "./bae_weights.ts";
import type { HostTensor } from "../io/host_tensor.ts";

/** Where one tensor lives in a pack. */
export interface PackSlot {
  /** The tensor's state_dict key (e.g. "encoder.0.weight"). */
  key: string;
  /** Index of its first value in the pack (a multiple of 64). */
  offset: number;
  /** Rows (1 for vectors). */
  rows: number;
  /** Columns (the length for vectors). */
  cols: number;
  /** Row stride. */
  ld: number;
  /** Values reserved (a multiple of 64). */
  span: number;
}

/** Offsets of a set of tensors packed in one buffer. */
export interface PackLayout {
  /** Each tensor's slot by state_dict key, in pack order. */
  slots: Map<string, PackSlot>;
  /** Total values. */
  size: number;
}

/** Lays out tensors of the given shapes ([n] or [rows, cols]) in order. */
export function packLayout(shapes: Array<[string, number[]]>): PackLayout {
  const slots = new Map<string, PackSlot>();
  let offset = 0;
  for (const [key, shape] of shapes) {
    const [rows, cols] = shape.length === 2 ? shape : [1, shape[0]];
    const ld = alignedStride(cols);
    const span = rows * ld;
    slots.set(key, { key, offset, rows, cols, ld, span });
    offset += span;
  }
  return { slots, size: Math.max(offset, ROW_ALIGN) };
}

/** Copies tensors into a packed host array (pad lanes 0). */
export function packHost(layout: PackLayout, values: Map<string, Float32Array>): Float32Array {
  const out = new Float32Array(layout.size);
  for (const s of layout.slots.values()) {
    const v = values.get(s.key);
    if (!v) throw new Error(`pack: no values for ${s.key}`);
    for (let r = 0; r < s.rows; r++) {
      out.set(v.subarray(r * s.cols, (r + 1) * s.cols), s.offset + r * s.ld);
    }
  }
  return out;
}

/** Reads one tensor back out of a packed host array. */
export function unpackHost(slot: PackSlot, packed: Float32Array): Float32Array {
  const out = new Float32Array(slot.rows * slot.cols);
  for (let r = 0; r < slot.rows; r++) {
    out.set(
      packed.subarray(slot.offset + r * slot.ld, slot.offset + r * slot.ld + slot.cols),
      r * slot.cols,
    );
  }
  return out;
}

/** A BAE whose weights live on the GPU. */
export interface BaeGpuModel {
  /** The device every tensor below lives on. */
  gpu: Gpu;
  /** Input (embedding) and latent (attribute) sizes. */
  dims: BaeDims;
  /** Trainable tensors, packed. */
  params: GpuTensor;
  /** Where each trainable tensor sits in `params`. */
  layout: PackLayout;
  /** Pack ranges [start, end) of the encoder's and the decoder's tensors. */
  encoderRange: [number, number];
  /** Pack range [start, end) of the decoder's tensors (ends at the pack's size). */
  decoderRange: [number, number];
  /** BatchNorm's running mean `[internal_dim]` (encoder.2.running_mean). */
  runningMean: GpuTensor;
  /** BatchNorm's running (unbiased) variance `[internal_dim]` (encoder.2.running_var). */
  runningVar: GpuTensor;
  /** BatchNorm's batch counter (kept on the CPU; only saved). */
  numBatchesTracked: bigint;
}

/** Uploads weights into a new GPU model. */
export function createBaeModel(gpu: Gpu, weights: BaeWeights): BaeGpuModel {
  checkDims(weights.dims);
  const shapes = baeShapes(weights.dims);
  const layout = packLayout(BAE_PARAMETER_KEYS.map((k) => [k, shapes[k]]));
  const values = new Map(BAE_PARAMETER_KEYS.map((k) => [k, weightData(weights, k)]));
  const params = gpu.upload(packHost(layout, values), [layout.size], "f32", "bae_params");
  const h = weights.dims.internalDim;
  const runningMean = gpu.upload(
    weightData(weights, "encoder.2.running_mean"),
    [h],
    "f32",
    "bae_bn_mean",
  );
  const runningVar = gpu.upload(
    weightData(weights, "encoder.2.running_var"),
    [h],
    "f32",
    "bae_bn_var",
  );
  const nbt = weights.tensors.get("encoder.2.num_batches_tracked")?.data;
  const decoderStart = layout.slots.get("decoder.0.weight")!.offset;
  return {
    gpu,
    dims: weights.dims,
    params,
    layout,
    encoderRange: [0, decoderStart],
    decoderRange: [decoderStart, layout.size],
    runningMean,
    runningVar,
    numBatchesTracked: nbt instanceof BigInt64Array ? nbt[0] : 0n,
  };
}

/** Frees a model's buffers. */
export function releaseBaeModel(model: BaeGpuModel): void {
  for (const t of [model.params, model.runningMean, model.runningVar]) t.release();
}

/** The weights of a GPU model, read back (one round trip). */
export async function readBaeWeights(model: BaeGpuModel): Promise<BaeWeights> {
  const run = model.gpu.run("bae_read_weights");
  run.read(model.params);
  run.read(model.runningMean);
  run.read(model.runningVar);
  const [packed, mean, variance] = await run.submit() as Float32Array[];
  const shapes = baeShapes(model.dims);
  const tensors = new Map<string, HostTensor>();
  const f32 = (key: string, data: Float32Array): HostTensor => ({
    dtype: "float32",
    shape: [...shapes[key]],
    data,
  });
  for (const key of ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias"]) {
    tensors.set(key, f32(key, unpackHost(model.layout.slots.get(key)!, packed)));
  }
  tensors.set("encoder.2.running_mean", f32("encoder.2.running_mean", mean));
  tensors.set("encoder.2.running_var", f32("encoder.2.running_var", variance));
  tensors.set("encoder.2.num_batches_tracked", {
    dtype: "int64",
    shape: [],
    data: BigInt64Array.of(model.numBatchesTracked),
  });
  for (const key of BAE_PARAMETER_KEYS.slice(4)) {
    tensors.set(key, f32(key, unpackHost(model.layout.slots.get(key)!, packed)));
  }
  return { dims: model.dims, tensors };
}

/** A packed weight matrix as a matmul operand. */
export function packMatrix(pack: GpuTensor, layout: PackLayout, key: string): GpuMatrix {
  const s = layout.slots.get(key)!;
  return gpuMatrix(pack, s.rows, s.cols, { ld: s.ld, offset: s.offset });
}

/** A packed vector as a storage binding. */
export function packVector(pack: GpuTensor, layout: PackLayout, key: string): BindingResource {
  const s = layout.slots.get(key)!;
  return sliceBinding(pack, s.offset, s.cols);
}

/** BatchNorm parameters and running statistics of a model. */
export function batchNormParams(model: BaeGpuModel): BatchNormParams {
  return {
    gamma: packVector(model.params, model.layout, "encoder.2.weight"),
    beta: packVector(model.params, model.layout, "encoder.2.bias"),
    runningMean: model.runningMean,
    runningVar: model.runningVar,
  };
}

/** The four weight matrices staged as textures (each serves forward and backward products). */
export interface StagedWeights {
  w1: GPUTexture;
  w2: GPUTexture;
  w3: GPUTexture;
  w4: GPUTexture;
}

/** Stages the weight matrices for one run. */
export function stageWeights(run: GpuRun, model: BaeGpuModel, decode = true): StagedWeights {
  const m = (k: string) => stageMatrix(run, packMatrix(model.params, model.layout, k));
  const w1 = m("encoder.0.weight");
  const w2 = m("encoder.3.weight");
  return decode
    ? { w1, w2, w3: m("decoder.0.weight"), w4: m("decoder.2.weight") }
    : { w1, w2, w3: w1, w4: w1 };
}

/** Every intermediate of one forward pass (scratch tensors of the run). */
export interface BaeForwardState {
  batch: number;
  /** Input and its texture. */
  x: GpuMatrix;
  xTex: GPUTexture;
  /** relu(L1 x) and BatchNorm's output (and its texture). */
  a1: GpuMatrix;
  y1: GpuMatrix;
  y1Tex: GPUTexture;
  /** [mean | invstd] of the batch (training mode only). */
  bnSaved?: GpuTensor;
  /** Tanh output of the encoder. */
  z: GpuMatrix;
  /** z > 0 as 0/1 floats, and its texture. */
  b: GpuMatrix;
  bTex: GPUTexture;
  /** Decoder hidden (tanh) layer, its texture, and the reconstruction. */
  d1?: GpuMatrix;
  d1Tex?: GPUTexture;
  recon?: GpuMatrix;
  weights: StagedWeights;
}

/** Options of the forward pass. */
export interface BaeForwardOptions {
  /** `train` uses batch statistics and updates BatchNorm's running stats (default eval). */
  mode?: "eval" | "train";
  /** Also run the decoder (default true). */
  decode?: boolean;
  /** Weights already staged in this run. */
  weights?: StagedWeights;
}

/** Records the whole forward pass and returns every intermediate. */
export function baeForwardState(
  run: GpuRun,
  model: BaeGpuModel,
  input: GpuMatrix,
  options: BaeForwardOptions = {},
): BaeForwardState {
  const { inputDim: d, internalDim: h } = model.dims;
  if (input.cols !== d) {
    throw new RangeError(`BAE input has ${input.cols} columns, the model expects ${d}`);
  }
  const decode = options.decode ?? true;
  const mode = options.mode ?? "eval";
  const n = input.rows;
  const weights = options.weights ?? stageWeights(run, model, decode);
  const mat = (cols: number, label: string) =>
    gpuMatrix(run.scratch([n * alignedStride(cols)], "f32", label), n, cols);
  const bias = (key: string) => {
    const s = model.layout.slots.get(key)!;
    return { tensor: model.params, offset: s.offset };
  };
  const xTex = stageMatrix(run, input);
  const a1 = mat(h, "bae_a1");
  baeMatmul(run, {
    a: { texture: xTex, rows: n, cols: d },
    b: { texture: weights.w1, rows: h, cols: d },
    c: a1,
  }, {
    epilogue: "bias_relu",
    bias: bias("encoder.0.bias"),
  });
  const y1 = mat(h, "bae_y1");
  let bnSaved: GpuTensor | undefined;
  if (mode === "train") {
    bnSaved = run.scratch([2 * h], "f32", "bae_bn_saved");
    baeBatchnormTrain(run, { x: a1, y: y1, saved: bnSaved, params: batchNormParams(model) });
    model.numBatchesTracked += 1n;
  } else {
    baeBatchnormEval(run, { x: a1, y: y1, params: batchNormParams(model) });
  }
  const y1Tex = stageMatrix(run, y1);
  const z = mat(h, "bae_z");
  baeMatmul(run, {
    a: { texture: y1Tex, rows: n, cols: h },
    b: { texture: weights.w2, rows: h, cols: h },
    c: z,
  }, {
    epilogue: "bias_tanh",
    bias: bias("encoder.3.bias"),
  });
  const b = mat(h, "bae_b");
  baeBinarize(run, z, b);
  const bTex = stageMatrix(run, b);
  const state: BaeForwardState = {
    batch: n,
    x: input,
    xTex,
    a1,
    y1,
    y1Tex,
    bnSaved,
    z,
    b,
    bTex,
    weights,
  };
  if (decode) {
    const d1 = mat(h, "bae_d1");
    baeMatmul(run, {
      a: { texture: bTex, rows: n, cols: h },
      b: { texture: weights.w3, rows: h, cols: h },
      c: d1,
    }, {
      epilogue: "bias_tanh",
      bias: bias("decoder.0.bias"),
    });
    const d1Tex = stageMatrix(run, d1);
    const recon = mat(d, "bae_recon");
    baeMatmul(run, {
      a: { texture: d1Tex, rows: n, cols: h },
      b: { texture: weights.w4, rows: d, cols: h },
      c: recon,
    }, {
      epilogue: "bias",
      bias: bias("decoder.2.bias"),
    });
    Object.assign(state, { d1, d1Tex, recon });
  }
  return state;
}

/**
 * Records the BAE forward pass of `input` (rows = embeddings) into `run`:
 * Z (the encoder's tanh output), b = Z > 0 and the reconstruction. The
 * results are scratch tensors of the run: read them before it is submitted.
 */
export function baeForward(
  run: GpuRun,
  model: BaeGpuModel,
  input: GpuMatrix,
  options: BaeForwardOptions = {},
): { z: GpuMatrix; b: GpuMatrix; recon?: GpuMatrix } {
  const s = baeForwardState(run, model, input, options);
  return { z: s.z, b: s.b, recon: s.recon };
}
