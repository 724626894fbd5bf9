/**
 * The BAE checkpoint `balr binarize` runs: `encoder.model.checkpoint_path`
 * (upstream's default `resources/models/BAE/BAE_mse.pt`, relative to the
 * current directory as upstream resolves it), checked against
 * `encoder.model.input_dim` / `internal_dim` before any work starts.
 *
 * Upstream builds `AutoEncoder(input_dim, internal_dim)` and loads the
 * checkpoint into it, so a checkpoint of other sizes fails there with
 * PyTorch's size-mismatch error; ours says which key and which setting.
 * @module
 */
import { resolve } from "node:path";
import { ConfigError } from "../config/config_error.ts";
import type { AutoencoderModelConfig } from "../config/types.ts";
import { type BaeWeights, loadBae } from "../binary/bae_weights.ts";
import { formatShape } from "../io/host_tensor.ts";

/** Where the reference checkpoint comes from, for messages. */
export const REFERENCE_BAE_CHECKPOINT =
  "the BA-LR toolkit's resources/models/BAE/BAE_mse.pt (https://github.com/inria-defense/balr)";

/**
 * Loads the BAE of `encoder.model`: a missing file is a ConfigError that
 * says where the reference checkpoint comes from and how to point at it;
 * sizes other than `input_dim` × `internal_dim` are a ConfigError naming
 * the setting, the key and its shape; a malformed checkpoint is an Error
 * naming the file and key.
 */
export async function loadEncoderCheckpoint(model: AutoencoderModelConfig): Promise<BaeWeights> {
  const path = model.checkpoint_path;
  const absolute = resolve(path);
  try {
    const info = await Deno.stat(absolute);
    if (!info.isFile) throw new Deno.errors.NotFound();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new ConfigError(
      `encoder.model.checkpoint_path: BAE checkpoint ${path} not found` +
        (absolute === path ? "" : ` (looked for ${absolute})`) +
        `. The reference checkpoint is ${REFERENCE_BAE_CHECKPOINT}; pass its location with ` +
        `encoder.model.checkpoint_path=/path/to/BAE_mse.pt, or a checkpoint of your own ` +
        `(balr train writes runs/train/best.pt)`,
      { key: "encoder.model.checkpoint_path" },
    );
  }
  const weights = await loadBae(absolute);
  const got = weights.dims;
  const first = weights.tensors.get("encoder.0.weight")!;
  for (
    const [key, want, have] of [
      ["input_dim", model.input_dim, got.inputDim],
      ["internal_dim", model.internal_dim, got.internalDim],
    ] as const
  ) {
    if (want !== have) {
      throw new ConfigError(
        `encoder.model.${key}=${want} does not match the checkpoint ${path}: its ` +
          `encoder.0.weight has shape ${formatShape(first.shape)} (${key} ${have}); set ` +
          `encoder.model.${key}=${have} or use a checkpoint of the configured size`,
        { key: `encoder.model.${key}` },
      );
    }
  }
  return weights;
}
