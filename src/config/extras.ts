/**
 * What our configuration has beyond upstream's `balr.config.configs`, kept
 * apart so the upstream tree in `schema.ts` reads like the original.
 *
 * Added keys:
 * - `scorer.tol` (beta option only, default null): convergence tolerance for
 *   Minka's fixed point. Upstream always runs `n_iterations` steps, which is
 *   far from converged on real referentials (SPEC §9); with a tolerance the
 *   fit stops once the largest relative change of alpha falls below it and
 *   reports the final change. null keeps upstream's behaviour.
 *
 * Changed defaults:
 * - `device`: `auto` instead of upstream's `cpu`. Every numeric step runs on
 *   a WebGPU adapter; `auto` takes the hardware adapter and falls back to the
 *   software one with a warning, `cpu` asks for the software adapter.
 *
 * Changed meanings (same key and default):
 * - `data.num_workers`: parallel loaders (Deno workers) that decode audio and
 *   read vector files while the GPU computes; 0 = main thread.
 * - `data.batch_size`: items per GPU submit for extract/binarize; N × M for
 *   training with an NxM sampler.
 * @module
 */
import { leaf, type LeafSpec } from "./schema_nodes.ts";

/** Keys we add to the beta scorer option. */
export const BETA_SCORER_EXTRAS: Readonly<Record<string, LeafSpec>> = {
  tol: leaf("float", null, {
    above: 0,
    extra: true,
    doc: "stop the fixed point when max relative change of alpha < tol (null: run n_iterations)",
  }),
};

/** Our default for the top-level `device` key (upstream: `cpu`). */
export const DEFAULT_DEVICE = "auto";
