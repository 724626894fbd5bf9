/**
 * Scorers: the five BA-LR scoring models (beta, dna, speech, maxllr,
 * cosine) as fitted parameters plus what scoring needs, created from the
 * `scorer` config group, fitted on a referential on the GPU, or restored
 * from a `scorer.pt` state_dict with upstream's buffer names.
 * @module
 */
import type { Gpu } from "../gpu/mod.ts";
import { formatShape, type HostTensor, toFloat32, toFloat64 } from "../io/host_tensor.ts";
import { MAXLLR_PARAMS } from "../kernels/scoring_maxllr_em.ts";
import { arraySource, inspectSides } from "./_sides.ts";
import { fitBeta } from "./fit_beta.ts";
import { fitMaxllr, maxllrParamsFrom } from "./fit_maxllr.ts";
import { fitReferenceLlr, LLR_CLAMP } from "./fit_reference_llr.ts";
import type { FitReport } from "./fit_report.ts";
import {
  type ScorerConfig,
  type ScorerExtras,
  type ScorerName,
  type ScorerSettings,
  scorerSettings,
} from "./scorer_config.ts";

/** Fitted parameters of each scorer kind (f32, as the kernels use them). */
export type ScorerParams =
  | { kind: "beta"; alpha: Float32Array }
  | { kind: "dna" | "speech"; typicality: Float32Array; dropout: Float32Array; llrs: Float32Array }
  | { kind: "maxllr"; params: Float32Array }
  | { kind: "cosine" };

/** A scorer ready to score trials (or not yet fitted). */
export class Scorer {
  /** The checked settings from the `scorer` config group. */
  readonly settings: ScorerSettings;
  /** What the fit did (null when created unfitted or restored from a checkpoint). */
  report: FitReport | null = null;
  #params: ScorerParams | null;
  /** Single-recording log-LR table `[2, n, 2]` (index 0 = active), once derived. */
  table: Float32Array | null = null;

  /**
   * Wraps checked settings and fitted parameters; `params` null = not fitted
   * yet (ignored for cosine, which needs none). Prefer {@link createScorer},
   * {@link fitScorer} or {@link scorerFromState}.
   */
  constructor(settings: ScorerSettings, params: ScorerParams | null) {
    this.settings = settings;
    this.#params = settings.kind === "cosine" ? { kind: "cosine" } : params;
    if (params?.kind === "dna" || params?.kind === "speech") this.table = params.llrs;
  }

  /** Which model. */
  get kind(): ScorerName {
    return this.settings.kind;
  }

  /** Whether scoring can run (cosine always can). */
  get fitted(): boolean {
    return this.#params !== null;
  }

  /** The fitted parameters; an error when the scorer was never fitted nor loaded. */
  params(): ScorerParams {
    if (!this.#params) {
      throw new Error(
        `${this.kind} scorer has no fitted parameters: fit it on a referential ` +
          `(balr score train) or set scorer.checkpoint_path to a scorer.pt`,
      );
    }
    return this.#params;
  }

  /**
   * The fitted buffers as a state_dict with upstream's names, dtypes and
   * shapes (beta: `alpha`; dna/speech: `typicality`, `dropout`, `llrs`;
   * maxllr: `f`, `p`, `q` as float64; cosine: empty).
   */
  state(): Map<string, HostTensor> {
    const p = this.params();
    const n = this.settings.nAttributes;
    const out = new Map<string, HostTensor>();
    switch (p.kind) {
      case "beta":
        out.set("alpha", {
          dtype: "float32",
          shape: [n, this.settings.nCategories],
          data: p.alpha,
        });
        break;
      case "dna":
      case "speech":
        out.set("typicality", { dtype: "float32", shape: [n], data: p.typicality });
        out.set("dropout", { dtype: "float32", shape: [n], data: p.dropout });
        out.set("llrs", { dtype: "float32", shape: [2, n, 2], data: p.llrs });
        break;
      case "maxllr":
        ["f", "p", "q"].forEach((key, k) => {
          const v = new Float64Array(n);
          // The kernel's exact (hi, lo) pair, so p near 1 keeps 1 - p.
          for (let a = 0; a < n; a++) {
            v[a] = p.params[MAXLLR_PARAMS * a + 6 + k] + p.params[MAXLLR_PARAMS * a + 9 + k];
          }
          out.set(key, { dtype: "float64", shape: [n], data: v });
        });
        break;
    }
    return out;
  }
}

/** A scorer from its config: cosine is ready, the others need fitting or loading. */
export function createScorer(config: ScorerConfig, extras: ScorerExtras = {}): Scorer {
  return new Scorer(scorerSettings(config, extras), null);
}

/** Options of fitScorer: the scorer config plus our extras. */
export type FitScorerOptions = ScorerConfig & ScorerExtras;

/**
 * Fits a scorer on a referential `[speakers, n_attributes, K]` of integer
 * activation counts (see buildReferential), entirely on the GPU.
 *
 * @example
 * ```ts ignore
 * const scorer = await fitScorer(gpu, referential, resolveConfig().scorer);
 * console.log(formatFitReport(scorer.report!));
 * ```
 */
export async function fitScorer(
  gpu: Gpu,
  referential: Float32Array,
  config: FitScorerOptions,
): Promise<Scorer> {
  const s = scorerSettings(config, config);
  if (s.kind === "cosine") {
    throw new Error("cosine scorer needs no fitting on a reference population");
  }
  const rowLen = s.nAttributes * s.nCategories;
  if (referential.length === 0 || referential.length % rowLen !== 0) {
    throw new RangeError(
      `referential: ${referential.length} values are not [speakers, ${s.nAttributes}, ` +
        `${s.nCategories}] (scorer.n_attributes=${s.nAttributes}` +
        (s.kind === "beta" ? `, scorer.K=${s.nCategories})` : ")"),
    );
  }
  const nSpeakers = referential.length / rowLen;
  if (nSpeakers < 2) {
    throw new RangeError(`referential: ${nSpeakers} speaker; fitting needs at least 2`);
  }
  if (nSpeakers * rowLen > gpu.maxBindingElements) {
    throw new RangeError(
      `referential of ${nSpeakers} speakers exceeds this adapter's storage binding ` +
        `(${gpu.maxBindingElements * 4} bytes); at most ${
          Math.floor(gpu.maxBindingElements / rowLen)
        } speakers`,
    );
  }
  const info = await inspectSides(
    gpu,
    arraySource(referential, rowLen, (i) => `referential row (speaker #${i})`),
    {
      nAttr: s.nAttributes,
      nCat: s.nCategories,
      label: "scoring_fit",
    },
  );
  const ref = gpu.upload(
    referential,
    [nSpeakers, s.nAttributes, s.nCategories],
    "f32",
    "scoring_fit",
  );
  try {
    const fit = { ...s, nSpeakers, maxTotal: info.maxTotal };
    let scorer: Scorer;
    if (s.kind === "beta") {
      const r = await fitBeta(gpu, ref, fit);
      scorer = new Scorer(s, { kind: "beta", alpha: r.alpha });
      scorer.report = r.report;
    } else if (s.kind === "maxllr") {
      const r = await fitMaxllr(gpu, ref, fit);
      scorer = new Scorer(s, { kind: "maxllr", params: r.params });
      scorer.report = r.report;
    } else {
      const r = await fitReferenceLlr(gpu, ref, fit);
      scorer = new Scorer(s, {
        kind: s.kind,
        typicality: r.typicality,
        dropout: r.dropout,
        llrs: r.llrs,
      });
      scorer.report = r.report;
    }
    return scorer;
  } finally {
    ref.release();
  }
}

function tensorOf(
  state: Map<string, HostTensor>,
  key: string,
  shape: number[],
  source: string,
  hint: string,
): HostTensor {
  const t = state.get(key);
  if (!t) {
    throw new Error(
      `${source}: no "${key}" tensor (keys: ${[...state.keys()].join(", ") || "none"}); ` +
        `is it a scorer.pt of this scorer kind?`,
    );
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${source}: "${key}" has shape ${formatShape(t.shape)}, expected ${
        formatShape(shape)
      } (${hint})`,
    );
  }
  return t;
}

/**
 * A scorer from a state_dict (e.g. `readStateDict("scorer.pt")`), checked
 * against the config: a checkpoint for a different n_attributes or K is an
 * error naming `source`. Infinite log-LRs of upstream DNA/Speech tables are
 * clamped to +-100, as our fit does.
 */
export async function scorerFromState(
  gpu: Gpu,
  state: Map<string, HostTensor>,
  config: ScorerConfig & ScorerExtras & { source?: string },
): Promise<Scorer> {
  const s = scorerSettings(config, config);
  const source = config.source ?? s.checkpointPath ?? "scorer state";
  const n = s.nAttributes;
  const hint = `scorer.n_attributes=${n}`;
  switch (s.kind) {
    case "cosine":
      return new Scorer(s, { kind: "cosine" });
    case "beta": {
      const t = tensorOf(
        state,
        "alpha",
        [n, s.nCategories],
        source,
        `${hint}, scorer.K=${s.nCategories}`,
      );
      const alpha = Float32Array.from(toFloat32(t));
      for (let i = 0; i < alpha.length; i++) {
        if (!(alpha[i] > 0 && Number.isFinite(alpha[i]))) {
          throw new RangeError(
            `${source}: alpha[${Math.floor(i / s.nCategories)}] is ${
              alpha[i]
            }; alpha must be positive`,
          );
        }
      }
      return new Scorer(s, { kind: "beta", alpha });
    }
    case "dna":
    case "speech": {
      const typicality = Float32Array.from(
        toFloat32(tensorOf(state, "typicality", [n], source, hint)),
      );
      const dropout = Float32Array.from(toFloat32(tensorOf(state, "dropout", [n], source, hint)));
      const llrs = Float32Array.from(toFloat32(tensorOf(state, "llrs", [2, n, 2], source, hint)));
      for (let i = 0; i < llrs.length; i++) {
        const v = llrs[i];
        llrs[i] = Number.isNaN(v) ? 0 : Math.max(-LLR_CLAMP, Math.min(LLR_CLAMP, v));
      }
      return new Scorer(s, { kind: s.kind, typicality, dropout, llrs });
    }
    case "maxllr": {
      const cols = ["f", "p", "q"].map((k) => toFloat64(tensorOf(state, k, [n], source, hint)));
      for (const [k, col] of cols.entries()) {
        for (let a = 0; a < n; a++) {
          if (!(col[a] >= 0 && col[a] <= 1)) {
            throw new RangeError(`${source}: ${"fpq"[k]}[${a}] is ${col[a]}, not a probability`);
          }
        }
      }
      const params = await maxllrParamsFrom(gpu, { f: cols[0], p: cols[1], q: cols[2] }, n);
      return new Scorer(s, { kind: "maxllr", params });
    }
  }
}
