/**
 * A ConvNetPlan on the GPU: weights uploaded once as textures, and a forward
 * pass that encodes the whole network into the caller's GpuRun (no awaits,
 * one submit per batch).
 *
 * 3x3 stride-1 convolutions with at least 4 input channels run as Winograd
 * F(4x4,3x3) (input transform, 36 batched products, output transform fused
 * with bias, residual and ReLU); the stem, stride-2 and 1x1 convolutions run
 * directly. Every utterance of a batch is computed by exactly the same
 * arithmetic as alone (no reduction crosses utterances), so batching never
 * changes an embedding.
 * @module
 */
import type { Gpu, GpuRun, GpuTensor } from "../gpu/mod.ts";
import {
  actElements,
  type ActShape,
  actTextureSize,
  copyIntoTexture,
  maxBindingBytes,
  pitchOf,
  TEXEL_BYTES,
  texelsOf,
  writeTexels,
} from "../kernels/resnet_layout.ts";
import { resnetInput } from "../kernels/resnet_input.ts";
import { CONV_COUT_BLOCK, resnetConv } from "../kernels/resnet_conv.ts";
import { resnetWinoInput } from "../kernels/resnet_wino_input.ts";
import { resnetWinoGemm, WINO_COUT_BLOCK, WINO_POINTS } from "../kernels/resnet_wino_gemm.ts";
import { resnetWinoOutput } from "../kernels/resnet_wino_output.ts";
import { resnetPool } from "../kernels/resnet_pool.ts";
import { LINEAR_ROWS_PER_LAYER, resnetLinear } from "../kernels/resnet_linear.ts";
import {
  checkPlan,
  type ConvNetPlan,
  type ConvStep,
  embedDimOf,
  minFrames,
  type TensorGeometry,
  widthAt,
} from "./conv_plan.ts";
import { TexturePool } from "./texture_pool.ts";
import { winogradWeights } from "./winograd_weights.ts";

/** What every embedding extractor offers. */
export interface EmbeddingModel {
  /** Where the weights came from. */
  readonly description: string;
  /** Feature dimension the model expects (80). */
  readonly featDim: number;
  /** Size of one embedding (256). */
  readonly embedDim: number;
  /** Fewest frames an utterance may have. */
  readonly minFrames: number;
  /**
   * Most utterances of `frames` frames one batch may hold: the largest
   * activation stays within the memory budget and the adapter's buffer size
   * (0 when even one does not fit).
   */
  maxBatch(frames: number): number;
  /**
   * Encodes the forward pass of features [batch, frames, featDim] into `run`
   * and returns the embeddings [batch, embedDim] (valid after the submit;
   * the caller releases it).
   */
  embed(run: GpuRun, features: GpuTensor): GpuTensor;
  /** Frees the weights and cached textures. */
  dispose(): void;
}

/** Options of createResNetModel. */
export interface ResNetModelOptions {
  /** "auto": Winograd for 3x3 stride-1 convolutions; "never": direct everywhere. */
  winograd?: "auto" | "never";
  /** Winograd product kernel variant (default from gpu.profile). */
  gemmVariant?: "registers" | "tiled";
  /** Bytes a Winograd chunk's transformed input may take (default 96 MiB). */
  chunkBytes?: number;
  /** Bytes the largest activation of a batch may take (default 512 MiB). */
  batchBytes?: number;
}

/** Input channels from which Winograd pays off (the 1-channel stem runs directly). */
const WINO_MIN_CIN = 4;
/** Texture rows per layer on every WebGPU adapter. */
const MAX_ROWS = 8192;

interface GpuConv {
  step: ConvStep;
  /** Winograd F(4x4,3x3) path (weights transformed) or direct convolution. */
  wino: boolean;
  weights: GPUTexture;
  coutPad: number;
  bias: GpuTensor;
}

interface GpuDense {
  inDim: number;
  outDim: number;
  reluIn: boolean;
  weights: GPUTexture;
  bias: GpuTensor;
}

/** Uploads a plan's weights and returns the model. */
export function createResNetModel(
  gpu: Gpu,
  plan: ConvNetPlan,
  options: ResNetModelOptions = {},
): EmbeddingModel {
  return new ConvNetModel(gpu, plan, options);
}

class ConvNetModel implements EmbeddingModel {
  readonly description: string;
  readonly featDim: number;
  readonly embedDim: number;
  readonly minFrames: number;
  readonly #gpu: Gpu;
  readonly #plan: ConvNetPlan;
  readonly #geo: TensorGeometry[];
  readonly #convs: GpuConv[];
  readonly #dense: GpuDense[];
  readonly #textures: TexturePool;
  readonly #variant: "registers" | "tiled";
  readonly #chunkBytes: number;
  readonly #batchBytes: number;
  #disposed = false;

  constructor(gpu: Gpu, plan: ConvNetPlan, options: ResNetModelOptions) {
    this.#geo = checkPlan(plan);
    this.#gpu = gpu;
    this.#plan = plan;
    this.description = plan.description;
    this.featDim = plan.featDim;
    this.embedDim = embedDimOf(plan);
    this.minFrames = minFrames(this.#geo[plan.pooled]);
    this.#variant = options.gemmVariant ?? (gpu.profile === "hardware" ? "tiled" : "registers");
    this.#chunkBytes = options.chunkBytes ?? 96 << 20;
    this.#batchBytes = options.batchBytes ?? 512 << 20;
    this.#textures = new TexturePool(gpu);
    const useWino = (options.winograd ?? "auto") === "auto";
    this.#convs = plan.steps.map((s) =>
      uploadConv(
        gpu,
        s,
        useWino && s.k === 3 && s.stride === 1 && s.cin >= WINO_MIN_CIN,
        this.#variant,
      )
    );
    this.#dense = plan.dense.map((d) => uploadDense(gpu, d.name, d));
  }

  maxBatch(frames: number): number {
    const one = Math.max(
      ...this.#geo.map((g) =>
        actElements({ batch: 1, channels: g.channels, height: g.height, width: widthAt(g, frames) })
      ),
    ) * 4;
    const budget = Math.min(this.#batchBytes, this.#gpu.device.limits.maxBufferSize);
    return Math.floor(budget / one);
  }

  embed(run: GpuRun, features: GpuTensor): GpuTensor {
    if (this.#disposed) throw new Error(`${this.description}: model was disposed`);
    const [batch, frames, feat] = features.shape;
    if (features.shape.length !== 3 || feat !== this.featDim) {
      throw new RangeError(
        `features must be [batch, frames, ${this.featDim}], got [${features.shape.join(", ")}]`,
      );
    }
    if (frames < this.minFrames) {
      throw new RangeError(
        `features with ${frames} frames are too short: the last stage would have one time ` +
          `step and the unbiased standard deviation of statistics pooling is undefined; ` +
          `the model needs at least ${this.minFrames} frames`,
      );
    }
    const shapes: ActShape[] = this.#geo.map((g) => ({
      batch,
      channels: g.channels,
      height: g.height,
      width: widthAt(g, frames),
    }));
    this.#checkLimits(shapes, frames);
    const pool = this.#textures;
    // One staging buffer for every activation write, one pair for Winograd chunks.
    const actMax = Math.max(...shapes.map(actElements));
    const staging = run.scratch([actMax], "f32", "resnet_act_staging");
    const chunks = this.#convs.map((
      c,
    ) => (c.wino ? this.#chunking(c, shapes[c.step.input]) : null));
    const vMax = Math.max(4, ...chunks.map((c) => c?.vElements ?? 0));
    const mMax = Math.max(4, ...chunks.map((c) => c?.mElements ?? 0));
    const vStaging = run.scratch([vMax], "f32", "resnet_wino_v");
    const mStaging = run.scratch([mMax], "f32", "resnet_wino_m");

    const lastUse = new Array<number>(shapes.length).fill(-1);
    this.#plan.steps.forEach((s, i) => {
      lastUse[s.input] = i;
      if (s.residual !== undefined) lastUse[s.residual] = i;
    });
    lastUse[this.#plan.pooled] = this.#plan.steps.length;

    const tex: GPUTexture[] = [];
    tex[0] = pool.acquire(run, actTextureSize(shapes[0]), "resnet_image");
    resnetInput(run, { x: features, y: staging }, { batch, time: frames, freq: feat });
    copyIntoTexture(run, staging, tex[0]);

    this.#convs.forEach((c, i) => {
      const s = c.step;
      const x = tex[s.input];
      const res = s.residual !== undefined ? tex[s.residual] : undefined;
      const inShape = shapes[s.input];
      if (c.wino) {
        this.#winograd(run, c, { x, res, inShape, staging, vStaging, mStaging }, chunks[i]!);
      } else {
        resnetConv(run, { x, w: c.weights, res, bias: c.bias, y: staging }, inShape, {
          k: s.k,
          stride: s.stride,
          cout: s.cout,
          relu: s.relu,
        });
      }
      tex[s.output] = pool.acquire(run, actTextureSize(shapes[s.output]), "resnet_act");
      copyIntoTexture(run, staging, tex[s.output]);
      for (const t of [s.input, s.residual]) {
        if (t !== undefined && lastUse[t] === i) pool.release(run, tex[t]);
      }
    });

    const pooled = shapes[this.#plan.pooled];
    const statsDim = 2 * pooled.channels * pooled.height;
    const statsPitch = pitchOf(statsDim / 4);
    const stats = run.scratch([batch * statsPitch * 4], "f32", "resnet_stats");
    resnetPool(run, { x: tex[this.#plan.pooled], s: stats }, pooled, {
      statsPitch: statsPitch * 4,
      eps: this.#plan.poolEps,
    });
    pool.release(run, tex[this.#plan.pooled]);
    let input = pool.acquire(run, [statsPitch, batch, 1], "resnet_stats");
    copyIntoTexture(run, stats, input);
    let out: GpuTensor | undefined;
    this.#dense.forEach((d, i) => {
      const last = i === this.#dense.length - 1;
      const yPitch = last ? d.outDim / 4 : pitchOf(d.outDim / 4);
      const y = last
        ? this.#gpu.empty([batch, d.outDim], "f32", { label: "resnet_embeddings" })
        : run.scratch([batch * yPitch * 4], "f32", "resnet_hidden");
      resnetLinear(run, { x: input, w: d.weights, bias: d.bias, y }, {
        inDim: d.inDim,
        outDim: d.outDim,
        batch,
        reluIn: d.reluIn,
        yPitch,
      });
      if (last) {
        out = y;
      } else {
        pool.release(run, input);
        input = pool.acquire(run, [yPitch, batch, 1], "resnet_hidden");
        copyIntoTexture(run, y, input);
      }
    });
    return out!;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const c of this.#convs) {
      c.weights.destroy();
      c.bias.release();
    }
    for (const d of this.#dense) {
      d.weights.destroy();
      d.bias.release();
    }
    this.#textures.clear();
  }

  /** Refuses inputs whose activations exceed the adapter's texture or buffer limits. */
  #checkLimits(shapes: ActShape[], frames: number): void {
    const lim = this.#gpu.device.limits;
    const [width, rows] = actTextureSize(shapes[0]);
    const tooWide = width > lim.maxTextureDimension2D;
    const bytes = Math.max(...shapes.map(actElements)) * 4;
    const tooBig = bytes > lim.maxBufferSize;
    const tallest = Math.max(...shapes.map((s) => s.height * s.channels));
    if (
      tooWide || tooBig || tallest > lim.maxTextureDimension2D || rows > lim.maxTextureDimension2D
    ) {
      const maxFrames = Math.floor(lim.maxTextureDimension2D / 16) * 64;
      throw new RangeError(
        `${shapes[0].batch} x ${frames} frames exceed this adapter's limits ` +
          `(textures ${lim.maxTextureDimension2D} texels wide hold at most ${maxFrames} frames; ` +
          `the largest activation needs ${bytes} bytes, maxBufferSize is ${lim.maxBufferSize}); ` +
          `split the recording or the batch`,
      );
    }
  }

  /** How a Winograd convolution splits into chunks of tile rows. */
  #chunking(c: GpuConv, input: ActShape): WinoChunking {
    const { cin } = c.step;
    const tilesH = Math.ceil(input.height / 4);
    const tilesW = Math.ceil(input.width / 4);
    const texels = Math.ceil(tilesW / 4);
    const pitch = pitchOf(texels);
    const total = input.batch * tilesH;
    const rowBytes = WINO_POINTS * Math.max(cin, c.coutPad) * pitch * TEXEL_BYTES;
    const limit = Math.min(maxBindingBytes(this.#gpu), this.#chunkBytes);
    const rows = Math.min(
      total,
      Math.floor(limit / rowBytes),
      Math.floor(MAX_ROWS / Math.max(cin, c.coutPad)),
    );
    if (rows < 1) {
      throw new RangeError(
        `${c.step.name}: one row of Winograd tiles (${rowBytes} bytes for ${input.width} ` +
          `times) exceeds the ${limit}-byte chunk limit; the utterance is too long for this adapter`,
      );
    }
    return {
      tilesH,
      texels,
      pitch,
      total,
      rows,
      vElements: WINO_POINTS * rows * cin * pitch * 4,
      mElements: WINO_POINTS * rows * c.coutPad * pitch * 4,
    };
  }

  #winograd(
    run: GpuRun,
    c: GpuConv,
    io: {
      x: GPUTexture;
      res?: GPUTexture;
      inShape: ActShape;
      staging: GpuTensor;
      vStaging: GpuTensor;
      mStaging: GpuTensor;
    },
    k: WinoChunking,
  ): void {
    const { cin, cout, relu } = c.step;
    const { height, width } = io.inShape;
    const pool = this.#textures;
    const vTex = pool.acquire(run, [k.pitch, k.rows * cin, WINO_POINTS], "resnet_wino_v");
    const mTex = pool.acquire(run, [k.pitch, k.rows * c.coutPad, WINO_POINTS], "resnet_wino_m");
    for (let r0 = 0; r0 < k.total; r0 += k.rows) {
      const rows = Math.min(k.rows, k.total - r0);
      resnetWinoInput(run, { x: io.x, v: io.vStaging }, {
        cin,
        height,
        texelsIn: texelsOf(width),
        tilesH: k.tilesH,
        r0,
        rows,
        texels: k.texels,
        pitch: k.pitch,
      });
      run.copyToTexture(
        {
          buffer: io.vStaging.buffer,
          bytesPerRow: k.pitch * TEXEL_BYTES,
          rowsPerImage: rows * cin,
        },
        vTex,
        [k.pitch, rows * cin, WINO_POINTS],
      );
      resnetWinoGemm(run, { v: vTex, w: c.weights, m: io.mStaging }, {
        cin,
        coutPad: c.coutPad,
        rows,
        texels: k.texels,
        pitch: k.pitch,
        variant: this.#variant,
      });
      run.copyToTexture(
        {
          buffer: io.mStaging.buffer,
          bytesPerRow: k.pitch * TEXEL_BYTES,
          rowsPerImage: rows * c.coutPad,
        },
        mTex,
        [k.pitch, rows * c.coutPad, WINO_POINTS],
      );
      resnetWinoOutput(run, { m: mTex, res: io.res, bias: c.bias, y: io.staging }, {
        cout,
        coutPad: c.coutPad,
        height,
        width,
        pitchOut: pitchOf(texelsOf(width)),
        tilesH: k.tilesH,
        r0,
        rows,
        texels: k.texels,
        relu,
      });
    }
    pool.release(run, vTex);
    pool.release(run, mTex);
  }
}

interface WinoChunking {
  tilesH: number;
  texels: number;
  pitch: number;
  /** Tile rows over the batch. */
  total: number;
  /** Tile rows per chunk. */
  rows: number;
  vElements: number;
  mElements: number;
}

function uploadConv(
  gpu: Gpu,
  s: ConvStep,
  wino: boolean,
  variant: "registers" | "tiled",
): GpuConv {
  const block = wino ? WINO_COUT_BLOCK[variant] : CONV_COUT_BLOCK;
  const coutPad = Math.ceil(s.cout / block) * block;
  let weights: GPUTexture;
  if (wino) {
    weights = weightTexture(gpu, [coutPad / 4, s.cin, WINO_POINTS], `${s.name}:wino`);
    writeTexels(gpu, weights, winogradWeights(s.weight, { cin: s.cin, cout: s.cout, coutPad }));
  } else {
    const rows = s.cin * s.k * s.k;
    const data = new Float32Array(rows * coutPad);
    for (let co = 0; co < s.cout; co++) {
      for (let i = 0; i < rows; i++) data[i * coutPad + co] = s.weight[co * rows + i];
    }
    weights = weightTexture(gpu, [coutPad / 4, rows, 1], `${s.name}:weight`);
    writeTexels(gpu, weights, data);
  }
  const bias = new Float32Array(coutPad);
  bias.set(s.bias);
  return { step: s, wino, weights, coutPad, bias: gpu.upload(bias, [coutPad]) };
}

function uploadDense(
  gpu: Gpu,
  name: string,
  d: { inDim: number; outDim: number; weight: Float64Array; bias: Float64Array; reluIn: boolean },
): GpuDense {
  if (d.outDim % 4 !== 0 || d.inDim % 4 !== 0) {
    throw new RangeError(`${name}: sizes ${d.inDim} -> ${d.outDim} must be multiples of 4`);
  }
  const layers = Math.ceil(d.inDim / LINEAR_ROWS_PER_LAYER);
  const rows = Math.min(d.inDim, LINEAR_ROWS_PER_LAYER);
  const data = new Float32Array(layers * rows * d.outDim);
  for (let o = 0; o < d.outDim; o++) {
    for (let i = 0; i < d.inDim; i++) data[i * d.outDim + o] = d.weight[o * d.inDim + i];
  }
  const weights = weightTexture(gpu, [d.outDim / 4, rows, layers], `${name}:weight`);
  writeTexels(gpu, weights, data);
  return {
    inDim: d.inDim,
    outDim: d.outDim,
    reluIn: d.reluIn,
    weights,
    bias: gpu.upload(Float32Array.from(d.bias), [d.outDim]),
  };
}

function weightTexture(gpu: Gpu, size: [number, number, number], label: string): GPUTexture {
  return gpu.device.createTexture({
    label,
    size,
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
}
