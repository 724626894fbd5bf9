/**
 * One BAE training (or validation) step recorded into a single run:
 * forward pass, the selected losses, backward pass and Adam, with the loss
 * values accumulated on the GPU so no step needs its own round trip.
 *
 * Gradient flow (as PyTorch autograd computes it for balr's model):
 * recon → decoder (only when MSE is selected; otherwise the decoder is not
 * in the graph and Adam leaves it alone, as torch does for params without
 * .grad) → ∂/∂b, plus the triplet and ArcFace terms on b → straight-through
 * hardtanh → ∂/∂Z, plus the sparsity term → tanh → Linear → BatchNorm →
 * ReLU → Linear.
 * @module
 */
import type { BindingResource, Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import { alignedStride, type GpuMatrix, gpuMatrix, stageMatrix } from "../kernels/_bae_matrix.ts";
import { baeMatmul } from "../kernels/bae_matmul.ts";
import { baeColumnSum } from "../kernels/bae_column_sum.ts";
import { baeActivationBackward } from "../kernels/bae_activation_backward.ts";
import { baeBatchnormBackward } from "../kernels/bae_batchnorm_backward.ts";
import { baeMse } from "../kernels/bae_mse.ts";
import { baeL2Normalize } from "../kernels/bae_l2_normalize.ts";
import { baeL2NormalizeBackward } from "../kernels/bae_l2_normalize_backward.ts";
import { baePairDistance } from "../kernels/bae_pair_distance.ts";
import { baeTripletMine, type BatchLabels } from "../kernels/bae_triplet_mine.ts";
import { baeTripletPairs, type TripletType } from "../kernels/bae_triplet_pairs.ts";
import { baeTripletWeights } from "../kernels/bae_triplet_weights.ts";
import { baeMinerWeights } from "../kernels/bae_miner_weights.ts";
import { baeArcfaceRows } from "../kernels/bae_arcface_rows.ts";
import { baeSparsity } from "../kernels/bae_sparsity.ts";
import { baeSumReduce } from "../kernels/bae_sum_reduce.ts";
import { baeLossAccumulate } from "../kernels/bae_loss_accumulate.ts";
import { baeAdamStep } from "../kernels/bae_adam_step.ts";
import {
  type BaeForwardState,
  baeForwardState,
  type BaeGpuModel,
  type PackLayout,
  packLayout,
  packMatrix,
  packVector,
} from "./bae_model.ts";
import type { LossSpec } from "./losses.ts";
import { batchLabelInfo, speakerGroups } from "./batch_labels.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** The ArcFace loss's trainable class matrix [internalDim, classes] and its Adam state. */
export interface ArcfaceParams {
  classes: number;
  layout: PackLayout;
  weights: GpuTensor;
  grads: GpuTensor;
  m: GpuTensor;
  v: GpuTensor;
}

/** Everything training keeps on the GPU besides the model. */
export interface TrainState {
  gpu: Gpu;
  model: BaeGpuModel;
  losses: LossSpec[];
  /** Learning rate of Adam. */
  lr: number;
  /** Adam steps taken. */
  step: number;
  /** Gradients and Adam moments in the model's pack layout. */
  grads: GpuTensor;
  m: GpuTensor;
  v: GpuTensor;
  arcface?: ArcfaceParams;
  /** The sparsity loss's target V (integers in [0, M)) and M. */
  sparsityTarget?: GpuTensor;
  samplesPerClass: number;
  /** Running sums [total, loss_1, ...] of the current epoch, train and validation. */
  trainSums: GpuTensor;
  valSums: GpuTensor;
}

/** Options of {@link createTrainState}. */
export interface TrainStateOptions {
  /** Adam learning rate. */
  lr: number;
  /** Number of training classes (the ArcFace matrix's columns). */
  classes: number;
  /** M, the samples per class of a batch (sparsity groups and target range). */
  samplesPerClass: number;
  /** Generator for the sparsity target and the ArcFace matrix (drawn in loss order). */
  rng: SeededRandom;
  /** Start values instead of random draws (parity tests load PyTorch's). */
  initial?: { arcfaceW?: Float32Array; sparsityTarget?: Float32Array };
}

/**
 * Sets up losses as upstream's `setup` calls do: the sparsity target V with
 * values in [0, M) and the ArcFace class matrix ~ N(0, 1), in loss order.
 */
export function createTrainState(
  model: BaeGpuModel,
  losses: LossSpec[],
  options: TrainStateOptions,
): TrainState {
  const gpu = model.gpu;
  const h = model.dims.internalDim;
  const zeros = (n: number, label: string) => gpu.upload(new Float32Array(n), [n], "f32", label);
  const state: TrainState = {
    gpu,
    model,
    losses,
    lr: options.lr,
    step: 0,
    grads: zeros(model.layout.size, "bae_grads"),
    m: zeros(model.layout.size, "bae_adam_m"),
    v: zeros(model.layout.size, "bae_adam_v"),
    samplesPerClass: options.samplesPerClass,
    trainSums: zeros(8, "bae_train_sums"),
    valSums: zeros(8, "bae_val_sums"),
  };
  for (const loss of losses) {
    if (loss.name === "sparsity") {
      const v = options.initial?.sparsityTarget ??
        Float32Array.from({ length: h }, () => options.rng.int(options.samplesPerClass));
      if (v.length !== h) throw new RangeError(`sparsity target has ${v.length} values, not ${h}`);
      state.sparsityTarget = gpu.upload(v, [h], "f32", "bae_sparsity_target");
    } else if (loss.name === "arcface") {
      const c = options.classes;
      if (!(c >= 1)) throw new RangeError(`ArcFace needs at least one training class, got ${c}`);
      const layout = packLayout([["W", [h, c]]]);
      const w = options.initial?.arcfaceW ??
        Float32Array.from({ length: h * c }, () => options.rng.normal());
      if (w.length !== h * c) {
        throw new RangeError(`ArcFace matrix has ${w.length} values, not ${h * c}`);
      }
      const packed = new Float32Array(layout.size);
      const ld = layout.slots.get("W")!.ld;
      for (let r = 0; r < h; r++) packed.set(w.subarray(r * c, (r + 1) * c), r * ld);
      state.arcface = {
        classes: c,
        layout,
        weights: gpu.upload(packed, [layout.size], "f32", "bae_arcface_w"),
        grads: zeros(layout.size, "bae_arcface_grad"),
        m: zeros(layout.size, "bae_arcface_m"),
        v: zeros(layout.size, "bae_arcface_v"),
      };
    }
  }
  return state;
}

/** Frees the training state's buffers (not the model). */
export function releaseTrainState(s: TrainState): void {
  const ts = [s.grads, s.m, s.v, s.trainSums, s.valSums, s.sparsityTarget];
  if (s.arcface) ts.push(s.arcface.weights, s.arcface.grads, s.arcface.m, s.arcface.v);
  for (const t of ts) t?.release();
}

/** The ArcFace matrix [internalDim, classes] as a host array. */
export async function readArcfaceWeights(s: TrainState): Promise<Float32Array | undefined> {
  if (!s.arcface) return undefined;
  const a = s.arcface;
  const packed = await s.gpu.read(a.weights) as Float32Array;
  const slot = a.layout.slots.get("W")!;
  const h = s.model.dims.internalDim;
  const out = new Float32Array(h * a.classes);
  for (let r = 0; r < h; r++) {
    out.set(packed.subarray(r * slot.ld, r * slot.ld + a.classes), r * a.classes);
  }
  return out;
}

/** One batch on the GPU: its embeddings and its label bookkeeping. */
export interface GpuBatch {
  x: GpuMatrix;
  labels: BatchLabels;
  /** Speaker groups of M rows (sparsity), when that loss is selected. */
  members?: BindingResource;
  groups: number;
}

/**
 * Uploads a batch's labels (scratch tensors of the run) and checks what the
 * kernels assume. `x` is the batch's embedding matrix, already on the GPU.
 */
export function uploadBatchLabels(
  run: GpuRun,
  state: TrainState,
  x: GpuMatrix,
  labels: ArrayLike<number>,
): GpuBatch {
  const info = batchLabelInfo(labels);
  const up = (data: Uint32Array, label: string) => {
    const t = run.scratch([data.length], "u32", label);
    run.gpu.write(t, data);
    return t;
  };
  const batch: GpuBatch = {
    x,
    labels: {
      labels: up(info.labels, "bae_labels"),
      posStart: up(info.posStart, "bae_pos_start"),
      posCount: up(info.posCount, "bae_pos_count"),
      posIdx: up(info.posIdx, "bae_pos_idx"),
      posAnchor: up(info.posAnchor, "bae_pos_anchor"),
      pairs: info.pairs,
    },
    groups: 0,
  };
  if (state.losses.some((l) => l.name === "sparsity")) {
    const members = speakerGroups(labels, state.samplesPerClass);
    batch.members = up(members, "bae_members");
    batch.groups = members.length / state.samplesPerClass;
  }
  if (state.arcface) {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] >= state.arcface.classes) {
        throw new RangeError(
          `ArcFace: label ${labels[i]} is past the ${state.arcface.classes} classes of its matrix`,
        );
      }
    }
  }
  return batch;
}

/** What a recorded step leaves in the run. */
export interface StepRecord {
  /** [loss_1, ..., loss_k, total] of this batch (scratch; read it before submitting). */
  batchLosses: GpuTensor;
  forward: BaeForwardState;
}

/** Records one step: training (backward + Adam) or validation (eval mode, losses only). */
export function recordStep(
  run: GpuRun,
  state: TrainState,
  batch: GpuBatch,
  options: { train: boolean },
): StepRecord {
  const { model, losses } = state;
  const train = options.train;
  const n = batch.x.rows;
  const h = model.dims.internalDim;
  const d = model.dims.inputDim;
  const hasMse = losses.some((l) => l.name === "mse");
  const mat = (rows: number, cols: number, label: string) =>
    gpuMatrix(run.scratch([rows * alignedStride(cols)], "f32", label), rows, cols);
  const vec = (len: number, label: string) => run.scratch([Math.max(len, 4)], "f32", label);
  const f = baeForwardState(run, model, batch.x, {
    mode: train ? "train" : "eval",
    decode: hasMse,
  });
  const batchLosses = vec(8, "bae_batch_losses");
  const slotOf = (name: string) => losses.findIndex((l) => l.name === name);

  // ---- losses: values, and the gradients that do not depend on ∂/∂b
  let gRecon: GpuMatrix | undefined;
  const mse = losses.find((l) => l.name === "mse");
  if (mse) {
    const rowLoss = vec(n, "bae_mse_rows");
    if (train) gRecon = mat(n, d, "bae_g_recon");
    baeMse(run, { recon: f.recon!, x: batch.x, rowLoss, g: gRecon }, { scale: mse.weight });
    baeSumReduce(run, { x: rowLoss, out: batchLosses }, {
      n,
      slot: slotOf("mse"),
      scale: 1 / (n * d),
    });
  }

  const triplet = losses.find((l) => l.name === "triplet");
  const arcface = losses.find((l) => l.name === "arcface");
  // Terms of ∂/∂b applied after the decoder's: [p, coef, s].
  const bTerms: Array<{ p: GpuMatrix; coef?: GpuTensor; s: number }> = [];
  let xhat: GpuMatrix | undefined;
  let norms: GpuTensor | undefined;
  let xhatTex: GPUTexture | undefined;
  if (triplet || arcface) {
    xhat = mat(n, h, "bae_bhat");
    norms = vec(n, "bae_b_norms");
    baeL2Normalize(run, { x: f.b, xhat, norms });
    xhatTex = stageMatrix(run, xhat);
  }
  const xhatOp = () => ({ texture: xhatTex!, rows: n, cols: h });
  let dist: GpuMatrix | undefined;
  let distTex: GPUTexture | undefined;
  const mined = new Map<string, { kept: GpuMatrix; nonzero: GpuMatrix; pairs: GpuTensor }>();
  const mine = (margin: number, type: TripletType) => {
    const key = `${margin}/${type}`;
    const hit = mined.get(key);
    if (hit) return hit;
    if (!dist) {
      const gram = mat(n, n, "bae_gram");
      baeMatmul(run, { a: xhatOp(), b: xhatOp(), c: gram }, { layout: "nt" });
      dist = mat(n, n, "bae_dist");
      baePairDistance(run, gram, dist);
      distTex = stageMatrix(run, dist);
    }
    const pairCount = batch.labels.pairs;
    const out = {
      kept: mat(n, n, "bae_kept"),
      nonzero: mat(n, n, "bae_nonzero"),
      pairs: vec(4 * Math.max(pairCount, 1), "bae_trip_pairs"),
    };
    const o = { margin, type };
    baeTripletPairs(run, {
      dist: distTex!,
      labels: batch.labels.labels,
      anchor: batch.labels.posAnchor,
      positive: batch.labels.posIdx,
      out: out.pairs,
    }, { ...o, n, pairs: pairCount });
    baeTripletMine(run, {
      dist: distTex!,
      labels: batch.labels,
      pairs: out.pairs,
      kept: out.kept,
      nonzero: out.nonzero,
    }, o);
    mined.set(key, out);
    return out;
  };
  if (triplet) {
    const out = mine(triplet.margin!, triplet.type!);
    const stats = vec(4, "bae_trip_stats");
    // pairs[c] = (d, kept, nonzero, loss sum): S = Σ loss sums, T = Σ nonzero counts.
    const pairCount = batch.labels.pairs;
    baeSumReduce(run, { x: out.pairs, out: stats }, {
      n: pairCount,
      offset: 3,
      stride: 4,
      slot: 0,
    });
    baeSumReduce(run, { x: out.pairs, out: stats }, {
      n: pairCount,
      offset: 2,
      stride: 4,
      slot: 1,
    });
    const w = mat(n, n, "bae_trip_w");
    const rs = vec(n, "bae_trip_rs");
    baeTripletWeights(run, {
      d: dist!,
      nonzero: out.nonzero,
      labels: batch.labels.labels,
      stats,
      w,
      rs,
      loss: batchLosses,
    }, { slot: slotOf("triplet"), scale: triplet.weight });
    if (train) {
      const p = mat(n, h, "bae_trip_p");
      baeMatmul(run, { a: w, b: xhatOp(), c: p }, { layout: "nn" });
      bTerms.push({ p, coef: rs, s: -1 });
    }
  }
  let arcGrad: { gWhat: GpuMatrix; what: GpuMatrix; colNorms: GpuTensor } | undefined;
  if (arcface) {
    const a = state.arcface!;
    const c = a.classes;
    const kept = mine(arcface.margin!, arcface.type!).kept;
    const mw = vec(n, "bae_arc_weights");
    baeMinerWeights(run, { kept, labels: batch.labels.labels, weights: mw });
    const W = packMatrix(a.weights, a.layout, "W");
    const what = mat(h, c, "bae_arc_what");
    const colNorms = vec(c, "bae_arc_norms");
    baeL2Normalize(run, { x: W, xhat: what, norms: colNorms }, { axis: "cols" });
    const whatTex = stageMatrix(run, what);
    const cos = mat(n, c, "bae_arc_cos");
    baeMatmul(run, { a: xhatOp(), b: { texture: whatTex, rows: h, cols: c }, c: cos }, {
      layout: "nn",
    });
    const rowLoss = vec(n, "bae_arc_rows");
    const gcos = train ? mat(n, c, "bae_arc_gcos") : undefined;
    baeArcfaceRows(
      run,
      { cosine: cos, labels: batch.labels.labels, weights: mw, rowLoss, g: gcos },
      {
        gscale: arcface.weight / n,
      },
    );
    baeSumReduce(run, { x: rowLoss, out: batchLosses }, {
      n,
      slot: slotOf("arcface"),
      scale: 1 / n,
    });
    if (train) {
      const gcosTex = stageMatrix(run, gcos!);
      const gXhat = mat(n, h, "bae_arc_gxhat");
      baeMatmul(run, {
        a: { texture: gcosTex, rows: n, cols: c },
        b: { texture: whatTex, rows: h, cols: c },
        c: gXhat,
      }, { layout: "nt" });
      bTerms.push({ p: gXhat, s: 1 });
      const gWhat = mat(h, c, "bae_arc_gwhat");
      baeMatmul(run, { a: xhatOp(), b: { texture: gcosTex, rows: n, cols: c }, c: gWhat }, {
        layout: "tn",
      });
      arcGrad = { gWhat, what, colNorms };
    }
  }
  const sparsity = losses.find((l) => l.name === "sparsity");
  const sparsityTerms = sparsity ? vec(batch.groups * h / 4, "bae_sparsity_terms") : undefined;
  if (sparsity && !train) {
    baeSparsity(run, {
      z: f.z,
      members: batch.members!,
      quota: state.sparsityTarget!,
      terms: sparsityTerms!,
    }, { groups: batch.groups, m: state.samplesPerClass });
  }

  if (train) {
    recordBackward(run, state, f, { gRecon, bTerms, xhat, norms, sparsityTerms, batch, arcGrad });
  }
  if (sparsity) {
    baeSumReduce(run, { x: sparsityTerms!, out: batchLosses }, {
      n: batch.groups * h / 4,
      slot: slotOf("sparsity"),
      scale: 1 / batch.groups,
    });
  }
  baeLossAccumulate(
    run,
    { batch: batchLosses, sums: train ? state.trainSums : state.valSums },
    losses.map((l) => l.weight),
  );
  return { batchLosses, forward: f };
}

interface BackwardInputs {
  gRecon?: GpuMatrix;
  bTerms: Array<{ p: GpuMatrix; coef?: GpuTensor; s: number }>;
  xhat?: GpuMatrix;
  norms?: GpuTensor;
  sparsityTerms?: GpuTensor;
  batch: GpuBatch;
  arcGrad?: { gWhat: GpuMatrix; what: GpuMatrix; colNorms: GpuTensor };
}

function recordBackward(
  run: GpuRun,
  state: TrainState,
  f: BaeForwardState,
  io: BackwardInputs,
): void {
  const { model } = state;
  const n = f.batch;
  const h = model.dims.internalDim;
  const d = model.dims.inputDim;
  const mat = (rows: number, cols: number, label: string) =>
    gpuMatrix(run.scratch([rows * alignedStride(cols)], "f32", label), rows, cols);
  const gradMatrix = (key: string) => packMatrix(state.grads, model.layout, key);
  const gradVector = (key: string) => packVector(state.grads, model.layout, key);
  const tex = (m: GpuMatrix) => ({ texture: stageMatrix(run, m), rows: m.rows, cols: m.cols });

  // Linear layer: dW = gᵀ·input, db = Σ g, and (when wanted) the input gradient g·W.
  const linear = (
    g: GpuMatrix,
    input: { texture: GPUTexture; rows: number; cols: number },
    weight: { texture: GPUTexture; rows: number; cols: number },
    key: string,
    gIn?: GpuMatrix,
  ) => {
    const gt = tex(g);
    baeMatmul(run, { a: gt, b: input, c: gradMatrix(`${key}.weight`) }, { layout: "tn" });
    baeColumnSum(run, g, gradVector(`${key}.bias`));
    if (gIn) baeMatmul(run, { a: gt, b: weight, c: gIn }, { layout: "nn" });
  };
  const w = f.weights;

  const gB = mat(n, h, "bae_g_b");
  if (io.gRecon) {
    const gD1 = mat(n, h, "bae_g_d1");
    linear(
      io.gRecon,
      { texture: f.d1Tex!, rows: n, cols: h },
      { texture: w.w4, rows: d, cols: h },
      "decoder.2",
      gD1,
    );
    const gPre3 = mat(n, h, "bae_g_pre3");
    baeActivationBackward(run, { y: f.d1!, g: gD1, gx: gPre3 }, { kind: "tanh" });
    linear(
      gPre3,
      { texture: f.bTex, rows: n, cols: h },
      { texture: w.w3, rows: h, cols: h },
      "decoder.0",
      gB,
    );
  } else {
    run.clear(gB.tensor);
  }
  for (const term of io.bTerms) {
    baeL2NormalizeBackward(run, {
      xhat: io.xhat!,
      norms: io.norms!,
      p: term.p,
      coef: term.coef,
      out: gB,
    }, { s: term.s, accumulate: true });
  }
  if (io.arcGrad && state.arcface) {
    const a = state.arcface;
    baeL2NormalizeBackward(run, {
      xhat: io.arcGrad.what,
      norms: io.arcGrad.colNorms,
      p: io.arcGrad.gWhat,
      out: packMatrix(a.grads, a.layout, "W"),
    }, { axis: "cols" });
  }
  const gZ = mat(n, h, "bae_g_z");
  baeActivationBackward(run, { y: f.z, g: gB, gx: gZ }, { kind: "ste" });
  const sparsity = state.losses.find((l) => l.name === "sparsity");
  if (sparsity) {
    baeSparsity(run, {
      z: f.z,
      members: io.batch.members!,
      quota: state.sparsityTarget!,
      terms: io.sparsityTerms!,
      gz: gZ,
    }, { groups: io.batch.groups, m: state.samplesPerClass, scale: sparsity.weight });
  }
  const gPre2 = mat(n, h, "bae_g_pre2");
  baeActivationBackward(run, { y: f.z, g: gZ, gx: gPre2 }, { kind: "tanh" });
  const gY1 = mat(n, h, "bae_g_y1");
  linear(
    gPre2,
    { texture: f.y1Tex, rows: n, cols: h },
    { texture: w.w2, rows: h, cols: h },
    "encoder.3",
    gY1,
  );
  const gA1 = mat(n, h, "bae_g_a1");
  baeBatchnormBackward(run, {
    x: f.a1,
    g: gY1,
    gamma: packVector(model.params, model.layout, "encoder.2.weight"),
    saved: f.bnSaved!,
    gx: gA1,
    gGamma: gradVector("encoder.2.weight"),
    gBeta: gradVector("encoder.2.bias"),
  });
  const gH1 = mat(n, h, "bae_g_h1");
  baeActivationBackward(run, { y: f.a1, g: gA1, gx: gH1 }, { kind: "relu" });
  linear(
    gH1,
    { texture: f.xTex, rows: n, cols: d },
    { texture: w.w1, rows: h, cols: d },
    "encoder.0",
  );

  // Adam over the tensors that received a gradient.
  state.step += 1;
  const adam = (
    p: GpuTensor,
    g: GpuTensor,
    m: GpuTensor,
    v: GpuTensor,
    range: [number, number],
  ) => {
    const [start, end] = range;
    const slice = (t: GpuTensor) => ({
      buffer: t.buffer,
      offset: start * 4,
      size: (end - start) * 4,
    });
    baeAdamStep(run, { params: slice(p), grads: slice(g), m: slice(m), v: slice(v) }, {
      n: end - start,
      step: state.step,
      lr: state.lr,
    });
  };
  const range: [number, number] = io.gRecon ? [0, model.layout.size] : model.encoderRange;
  adam(model.params, state.grads, state.m, state.v, range);
  if (state.arcface) {
    const a = state.arcface;
    adam(a.weights, a.grads, a.m, a.v, [0, a.layout.size]);
  }
}
