/**
 * Launch arithmetic shared by the scoring kernels: llvmpipe silently ends
 * every loop once one invocation has taken 65535 loop steps in total (Mesa's
 * LP_MAX_TGSI_LOOP_ITERATIONS, counted over all loops, exits included), so
 * per-item loops are split over several threads (TPA, threads per item)
 * until each thread's share fits the budget.
 * @module
 */
import type { Gpu } from "../gpu/mod.ts";
import { LOOP_BUDGET } from "../kernels/scoring_beta_survival.ts";

export { LOOP_BUDGET };

/** Workgroup size of the per-attribute fitting kernels. */
export const FIT_WG = 64;

/**
 * Threads per item: the adapter's preference (1 on software adapters, where
 * barriers are slow; 32 on hardware, where 512 attributes alone cannot fill
 * the GPU), raised until `steps(tpa)` fits the loop budget.
 */
export function threadsPerItem(
  gpu: Gpu,
  steps: (tpa: number) => number,
  what: string,
): number {
  let tpa = gpu.profile === "software" ? 1 : 32;
  while (steps(tpa) > LOOP_BUDGET) {
    tpa *= 2;
    if (tpa > FIT_WG) {
      throw new RangeError(
        `${what}: too large for one pass (${steps(FIT_WG)} loop steps per thread)`,
      );
    }
  }
  return tpa;
}
