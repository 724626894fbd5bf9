/**
 * The losses of BAE training as `trainer.losses` selects and weights them:
 * `{mse: {weight}, triplet: {margin, type_of_triplets, weight},
 * sparsity: {weight}, arcface: {margin, type_of_triplets, weight}}`.
 *
 * Semantics (kernels in kernels/bae_*.wgsl): MSE as torch.nn.MSELoss;
 * Triplet as pytorch-metric-learning's TripletMarginMiner(margin, type) +
 * TripletMarginLoss (margin 0.05, AvgNonZeroReducer) on L2-normalised b;
 * ArcFace as its ArcFaceLoss (28.6°, scale 64) with the same miner's sample
 * weights; Sparsity as upstream's formula, made differentiable (upstream
 * computes it through numpy, so it has no gradient there).
 * @module
 */
import type { TripletType } from "../kernels/bae_triplet_pairs.ts";

/** Names of the losses (keys of `trainer.losses`). */
export type LossName = "mse" | "triplet" | "sparsity" | "arcface";

/** One selected loss with its settings. */
export interface LossSpec {
  name: LossName;
  /** Upstream's display name, used in TensorBoard tags (`train/<label>`). */
  label: "MSE" | "Triplet" | "Sparsity" | "ArcFace";
  /** Weight in the total loss. */
  weight: number;
  /** Miner margin (triplet, arcface). */
  margin?: number;
  /** Which mined triplets to keep (triplet, arcface). */
  type?: TripletType;
}

const LABELS = {
  mse: "MSE",
  triplet: "Triplet",
  sparsity: "Sparsity",
  arcface: "ArcFace",
} as const;
const TYPES: readonly TripletType[] = ["all", "hard", "semihard", "easy"];
const DEFAULTS: Record<LossName, Record<string, unknown>> = {
  mse: { weight: 1.0 },
  triplet: { margin: 0.3, type_of_triplets: "all", weight: 1.0 },
  sparsity: { weight: 0.0001 },
  arcface: { margin: 0.3, type_of_triplets: "all", weight: 0.001 },
};

/** The loss settings of `trainer.losses` (selected losses only, in order). */
export type LossesInput = Record<string, Record<string, unknown> | null | undefined>;

/**
 * Validates `trainer.losses`: known names only (the error lists them), at
 * least one loss, finite weights, margins and triplet types; missing fields
 * take upstream's defaults. At most one entry per name, in the given order.
 */
export function lossSpecs(losses: LossesInput): LossSpec[] {
  const out: LossSpec[] = [];
  for (const [name, raw] of Object.entries(losses)) {
    if (!(name in LABELS)) {
      throw new Error(
        `trainer.losses.${name}: unknown loss '${name}'; known losses: ${
          Object.keys(LABELS).join(", ")
        }`,
      );
    }
    const key = name as LossName;
    const o = { ...DEFAULTS[key], ...(raw ?? {}) };
    const weight = o.weight;
    if (typeof weight !== "number" || !Number.isFinite(weight)) {
      throw new Error(`trainer.losses.${name}.weight must be a finite number, got ${weight}`);
    }
    const spec: LossSpec = { name: key, label: LABELS[key], weight };
    if (key === "triplet" || key === "arcface") {
      if (typeof o.margin !== "number" || !Number.isFinite(o.margin)) {
        throw new Error(`trainer.losses.${name}.margin must be a finite number, got ${o.margin}`);
      }
      if (!TYPES.includes(o.type_of_triplets as TripletType)) {
        throw new Error(
          `trainer.losses.${name}.type_of_triplets must be one of ${
            TYPES.join(", ")
          }, got ${o.type_of_triplets}`,
        );
      }
      spec.margin = o.margin;
      spec.type = o.type_of_triplets as TripletType;
    }
    out.push(spec);
  }
  if (out.length === 0) throw new Error("trainer.losses: select at least one loss");
  if (out.length > 4) throw new Error("trainer.losses: at most the four known losses");
  return out;
}
