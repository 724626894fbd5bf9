/**
 * Loading an embedding extractor from what users have on disk: a WeSpeaker
 * pretrained directory (`config.yaml` + `avg_model.pt`, or `avg_model` as the
 * reference opens it) or WeSpeaker's ONNX export. Nothing is downloaded: a
 * missing model is an error that says what to fetch and where to put it.
 * @module
 */
import { parse as parseYaml } from "yaml";
import { readStateDict } from "../io/torch_checkpoint.ts";
import type { Gpu } from "../gpu/mod.ts";
import type { ConvNetPlan } from "./conv_plan.ts";
import { decodeOnnxModel } from "./onnx_proto.ts";
import { planFromOnnx } from "./onnx_plan.ts";
import { planFromStateDict, type ResNetConfig } from "./resnet_state_dict.ts";
import { createResNetModel, type EmbeddingModel, type ResNetModelOptions } from "./resnet_model.ts";

/** Upstream's `embeddings.model` keys. */
export interface EmbeddingModelConfig {
  /** Local folder with the model (or the path of an .onnx file). */
  model_dir?: string | null;
  /** Checkpoint name inside model_dir (default "avg_model"; ".pt"/".onnx" are tried too). */
  model_name?: string;
  /** Training config inside model_dir (default "config.yaml"). */
  config_name?: string;
  /** Hugging Face repository named in the download hint. */
  model_repo?: string;
}

/** The default of `embeddings.model.model_repo`. */
export const DEFAULT_MODEL_REPO = "Wespeaker/wespeaker-voxceleb-resnet34-LM";

/**
 * Loads the model and uploads it to `gpu`.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const model = await loadEmbeddingModel(gpu, { model_dir: "models/resnet34" });
 * ```
 */
export async function loadEmbeddingModel(
  gpu: Gpu,
  config: EmbeddingModelConfig,
  options: ResNetModelOptions = {},
): Promise<EmbeddingModel> {
  return createResNetModel(gpu, await loadModelPlan(config), options);
}

/** Reads and checks the model files into a plan (no GPU needed). */
export async function loadModelPlan(config: EmbeddingModelConfig): Promise<ConvNetPlan> {
  const repo = config.model_repo ?? DEFAULT_MODEL_REPO;
  const dir = config.model_dir;
  const hint = (where: string) =>
    `Download config.yaml and avg_model.pt from https://huggingface.co/${repo} ` +
    `(or WeSpeaker's voxceleb_resnet34_LM.onnx) into ${where} and set ` +
    `embeddings.model.model_dir to that folder.`;
  if (!dir) {
    throw new Error(
      `embeddings.model.model_dir is not set and this build never downloads models. ` +
        hint("a local folder"),
    );
  }
  const info = await statOrNull(dir);
  if (!info) throw new Error(`model directory ${dir} does not exist. ${hint(dir)}`);
  if (info.isFile) return onnxPlan(dir);
  const name = config.model_name ?? "avg_model";
  const candidates = /\.(pt|pth|onnx)$/i.test(name) ? [name] : [name, `${name}.pt`, `${name}.onnx`];
  let modelPath: string | null = null;
  for (const c of candidates) {
    const p = join(dir, c);
    if ((await statOrNull(p))?.isFile) {
      modelPath = p;
      break;
    }
  }
  if (!modelPath) {
    throw new Error(
      `${dir} holds no model file (looked for ${candidates.join(", ")}). ${hint(dir)}`,
    );
  }
  const bytes = await Deno.readFile(modelPath);
  if (/\.onnx$/i.test(modelPath) || !isZip(bytes)) {
    if (isZip(bytes)) throw new Error(`${modelPath}: a PyTorch zip checkpoint, not an ONNX model`);
    if (!/\.onnx$/i.test(modelPath)) {
      throw new Error(
        `${modelPath}: not a PyTorch zip checkpoint (torch.save format of PyTorch >= 1.6); ` +
          `re-save it with torch.save(state_dict, path)`,
      );
    }
    return planFromOnnx(decodeOnnxModel(bytes, modelPath), modelPath);
  }
  const configPath = join(dir, config.config_name ?? "config.yaml");
  const text = await Deno.readTextFile(configPath).catch(() => {
    throw new Error(
      `${configPath} is missing: the model's config.yaml names its architecture. ${hint(dir)}`,
    );
  });
  const resnetConfig = parseResNetConfig(text, configPath);
  const stateDict = await readStateDict(bytes, { name: modelPath });
  return planFromStateDict(stateDict, resnetConfig, modelPath);
}

/** The `model` and `model_args` of a WeSpeaker training config. */
export function parseResNetConfig(text: string, source: string): ResNetConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${source}: not valid YAML (${(e as Error).message})`);
  }
  if (!doc || typeof doc !== "object") throw new Error(`${source}: not a YAML mapping`);
  const d = doc as Record<string, unknown>;
  if (typeof d.model !== "string") {
    throw new Error(`${source}: has no "model" entry (e.g. model: ResNet34)`);
  }
  const args = (d.model_args ?? {}) as Record<string, unknown>;
  const num = (k: string) => {
    const v = args[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number") {
      throw new Error(`${source}: model_args.${k} must be a number, got ${v}`);
    }
    return v;
  };
  const two = args.two_emb_layer;
  return {
    model: d.model,
    featDim: num("feat_dim"),
    embedDim: num("embed_dim"),
    poolingFunc: typeof args.pooling_func === "string" ? args.pooling_func : undefined,
    twoEmbLayer: two === true || two === "True" || two === "true",
  };
}

async function onnxPlan(path: string): Promise<ConvNetPlan> {
  const bytes = await Deno.readFile(path);
  return planFromOnnx(decodeOnnxModel(bytes, path), path);
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
