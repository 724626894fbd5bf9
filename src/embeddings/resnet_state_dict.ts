/**
 * WeSpeaker ResNet state_dicts (`avg_model.pt`) to a ConvNetPlan.
 *
 * Architectures as in WeSpeaker's wespeaker/models/resnet.py: ResNet18/34
 * use BasicBlocks, ResNet50/101/152/221/293 Bottlenecks (expansion 4). The
 * width m is conv1.weight's first dimension. BatchNorm (eps 1e-5) is folded
 * into each convolution in float64 here, once, at load time — weight
 * preprocessing like ONNX's own folding. Keys outside the network
 * (projection.*, training heads) are ignored; a missing or mis-shaped tensor
 * is an error naming the key and both shapes.
 * @module
 */
import { formatShape, type HostTensor, toFloat64 } from "../io/host_tensor.ts";
import {
  type ConvNetPlan,
  type ConvStep,
  type DenseLayer,
  embedDimOf,
  foldBatchNorm,
} from "./conv_plan.ts";

/** Block kind and per-stage block counts of each supported model name. */
export const RESNET_ARCHITECTURES: Readonly<
  Record<string, { block: "basic" | "bottleneck"; counts: readonly number[] }>
> = {
  ResNet18: { block: "basic", counts: [2, 2, 2, 2] },
  ResNet34: { block: "basic", counts: [3, 4, 6, 3] },
  ResNet50: { block: "bottleneck", counts: [3, 4, 6, 3] },
  ResNet101: { block: "bottleneck", counts: [3, 4, 23, 3] },
  ResNet152: { block: "bottleneck", counts: [3, 8, 36, 3] },
  ResNet221: { block: "bottleneck", counts: [6, 16, 48, 3] },
  ResNet293: { block: "bottleneck", counts: [10, 20, 64, 3] },
};

/** The parts of config.yaml the loader uses. */
export interface ResNetConfig {
  /** `model`, e.g. "ResNet34". */
  model: string;
  /** `model_args.feat_dim` (default 80). */
  featDim?: number;
  /** `model_args.embed_dim` (checked against seg_1 when given). */
  embedDim?: number;
  /** `model_args.pooling_func` (only TSTP is supported). */
  poolingFunc?: string;
  /** `model_args.two_emb_layer`. */
  twoEmbLayer?: boolean;
}

const BN_EPS = 1e-5;

/** Builds the plan of a WeSpeaker ResNet from its state_dict. `source` names the file in errors. */
export function planFromStateDict(
  stateDict: Map<string, HostTensor>,
  config: ResNetConfig,
  source: string,
): ConvNetPlan {
  const arch = RESNET_ARCHITECTURES[config.model];
  if (!arch) {
    throw new Error(
      `${source}: config model "${config.model}" is not a supported WeSpeaker ResNet ` +
        `(supported: ${Object.keys(RESNET_ARCHITECTURES).join(", ")})`,
    );
  }
  const pooling = config.poolingFunc ?? "TSTP";
  if (pooling !== "TSTP") {
    throw new Error(`${source}: pooling_func "${pooling}" is not supported (only TSTP)`);
  }
  const sd = new Reader(stateDict, source);
  const featDim = config.featDim ?? 80;
  const stem = sd.get("conv1.weight");
  if (stem.shape.length !== 4) {
    throw new Error(
      `${source}: conv1.weight has shape ${formatShape(stem.shape)}, expected [m, 1, 3, 3]`,
    );
  }
  const m = stem.shape[0];
  const expansion = arch.block === "basic" ? 1 : 4;
  const steps: ConvStep[] = [];
  let tensor = 0;
  const conv = (
    prefix: string,
    bn: string,
    input: number,
    k: 1 | 3,
    stride: 1 | 2,
    cin: number,
    cout: number,
    relu: boolean,
    residual?: number,
  ): number => {
    const w = toFloat64(sd.get(`${prefix}.weight`, [cout, cin, k, k]));
    const { scale, shift } = foldBatchNorm(
      toFloat64(sd.get(`${bn}.weight`, [cout])),
      toFloat64(sd.get(`${bn}.bias`, [cout])),
      toFloat64(sd.get(`${bn}.running_mean`, [cout])),
      toFloat64(sd.get(`${bn}.running_var`, [cout])),
      BN_EPS,
    );
    sd.ignore(`${bn}.num_batches_tracked`);
    const per = cin * k * k;
    const weight = new Float64Array(w.length);
    for (let co = 0; co < cout; co++) {
      for (let i = 0; i < per; i++) weight[co * per + i] = w[co * per + i] * scale[co];
    }
    tensor++;
    steps.push({
      name: prefix,
      input,
      residual,
      output: tensor,
      k,
      stride,
      cin,
      cout,
      weight,
      bias: shift,
      relu,
    });
    return tensor;
  };

  let x = conv("conv1", "bn1", 0, 3, 1, 1, m, true);
  let cin = m;
  arch.counts.forEach((count, stage) => {
    const planes = m * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const p = `layer${stage + 1}.${b}`;
      const stride: 1 | 2 = b === 0 && stage > 0 ? 2 : 1;
      const cout = planes * expansion;
      const needsShortcut = stride !== 1 || cin !== cout;
      const shortcut = needsShortcut
        ? conv(`${p}.shortcut.0`, `${p}.shortcut.1`, x, 1, stride, cin, cout, false)
        : x;
      if (arch.block === "basic") {
        const h = conv(`${p}.conv1`, `${p}.bn1`, x, 3, stride, cin, planes, true);
        x = conv(`${p}.conv2`, `${p}.bn2`, h, 3, 1, planes, planes, true, shortcut);
      } else {
        const h1 = conv(`${p}.conv1`, `${p}.bn1`, x, 1, 1, cin, planes, true);
        const h2 = conv(`${p}.conv2`, `${p}.bn2`, h1, 3, stride, planes, planes, true);
        x = conv(`${p}.conv3`, `${p}.bn3`, h2, 1, 1, planes, cout, true, shortcut);
      }
      cin = cout;
    }
  });

  const statsDim = 2 * cin * Math.ceil(featDim / 8);
  const seg1 = sd.get("seg_1.weight");
  const embed = seg1.shape[0];
  const dense: DenseLayer[] = [{
    name: "seg_1",
    inDim: statsDim,
    outDim: embed,
    weight: toFloat64(sd.get("seg_1.weight", [embed, statsDim])),
    bias: toFloat64(sd.get("seg_1.bias", [embed])),
    reluIn: false,
  }];
  if (config.twoEmbLayer) {
    // seg_2(seg_bn_1(relu(e))): BatchNorm1d without affine folds into seg_2.
    const w2 = toFloat64(sd.get("seg_2.weight", [embed, embed]));
    const b2 = toFloat64(sd.get("seg_2.bias", [embed]));
    const { scale, shift } = foldBatchNorm(
      null,
      null,
      toFloat64(sd.get("seg_bn_1.running_mean", [embed])),
      toFloat64(sd.get("seg_bn_1.running_var", [embed])),
      BN_EPS,
    );
    sd.ignore("seg_bn_1.num_batches_tracked");
    const weight = new Float64Array(embed * embed);
    const bias = Float64Array.from(b2);
    for (let o = 0; o < embed; o++) {
      for (let i = 0; i < embed; i++) {
        weight[o * embed + i] = w2[o * embed + i] * scale[i];
        bias[o] += w2[o * embed + i] * shift[i];
      }
    }
    dense.push({ name: "seg_2", inDim: embed, outDim: embed, weight, bias, reluIn: true });
  }
  sd.checkNoStrayLayers(config.model);
  const plan: ConvNetPlan = {
    description: `${config.model} (m = ${m}) from ${source}`,
    featDim,
    steps,
    pooled: x,
    poolEps: 1e-7,
    dense,
  };
  if (config.embedDim !== undefined && config.embedDim !== embedDimOf(plan)) {
    throw new Error(
      `${source}: config embed_dim ${config.embedDim} but seg_1.weight has ${embed} outputs`,
    );
  }
  return plan;
}

/** state_dict access that records which keys the network used. */
class Reader {
  readonly #sd: Map<string, HostTensor>;
  readonly #source: string;
  readonly #used = new Set<string>();

  constructor(sd: Map<string, HostTensor>, source: string) {
    this.#sd = sd;
    this.#source = source;
  }

  get(key: string, shape?: number[]): HostTensor {
    const t = this.#sd.get(key);
    if (!t) {
      throw new Error(
        `${this.#source}: state_dict has no "${key}"` +
          (shape ? ` (expected shape ${formatShape(shape)})` : ""),
      );
    }
    if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new Error(
        `${this.#source}: "${key}" has shape ${formatShape(t.shape)}, expected ${
          formatShape(shape)
        }`,
      );
    }
    if (t.dtype !== "float32" && t.dtype !== "float64" && t.dtype !== "float16") {
      throw new Error(`${this.#source}: "${key}" holds ${t.dtype}, expected floating point`);
    }
    this.#used.add(key);
    return t;
  }

  ignore(key: string): void {
    this.#used.add(key);
  }

  /** Network-looking keys that the architecture did not use mean the config is wrong. */
  checkNoStrayLayers(model: string): void {
    for (const key of this.#sd.keys()) {
      if (this.#used.has(key)) continue;
      if (/^(conv1|bn1|layer\d+|seg_\d|seg_bn_\d)\./.test(key)) {
        throw new Error(
          `${this.#source}: state_dict key "${key}" is not part of a ${model}; ` +
            `does config.yaml name the right model?`,
        );
      }
    }
  }
}
