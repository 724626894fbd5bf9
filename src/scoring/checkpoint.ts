/**
 * `scorer.pt` files: the fitted buffers as a PyTorch state_dict with
 * upstream's names (beta `alpha`; dna/speech `typicality`, `dropout`,
 * `llrs`; maxllr `f`, `p`, `q`), loadable with `torch.load`, and the reverse.
 * @module
 */
import type { Gpu } from "../gpu/mod.ts";
import { readStateDict, writeStateDict } from "../io/torch_checkpoint.ts";
import { createScorer, type Scorer, scorerFromState } from "./scorer.ts";
import type { ScorerConfig, ScorerExtras } from "./scorer_config.ts";

/** Writes a fitted scorer's state_dict to `path` (atomically). */
export async function saveScorer(path: string, scorer: Scorer): Promise<void> {
  await writeStateDict(path, scorer.state());
}

/**
 * Reads a `scorer.pt` (ours or upstream's) for the configured scorer;
 * buffers of the wrong shape (another n_attributes or K) or missing are
 * errors naming the file.
 */
export async function loadScorer(
  gpu: Gpu,
  path: string,
  config: ScorerConfig & ScorerExtras,
): Promise<Scorer> {
  let state;
  try {
    state = await readStateDict(path);
  } catch (e) {
    throw new Error(`scorer checkpoint ${path}: ${(e as Error).message}`, { cause: e });
  }
  return await scorerFromState(gpu, state, { ...config, source: path });
}

/**
 * The scorer a `balr score test` run uses: loaded from `scorer.checkpoint_path`
 * when set, else created from the config (cosine is then ready; the others
 * report "no fitted parameters" when asked to score).
 */
export async function openScorer(
  gpu: Gpu,
  config: ScorerConfig & ScorerExtras,
): Promise<Scorer> {
  if (config.checkpoint_path) return await loadScorer(gpu, config.checkpoint_path, config);
  return createScorer(config, config);
}
