/**
 * A speaker-embedding network as the GPU runs it: a list of convolutions
 * (BatchNorm already folded into weight and bias, residual add and ReLU
 * fused) over numbered tensors, then TSTP pooling and dense layers.
 *
 * Both loaders produce this plan: the PyTorch one from a WeSpeaker ResNet
 * state_dict (folding BatchNorm in float64), the ONNX one from the graph
 * WeSpeaker exports (where BatchNorm is already folded). Tensor 0 is the
 * input image [batch, 1, featDim, frames].
 * @module
 */

/** One fused convolution: y = act(conv(x) + bias + residual). */
export interface ConvStep {
  /** Where it comes from, for messages (state_dict prefix or ONNX node name). */
  name: string;
  /** Tensor read. */
  input: number;
  /** Tensor added before the ReLU (same shape as the output). */
  residual?: number;
  /** Tensor written (a new id). */
  output: number;
  /** Kernel size (padding (k-1)/2). */
  k: 1 | 3;
  stride: 1 | 2;
  cin: number;
  cout: number;
  /** [cout][cin][k][k]. */
  weight: Float64Array;
  /** [cout]. */
  bias: Float64Array;
  relu: boolean;
}

/** y = bias + W·act(x), act = ReLU when `reluIn`. */
export interface DenseLayer {
  name: string;
  inDim: number;
  outDim: number;
  /** [outDim][inDim] (PyTorch Linear layout). */
  weight: Float64Array;
  bias: Float64Array;
  reluIn: boolean;
}

/** The whole network. */
export interface ConvNetPlan {
  /** Human-readable origin, e.g. "ResNet34 (m = 32) from …/avg_model.pt". */
  description: string;
  /** Feature dimension (image height), 80 for WeSpeaker models. */
  featDim: number;
  steps: ConvStep[];
  /** Tensor that TSTP pools. */
  pooled: number;
  /** Added to the unbiased variance before the square root. */
  poolEps: number;
  /** seg_1, then (two-layer heads) seg_2. */
  dense: DenseLayer[];
}

/** Channels and height of every tensor (widths follow from the frame count). */
export interface TensorGeometry {
  channels: number;
  height: number;
  /** Product of strides from the input (width = ceil(frames / stride) step by step). */
  strides: number[];
}

/**
 * Checks a plan's wiring and shapes and returns each tensor's geometry.
 * Throws naming the step when something does not fit.
 */
export function checkPlan(plan: ConvNetPlan): TensorGeometry[] {
  const geo: TensorGeometry[] = [{ channels: 1, height: plan.featDim, strides: [] }];
  for (const s of plan.steps) {
    const x = geo[s.input];
    if (!x) throw new Error(`${s.name}: reads tensor ${s.input}, which no earlier step produced`);
    if (x.channels !== s.cin) {
      throw new Error(`${s.name}: expects ${s.cin} input channels, its input has ${x.channels}`);
    }
    if (s.output !== geo.length) {
      throw new Error(`${s.name}: writes tensor ${s.output}, expected the next id ${geo.length}`);
    }
    if (s.weight.length !== s.cout * s.cin * s.k * s.k || s.bias.length !== s.cout) {
      throw new Error(
        `${s.name}: weight/bias sizes do not match [${s.cout}, ${s.cin}, ${s.k}, ${s.k}]`,
      );
    }
    const out: TensorGeometry = {
      channels: s.cout,
      height: Math.ceil(x.height / s.stride),
      strides: s.stride === 2 ? [...x.strides, 2] : x.strides,
    };
    if (s.residual !== undefined) {
      const r = geo[s.residual];
      if (
        !r || r.channels !== out.channels || r.height !== out.height ||
        r.strides.length !== out.strides.length
      ) {
        throw new Error(`${s.name}: residual tensor ${s.residual} does not match the output shape`);
      }
    }
    geo.push(out);
  }
  const p = geo[plan.pooled];
  if (!p) throw new Error(`pooling reads tensor ${plan.pooled}, which does not exist`);
  let dim = 2 * p.channels * p.height;
  for (const d of plan.dense) {
    if (d.inDim !== dim) {
      throw new Error(`${d.name}: expects ${d.inDim} inputs, the previous layer gives ${dim}`);
    }
    if (d.weight.length !== d.inDim * d.outDim || d.bias.length !== d.outDim) {
      throw new Error(`${d.name}: weight/bias sizes do not match [${d.outDim}, ${d.inDim}]`);
    }
    dim = d.outDim;
  }
  if (plan.dense.length === 0) throw new Error("the plan has no embedding layer");
  return geo;
}

/** Width of a tensor for an input of `frames` frames. */
export function widthAt(g: TensorGeometry, frames: number): number {
  let w = frames;
  for (const s of g.strides) w = Math.ceil(w / s);
  return w;
}

/** Fewest frames for which the pooled tensor has two time steps (the unbiased variance needs two). */
export function minFrames(g: TensorGeometry): number {
  const total = g.strides.reduce((a, b) => a * b, 1);
  return total + 1;
}

/** Embedding size of the plan. */
export function embedDimOf(plan: ConvNetPlan): number {
  return plan.dense[plan.dense.length - 1].outDim;
}

/** BatchNorm (eval) as per-channel scale and shift: y = scale·x + shift. */
export function foldBatchNorm(
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
): { scale: Float64Array; shift: Float64Array } {
  const n = mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const s = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
    scale[c] = s;
    shift[c] = (beta ? beta[c] : 0) - mean[c] * s;
  }
  return { scale, shift };
}
