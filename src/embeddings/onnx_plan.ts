/**
 * WeSpeaker's ONNX export of a ResNet to a ConvNetPlan.
 *
 * The graph is read symbolically in node order: the input `feats [B,T,F]`
 * becomes the image through Transpose + Unsqueeze; Conv (BatchNorm already
 * folded, with bias), Relu and Add form the convolution DAG, which is then
 * fused into ConvSteps (Add into the preceding Conv as its residual, Relu
 * into its producer); the statistics pooling subgraph (ReduceMean, Sub, Mul,
 * Shape/Gather/ReduceProd/Cast — the frame count, folded symbolically —
 * Div, Add eps, Sqrt, Flatten, Concat) must compute mean and unbiased
 * standard deviation over time; Gemm nodes become dense layers (a trailing
 * Sub of a constant, WeSpeaker's mean_vec, folds into the bias).
 * Anything else is an error naming the operator and node.
 * @module
 */
import { type HostTensor, toFloat64 } from "../io/host_tensor.ts";
import type { ConvNetPlan, ConvStep, DenseLayer } from "./conv_plan.ts";
import { foldBatchNorm } from "./conv_plan.ts";
import type { OnnxModel, OnnxNode } from "./onnx_proto.ts";

/** Operators the loader understands. */
export const SUPPORTED_ONNX_OPS = [
  "Add",
  "BatchNormalization",
  "Cast",
  "Concat",
  "Constant",
  "Conv",
  "Div",
  "Flatten",
  "Gather",
  "Gemm",
  "Identity",
  "Mul",
  "Pow",
  "ReduceMean",
  "ReduceProd",
  "Relu",
  "Shape",
  "Sqrt",
  "Sub",
  "Transpose",
  "Unsqueeze",
] as const;

type Sym =
  | { k: "feats" }
  | { k: "featsT" }
  | { k: "act"; id: number }
  | { k: "const"; t: HostTensor }
  | { k: "shape"; of: number }
  | { k: "frames"; of: number; float: boolean }
  | { k: "framesM1"; of: number }
  | { k: "mean"; of: number; keep: boolean }
  | { k: "centered"; of: number }
  | { k: "sq"; of: number }
  | { k: "meanSq"; of: number }
  | { k: "sumSq"; of: number }
  | { k: "var"; of: number }
  | { k: "varEps"; of: number; eps: number }
  | { k: "std"; of: number; eps: number }
  | { k: "flat"; of: number; part: "mean" | "std"; eps: number }
  | { k: "stats"; of: number; eps: number }
  | { k: "dense"; index: number; relu: boolean };

/** A node of the convolution DAG before fusion. */
type GraphOp =
  | { kind: "image" }
  | {
    kind: "conv";
    name: string;
    input: number;
    k: 1 | 3;
    stride: 1 | 2;
    cin: number;
    cout: number;
    weight: Float64Array;
    bias: Float64Array;
  }
  | { kind: "add"; name: string; a: number; b: number }
  | { kind: "relu"; name: string; input: number };

/** Builds the plan of a WeSpeaker ResNet ONNX model; `source` names the file in errors. */
export function planFromOnnx(model: OnnxModel, source: string): ConvNetPlan {
  const opset = model.opsets.get("") ?? model.opsets.get("ai.onnx") ?? 0;
  if (model.inputs.length < 1) throw new Error(`${source}: the graph has no input`);
  const input = model.inputs.find((i) => !model.initializers.has(i.name)) ?? model.inputs[0];
  const featDim = input.shape[2];
  if (input.shape.length !== 3 || typeof featDim !== "number") {
    throw new Error(
      `${source}: input "${input.name}" has shape [${input.shape.join(", ")}], expected [B, T, F]`,
    );
  }
  const env = new Map<string, Sym>();
  for (const [name, t] of model.initializers) env.set(name, { k: "const", t });
  env.set(input.name, { k: "feats" });
  const ops: GraphOp[] = [];
  const dense: DenseLayer[] = [];
  let pooled = -1;
  let poolEps = NaN;
  // BatchNorm between two embedding layers, folded into the next Gemm.
  const pendingBn = new Map<string, { scale: Float64Array; shift: Float64Array }>();

  const fail = (n: OnnxNode, why: string): never => {
    throw new Error(`${source}: node "${n.name || n.outputs[0]}" (${n.opType}) ${why}`);
  };
  const arg = (n: OnnxNode, i: number): Sym => {
    const name = n.inputs[i];
    const s = name ? env.get(name) : undefined;
    if (!s) return fail(n, `reads "${name}", which no earlier node produced`);
    return s;
  };
  const constOf = (n: OnnxNode, i: number): HostTensor => {
    const s = arg(n, i);
    if (s.k !== "const") return fail(n, `needs a constant as input ${i}`);
    return s.t;
  };
  const actOf = (s: Sym): number | null => (s.k === "act" ? s.id : null);
  const axesOf = (n: OnnxNode): number[] | null => {
    const a = n.attributes.get("axes");
    if (a?.type === "ints") return a.value;
    if (n.inputs[1]) return Array.from(toFloat64(constOf(n, 1)));
    return null;
  };
  const isTimeAxis = (axes: number[] | null) =>
    axes !== null && axes.length === 1 && (axes[0] === -1 || axes[0] === 3);
  const scalar = (t: HostTensor) => (t.data.length === 1 ? Number(toFloat64(t)[0]) : NaN);
  const newOp = (op: GraphOp): Sym => {
    ops.push(op);
    return { k: "act", id: ops.length - 1 };
  };
  ops.push({ kind: "image" });

  for (const n of model.nodes) {
    if (n.domain && n.domain !== "ai.onnx") {
      fail(n, `is in domain "${n.domain}", which is not supported`);
    }
    if (!(SUPPORTED_ONNX_OPS as readonly string[]).includes(n.opType)) {
      throw new Error(
        `${source}: operator ${n.opType} (node "${n.name || n.outputs[0]}") is not supported ` +
          `by the ResNet loader (supported: ${SUPPORTED_ONNX_OPS.join(", ")})`,
      );
    }
    let out: Sym;
    switch (n.opType) {
      case "Constant": {
        const v = n.attributes.get("value");
        if (v?.type !== "tensor") fail(n, "has no tensor value");
        out = { k: "const", t: (v as { value: HostTensor }).value };
        break;
      }
      case "Identity":
        out = arg(n, 0);
        break;
      case "Transpose": {
        const perm = n.attributes.get("perm");
        const p = perm?.type === "ints" ? perm.value.join(",") : "";
        if (arg(n, 0).k !== "feats" || p !== "0,2,1") {
          fail(n, "is not the feats [B,T,F] -> [B,F,T] transpose");
        }
        out = { k: "featsT" };
        break;
      }
      case "Unsqueeze": {
        const axes = n.attributes.get("axes")?.type === "ints"
          ? (n.attributes.get("axes") as { value: number[] }).value
          : Array.from(toFloat64(constOf(n, 1)));
        if (arg(n, 0).k !== "featsT" || axes.length !== 1 || axes[0] !== 1) {
          fail(n, "is not the [B,F,T] -> [B,1,F,T] unsqueeze");
        }
        out = { k: "act", id: 0 };
        break;
      }
      case "Conv":
        out = newOp(convOp(n, arg(n, 0), constOf(n, 1), n.inputs[2] ? constOf(n, 2) : null, fail));
        break;
      case "Relu": {
        const x = arg(n, 0);
        if (x.k === "dense") {
          out = { ...x, relu: true };
          break;
        }
        const id = actOf(x);
        if (id === null) fail(n, "is not applied to a convolution output");
        out = newOp({ kind: "relu", name: n.name, input: id! });
        break;
      }
      case "Add": {
        const a = arg(n, 0);
        const b = arg(n, 1);
        if (a.k === "act" && b.k === "act") {
          out = newOp({ kind: "add", name: n.name, a: a.id, b: b.id });
        } else if (a.k === "var" && b.k === "const") {
          out = { k: "varEps", of: a.of, eps: scalar(b.t) };
        } else {
          out = fail(n, "does not fit a WeSpeaker ResNet graph");
        }
        break;
      }
      case "Shape": {
        const id = actOf(arg(n, 0));
        if (id === null) fail(n, "takes the shape of something other than an activation");
        out = { k: "shape", of: id! };
        break;
      }
      case "Gather": {
        const s = arg(n, 0);
        const idx = toFloat64(constOf(n, 1));
        if (s.k !== "shape" || idx.length !== 1 || (idx[0] !== -1 && idx[0] !== 3)) {
          fail(n, "is not the frame-count lookup of the pooling");
        }
        out = { k: "frames", of: (s as { of: number }).of, float: false };
        break;
      }
      case "ReduceProd": {
        const s = arg(n, 0);
        if (s.k !== "frames") fail(n, "is not part of the frame count");
        out = s;
        break;
      }
      case "Cast": {
        const s = arg(n, 0);
        if (s.k !== "frames") fail(n, "is not part of the frame count");
        out = { ...(s as Extract<Sym, { k: "frames" }>), float: true };
        break;
      }
      case "ReduceMean": {
        const s = arg(n, 0);
        const keepAttr = n.attributes.get("keepdims");
        const keep = keepAttr?.type === "int" ? keepAttr.value !== 0 : true;
        if (!isTimeAxis(axesOf(n))) fail(n, "does not reduce over time (the last axis)");
        if (s.k === "act") out = { k: "mean", of: s.id, keep };
        else if (s.k === "sq" && !keep) out = { k: "meanSq", of: s.of };
        else out = fail(n, "does not fit the statistics pooling");
        break;
      }
      case "Sub": {
        const a = arg(n, 0);
        const b = arg(n, 1);
        if (a.k === "act" && b.k === "mean" && b.keep && b.of === a.id) {
          out = { k: "centered", of: a.id };
        } else if (a.k === "frames" && b.k === "const" && scalar(b.t) === 1) {
          out = { k: "framesM1", of: a.of };
        } else if (a.k === "dense" && !a.relu && b.k === "const") {
          // WeSpeaker's export subtracts mean_vec from the embedding.
          const d = dense[a.index];
          const mv = toFloat64(b.t);
          if (mv.length !== d.outDim && mv.length !== 1) {
            fail(n, "subtracts a vector of the wrong size");
          }
          for (let o = 0; o < d.outDim; o++) d.bias[o] -= mv.length === 1 ? mv[0] : mv[o];
          out = a;
        } else {
          out = fail(n, "does not fit a WeSpeaker ResNet graph");
        }
        break;
      }
      case "Mul": {
        const a = arg(n, 0);
        const b = arg(n, 1);
        if (a.k === "centered" && b.k === "centered" && a.of === b.of) out = { k: "sq", of: a.of };
        else if (a.k === "meanSq" && b.k === "frames" && b.of === a.of) {
          out = { k: "sumSq", of: a.of };
        } else if (b.k === "meanSq" && a.k === "frames" && a.of === b.of) {
          out = { k: "sumSq", of: b.of };
        } else out = fail(n, "does not fit the statistics pooling");
        break;
      }
      case "Pow": {
        const a = arg(n, 0);
        if (a.k !== "centered" || scalar(constOf(n, 1)) !== 2) {
          fail(n, "does not square the centred activations");
        }
        out = { k: "sq", of: (a as { of: number }).of };
        break;
      }
      case "Div": {
        const a = arg(n, 0);
        const b = arg(n, 1);
        if (a.k !== "sumSq" || b.k !== "framesM1" || b.of !== a.of) {
          fail(n, "is not the unbiased variance (sum of squares / (frames - 1))");
        }
        out = { k: "var", of: (a as { of: number }).of };
        break;
      }
      case "Sqrt": {
        const a = arg(n, 0);
        if (a.k !== "varEps") fail(n, "is not the standard deviation sqrt(var + eps)");
        const v = a as Extract<Sym, { k: "varEps" }>;
        out = { k: "std", of: v.of, eps: v.eps };
        break;
      }
      case "Flatten": {
        const a = arg(n, 0);
        const axis = n.attributes.get("axis");
        if (axis?.type === "int" && axis.value !== 1) fail(n, "does not flatten from axis 1");
        if (a.k === "mean" && !a.keep) out = { k: "flat", of: a.of, part: "mean", eps: NaN };
        else if (a.k === "std") out = { k: "flat", of: a.of, part: "std", eps: a.eps };
        else out = fail(n, "does not fit the statistics pooling");
        break;
      }
      case "Concat": {
        const a = arg(n, 0);
        const b = arg(n, 1);
        if (
          n.inputs.length !== 2 || a.k !== "flat" || b.k !== "flat" || a.part !== "mean" ||
          b.part !== "std" || a.of !== b.of
        ) {
          fail(n, "is not the concatenation of mean and standard deviation");
        }
        const s = b as Extract<Sym, { k: "flat" }>;
        out = { k: "stats", of: s.of, eps: s.eps };
        break;
      }
      case "BatchNormalization": {
        const x = arg(n, 0);
        if (x.k !== "dense" || !x.relu) {
          fail(n, "is not the BatchNorm between two embedding layers");
        }
        const epsAttr = n.attributes.get("epsilon");
        const eps = epsAttr?.type === "float" ? epsAttr.value : 1e-5;
        const bn = foldBatchNorm(
          toFloat64(constOf(n, 1)),
          toFloat64(constOf(n, 2)),
          toFloat64(constOf(n, 3)),
          toFloat64(constOf(n, 4)),
          eps,
        );
        out = { ...(x as Extract<Sym, { k: "dense" }>), relu: true };
        pendingBn.set(n.outputs[0], bn);
        break;
      }
      case "Gemm": {
        const a = arg(n, 0);
        const w = constOf(n, 1);
        const c = n.inputs[2] ? toFloat64(constOf(n, 2)) : null;
        const transA = n.attributes.get("transA");
        const transB = n.attributes.get("transB");
        const alpha = n.attributes.get("alpha");
        const beta = n.attributes.get("beta");
        if (transA?.type === "int" && transA.value !== 0) fail(n, "transposes its input");
        const tb = transB?.type === "int" && transB.value !== 0;
        const al = alpha?.type === "float" ? alpha.value : 1;
        const be = beta?.type === "float" ? beta.value : 1;
        if (w.shape.length !== 2) fail(n, "has a weight that is not a matrix");
        const [outDim, inDim] = tb ? w.shape : [w.shape[1], w.shape[0]];
        const wv = toFloat64(w);
        const weight = new Float64Array(outDim * inDim);
        for (let o = 0; o < outDim; o++) {
          for (let i = 0; i < inDim; i++) {
            weight[o * inDim + i] = al * (tb ? wv[o * inDim + i] : wv[i * outDim + o]);
          }
        }
        const bias = new Float64Array(outDim);
        if (c) { for (let o = 0; o < outDim; o++) bias[o] = be * (c.length === 1 ? c[0] : c[o]); }
        let reluIn = false;
        if (a.k === "stats") {
          if (dense.length > 0) fail(n, "pools twice");
          pooled = a.of;
          poolEps = a.eps;
        } else if (a.k === "dense" && a.relu && a.index === dense.length - 1) {
          reluIn = true;
          const bn = pendingBn.get(n.inputs[0]);
          if (bn) {
            // seg_2(bn(relu(e))) = (W·diag(scale))·relu(e) + (b + W·shift)
            for (let o = 0; o < outDim; o++) {
              for (let i = 0; i < inDim; i++) {
                bias[o] += weight[o * inDim + i] * bn.shift[i];
                weight[o * inDim + i] *= bn.scale[i];
              }
            }
          }
        } else {
          fail(n, "is not applied to the pooled statistics or to the previous embedding layer");
        }
        dense.push({ name: n.name || "Gemm", inDim, outDim, weight, bias, reluIn });
        out = { k: "dense", index: dense.length - 1, relu: false };
        break;
      }
      default:
        out = fail(n, "is not supported");
    }
    for (const o of n.outputs) if (o) env.set(o, out);
  }
  if (opset && (opset < 7 || opset > 21)) {
    throw new Error(`${source}: opset ${opset} is outside the supported range 7..21`);
  }
  const result = env.get(model.outputs[0]?.name ?? "");
  if (!result || result.k !== "dense" || result.index !== dense.length - 1 || result.relu) {
    throw new Error(`${source}: the graph output is not the last embedding layer`);
  }
  if (pooled < 0 || !Number.isFinite(poolEps)) {
    throw new Error(
      `${source}: no statistics pooling (mean and standard deviation over time) found`,
    );
  }
  const { steps, tensorOf } = fuse(ops, source);
  return {
    description: `ONNX ResNet (${steps.length} convolutions) from ${source}`,
    featDim,
    steps,
    pooled: tensorOf(pooled),
    poolEps,
    dense,
  };
}

function convOp(
  n: OnnxNode,
  x: Sym,
  w: HostTensor,
  b: HostTensor | null,
  fail: (n: OnnxNode, why: string) => never,
): GraphOp {
  if (x.k !== "act") fail(n, "is not applied to the image or an activation");
  const ints = (key: string, dflt: number[]): number[] => {
    const a = n.attributes.get(key);
    return a?.type === "ints" ? a.value : dflt;
  };
  if (w.shape.length !== 4 || w.shape[2] !== w.shape[3]) {
    fail(n, "has a weight that is not [cout, cin, k, k]");
  }
  const [cout, cin, k] = w.shape;
  const strides = ints("strides", [1, 1]);
  const pads = ints("pads", [0, 0, 0, 0]);
  const group = n.attributes.get("group");
  if ((k !== 1 && k !== 3) || strides[0] !== strides[1] || (strides[0] !== 1 && strides[0] !== 2)) {
    fail(
      n,
      `has kernel ${k} / stride ${strides.join("x")}; only 1x1 or 3x3 with stride 1 or 2 run here`,
    );
  }
  const p = (k - 1) / 2;
  if (pads.some((v) => v !== p) || ints("dilations", [1, 1]).some((v) => v !== 1)) {
    fail(n, "needs padding (k-1)/2 and no dilation");
  }
  if (group?.type === "int" && group.value !== 1) fail(n, "is a grouped convolution");
  if (n.attributes.get("auto_pad")?.type === "string") {
    const ap = (n.attributes.get("auto_pad") as { value: string }).value;
    if (ap !== "NOTSET") fail(n, `uses auto_pad ${ap}`);
  }
  return {
    kind: "conv",
    name: n.name,
    input: (x as { id: number }).id,
    k: k as 1 | 3,
    stride: strides[0] as 1 | 2,
    cin,
    cout,
    weight: toFloat64(w),
    bias: b ? toFloat64(b) : new Float64Array(cout),
  };
}

/** Fuses Add into the preceding Conv (residual) and Relu into its producer. */
function fuse(
  ops: GraphOp[],
  source: string,
): { steps: ConvStep[]; tensorOf: (op: number) => number } {
  const users = new Array<number>(ops.length).fill(0);
  for (const op of ops) {
    if (op.kind === "conv" || op.kind === "relu") users[op.input]++;
    else if (op.kind === "add") {
      users[op.a]++;
      users[op.b]++;
    }
  }
  const alias = new Array<number>(ops.length).fill(-1); // op -> step index producing it
  const steps: ConvStep[] = [];
  const tensorOf = (op: number): number => {
    if (ops[op].kind === "image") return 0;
    const s = alias[op];
    if (s < 0) throw new Error(`${source}: an activation is used before it is computed`);
    return steps[s].output;
  };
  ops.forEach((op, i) => {
    if (op.kind === "image") return;
    if (op.kind === "conv") {
      steps.push({
        name: op.name,
        input: tensorOf(op.input),
        output: steps.length + 1,
        k: op.k,
        stride: op.stride,
        cin: op.cin,
        cout: op.cout,
        weight: op.weight,
        bias: op.bias,
        relu: false,
      });
      alias[i] = steps.length - 1;
      return;
    }
    if (op.kind === "relu") {
      const s = alias[op.input];
      if (s < 0 || users[op.input] !== 1 || steps[s].relu) {
        throw new Error(`${source}: Relu "${op.name}" cannot be fused into a convolution`);
      }
      steps[s].relu = true;
      alias[i] = s;
      return;
    }
    // Add: one side must be a convolution output used only here, not yet activated, and
    // computed after the other side (which becomes its residual input).
    const pick = [op.a, op.b].find((t) => {
      const s = alias[t];
      const other = t === op.a ? op.b : op.a;
      return s >= 0 && users[t] === 1 && !steps[s].relu && steps[s].residual === undefined &&
        (ops[other].kind === "image" || (alias[other] >= 0 && tensorOf(other) < steps[s].output));
    });
    if (pick === undefined) {
      throw new Error(
        `${source}: Add "${op.name}" is not a residual connection after a convolution`,
      );
    }
    const other = pick === op.a ? op.b : op.a;
    const s = alias[pick];
    steps[s].residual = tensorOf(other);
    alias[i] = s;
  });
  return { steps, tensorOf };
}
