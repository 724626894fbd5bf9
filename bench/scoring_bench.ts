/**
 * Scoring at VoxCeleb2 scale, ours next to the same formulas in PyTorch on
 * the CPU (/usr/bin/python3, when torch is installed), in one run:
 * - beta fit on 6,000 speakers x 512 attributes (100 fixed-point steps);
 * - 1,000,000 single-recording beta trials (attribute-LLRs per second);
 * - ours only: dna, maxllr and cosine scoring of the same trials;
 * - EER of 1M scores: ours (sort + sweep) vs a SpeechBrain-style loop, which
 *   is O(N^2) and runs on a subset, extrapolated quadratically (labelled);
 * - ours only: beta and maxllr scores of 100,000 trials whose enrolment sums 3
 *   recordings (2,000 distinct cells), per-attribute explanation rows of
 *   16,384 single and summed trials, and the GPU's top-5 ranking of 1M trials.
 * The PyTorch peer scores 100,000 trials by default (about a minute on 2 cores) and its time
 * is scaled to the full count, labelled in the table.
 * Run: deno run -A bench/scoring_bench.ts [--trials N] [--peer-trials N] [--eer-loop N]
 *   [--summed-trials N] [--explain-trials N]
 */
import { openGpu } from "../src/gpu/mod.ts";
import { fitScorer, type Scorer, scorerFromState } from "../src/scoring/scorer.ts";
import { explainTrialPairs, scoreTrialPairs, TrialExplainer } from "../src/scoring/score_trials.ts";
import { equalErrorRate } from "../src/scoring/metrics.ts";
import type { ScorerConfig } from "../src/config/types.ts";
import { fmt, printTable, pythonHas } from "./_harness.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const N_SPEAKERS = arg("speakers", 6000);
const N_TRIALS = arg("trials", 1_000_000);
const PEER_TRIALS = Math.min(N_TRIALS, arg("peer-trials", 100_000));
const EER_LOOP_N = arg("eer-loop", 20000);
const N_SUMMED = arg("summed-trials", 100_000);
const N_EXPLAIN = arg("explain-trials", 16_384);
const N_CELLS = 2000;
const N_ATTR = 512;
const N_SIDES = 10000;

/** mulberry32 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function config(name: ScorerConfig["name"], extra: Record<string, unknown> = {}): ScorerConfig {
  const own: Record<string, Record<string, unknown>> = {
    beta: { K: 2, eps: 1e-8, tol: null },
    dna: { drop_in: 0.12, typicality_threshold: 1e-4 },
    speech: { drop_in: 0.12, typicality_threshold: 1e-4 },
    maxllr: { f: 0.5, p: 0.9, q: 0.1 },
    cosine: { dim: 1, eps: 1e-8 },
  };
  return {
    name,
    _target_: "",
    checkpoint_path: null,
    n_iterations: 100,
    n_attributes: N_ATTR,
    ...own[name],
    ...extra,
  } as unknown as ScorerConfig;
}

// --- data: VoxCeleb2-like referential (mean ~180 recordings per speaker), BA sides, trials
const r = rng(1234);
const rates = Float64Array.from({ length: N_ATTR }, () => 0.02 + 0.96 * r());
const referential = new Float32Array(N_SPEAKERS * N_ATTR * 2);
for (let l = 0; l < N_SPEAKERS; l++) {
  const n = 20 + Math.floor(-Math.log(1 - r()) * 160);
  for (let a = 0; a < N_ATTR; a++) {
    const p = Math.min(1, Math.max(0, rates[a] + 0.2 * (r() + r() + r() - 1.5)));
    const act = Math.min(
      n,
      Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * (r() + r() - 1))),
    );
    referential[(l * N_ATTR + a) * 2] = act;
    referential[(l * N_ATTR + a) * 2 + 1] = n - act;
  }
}
const sides = new Float32Array(N_SIDES * N_ATTR * 2);
for (let s = 0; s < N_SIDES; s++) {
  for (let a = 0; a < N_ATTR; a++) {
    const b = r() < rates[a] ? 1 : 0;
    sides[(s * N_ATTR + a) * 2] = b;
    sides[(s * N_ATTR + a) * 2 + 1] = 1 - b;
  }
}
const pairs = new Uint32Array(2 * N_TRIALS);
for (let i = 0; i < pairs.length; i++) pairs[i] = Math.floor(r() * N_SIDES);
// Enrolment cells of 3 recordings (sides N_SIDES ..), each against random single recordings.
const withCells = new Float32Array((N_SIDES + N_CELLS) * N_ATTR * 2);
withCells.set(sides);
const row = N_ATTR * 2;
for (let c = 0; c < N_CELLS; c++) {
  for (let j = 0; j < 3; j++) {
    const s = Math.floor(r() * N_SIDES);
    for (let i = 0; i < row; i++) withCells[(N_SIDES + c) * row + i] += sides[s * row + i];
  }
}
const summedPairs = new Uint32Array(2 * N_SUMMED);
for (let t = 0; t < N_SUMMED; t++) {
  summedPairs[2 * t] = N_SIDES + Math.floor(r() * N_CELLS);
  summedPairs[2 * t + 1] = Math.floor(r() * N_SIDES);
}

const gpu = await openGpu("auto");
console.log(`adapter: ${gpu.report.name} (${gpu.profile})`);
console.log(`referential ${N_SPEAKERS} x ${N_ATTR} x 2, ${N_SIDES} sides, ${N_TRIALS} trials`);

const llrs = (seconds: number, trials: number) => `${fmt((trials * N_ATTR) / seconds / 1e6)} M/s`;
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
};

// --- ours
const [beta, fitS] = await time(() => fitScorer(gpu, referential, config("beta")));
const [, coldS] = await time(() => scoreTrialPairs(gpu, beta, { sides, pairs }));
const [scores, scoreS] = await time(() => scoreTrialPairs(gpu, beta, { sides, pairs }));
const others: Array<[string, number]> = [];
const fitted = new Map<string, Scorer>();
for (const name of ["dna", "maxllr"] as const) {
  const scorer = await fitScorer(gpu, referential, config(name));
  fitted.set(name, scorer);
  await scoreTrialPairs(gpu, scorer, { sides, pairs: pairs.subarray(0, 2000) });
  others.push([name, (await time(() => scoreTrialPairs(gpu, scorer, { sides, pairs })))[1]]);
}
const cosine = await scorerFromState(gpu, new Map(), config("cosine"));
await scoreTrialPairs(gpu, cosine, { sides, pairs: pairs.subarray(0, 2000) });
others.push(["cosine", (await time(() => scoreTrialPairs(gpu, cosine, { sides, pairs })))[1]]);

// Summed enrolment sides and explanations.
const summedRows: (string | number)[][] = [];
for (const [name, scorer] of [["beta", beta], ["maxllr", fitted.get("maxllr")!]] as const) {
  const trials = { sides: withCells, pairs: summedPairs };
  await scoreTrialPairs(gpu, scorer, { sides: withCells, pairs: summedPairs.subarray(0, 2000) });
  const [, s] = await time(() => scoreTrialPairs(gpu, scorer, trials));
  summedRows.push([
    `${name} score ${N_SUMMED} trials, 3-recording enrolment`,
    s,
    "-",
    "-",
    `ours ${llrs(s, N_SUMMED)}, ${N_CELLS} distinct cells`,
  ]);
}
for (
  const [what, trials] of [
    ["single", { sides, pairs: pairs.subarray(0, 2 * N_EXPLAIN) }],
    ["3-recording enrolment", { sides: withCells, pairs: summedPairs.subarray(0, 2 * N_EXPLAIN) }],
  ] as const
) {
  await explainTrialPairs(gpu, beta, { ...trials, pairs: trials.pairs.subarray(0, 200) });
  const [, s] = await time(() => explainTrialPairs(gpu, beta, trials));
  summedRows.push([
    `beta explain ${N_EXPLAIN} trials, ${what}`,
    s,
    "-",
    "-",
    `per-attribute rows (float64), ours ${llrs(s, N_EXPLAIN)}`,
  ]);
}
{
  const explainer = await TrialExplainer.open(gpu, beta, { sides, pairs });
  try {
    await explainer.top(5, { count: 2000 });
    const [, s] = await time(() => explainer.top(5));
    summedRows.push([
      `beta top-5 explanations of ${N_TRIALS} trials`,
      s,
      "-",
      "-",
      `ranked on the GPU from the table, ${fmt(N_TRIALS / s / 1e3)} k trials/s`,
    ]);
  } finally {
    explainer.release();
  }
}

// Labels: a tenth of the trials become targets by nudging nothing; EER timing only needs two lists.
const tar: number[] = [];
const non: number[] = [];
scores.forEach((s, i) => ((i % 10 === 0 ? tar : non).push(s)));
const [, eerS] = await time(() => Promise.resolve(equalErrorRate(tar, non)));

// --- PyTorch peer
let peer: {
  fit: number;
  score: number;
  trials: number;
  eerLoop: number;
  eerN: number;
  alphaRel: number;
  scoreAbs: number;
} | null = null;
if (await pythonHas("torch", "numpy")) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/ref.f32`, new Uint8Array(referential.buffer));
    await Deno.writeFile(`${dir}/sides.f32`, new Uint8Array(sides.buffer));
    await Deno.writeFile(`${dir}/pairs.u32`, new Uint8Array(pairs.buffer, 0, 8 * PEER_TRIALS));
    const p = beta.params();
    await Deno.writeFile(
      `${dir}/alpha.f32`,
      new Uint8Array((p as { alpha: Float32Array }).alpha.buffer),
    );
    await Deno.writeFile(`${dir}/scores.f64`, new Uint8Array(scores.buffer));
    const eerSub = Float64Array.from(scores.subarray(0, EER_LOOP_N));
    await Deno.writeFile(`${dir}/eer.f64`, new Uint8Array(eerSub.buffer));
    const script = `
import json, sys, time, numpy as np, torch
d, S, A, T = sys.argv[1], ${N_SPEAKERS}, ${N_ATTR}, ${PEER_TRIALS}
ref = torch.from_numpy(np.fromfile(d + "/ref.f32", dtype=np.float32).reshape(S, A, 2))
sides = torch.from_numpy(np.fromfile(d + "/sides.f32", dtype=np.float32).reshape(-1, A, 2))
pairs = torch.from_numpy(np.fromfile(d + "/pairs.u32", dtype=np.uint32).astype(np.int64).reshape(T, 2))
eps = 1e-8
t0 = time.time()
p_ = ref / (ref.sum(dim=-1, keepdim=True) + eps)
Ep = p_.mean(dim=0)
g = ((Ep * (1 - Ep) + 2 * eps) / (p_.var(dim=0) + eps) - 1.0).log().mean().exp()
alpha = Ep * g + eps
for _ in range(100):
    sa = alpha.sum(dim=1)
    num = alpha * (torch.digamma(ref + alpha) - torch.digamma(alpha)).sum(dim=0)
    den = (torch.digamma(ref.sum(dim=-1) + sa) - torch.digamma(sa)).sum(dim=0)
    alpha = num / den.unsqueeze(1)
fit = time.time() - t0
ours_alpha = torch.from_numpy(np.fromfile(d + "/alpha.f32", dtype=np.float32).reshape(A, 2))
alpha_rel = float(((alpha - ours_alpha).abs() / alpha).max())
lg = torch.lgamma
t0 = time.time()
out = []
for b in range(0, T, 20000):
    e = sides[pairs[b:b + 20000, 0]]
    t = sides[pairs[b:b + 20000, 1]]
    out.append((lg((t + alpha).sum(-1)) + lg((e + alpha).sum(-1)) - lg((t + e + alpha).sum(-1))
                - lg(alpha.sum(-1)) + lg(t + e + alpha).sum(-1) + lg(alpha).sum(-1)
                - lg(e + alpha).sum(-1) - lg(t + alpha).sum(-1)).sum(-1))
score = time.time() - t0
# Same alpha as ours for the agreement check (torch float32 formula vs our pairs).
ours_scores = np.fromfile(d + "/scores.f64", dtype=np.float64)[:2000]
e = sides[pairs[:2000, 0]].double(); t = sides[pairs[:2000, 1]].double(); a = ours_alpha.double()
chk = (lg((t + a).sum(-1)) + lg((e + a).sum(-1)) - lg((t + e + a).sum(-1)) - lg(a.sum(-1))
       + lg(t + e + a).sum(-1) + lg(a).sum(-1) - lg(e + a).sum(-1) - lg(t + a).sum(-1)).sum(-1).numpy()
score_abs = float(np.abs(chk - ours_scores).max())
# SpeechBrain's EER loop (speechbrain.utils.metric_stats.EER) on a subset.
s = torch.from_numpy(np.fromfile(d + "/eer.f64", dtype=np.float64)).float()
pos, neg = s[::10], torch.cat([s[i::10] for i in range(1, 10)])
t0 = time.time()
th, _ = torch.sort(torch.cat([pos, neg])); th = torch.unique(th)
th, _ = torch.sort(torch.cat([th, (th[0:-1] + th[1:]) / 2]))
mi, fr, fa = 0, 0, 0
for i, c in enumerate(th):
    FRR = (pos <= c).sum(0).float() / pos.shape[0]
    FAR = (neg > c).sum(0).float() / neg.shape[0]
    if (FAR - FRR).abs().item() < abs(fa - fr) or i == 0:
        mi, fr, fa = i, FRR.item(), FAR.item()
eer_loop = time.time() - t0
print(json.dumps({"fit": fit, "score": score, "trials": T, "eerLoop": eer_loop, "eerN": int(s.shape[0]),
                  "alphaRel": alpha_rel, "scoreAbs": score_abs, "threads": torch.get_num_threads()}))
`;
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", script, dir],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (out.success) {
      peer = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    } else console.log("PyTorch peer failed; ours only");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
} else {
  console.log("no /usr/bin/python3 with torch: ours only");
}

const rows: (string | number)[][] = [
  [
    "beta fit (100 steps)",
    fitS,
    peer ? peer.fit : "-",
    peer ? `${fmt(peer.fit / fitS)}x` : "-",
    peer ? `max alpha diff ${peer.alphaRel.toExponential(1)} rel (torch f32)` : "",
  ],
  [
    `beta score ${N_TRIALS} trials`,
    scoreS,
    peer ? peer.score * (N_TRIALS / peer.trials) : "-",
    peer ? `${fmt((peer.score * (N_TRIALS / peer.trials)) / scoreS)}x` : "-",
    `ours ${llrs(scoreS, N_TRIALS)} attribute-LLRs, ${
      fmt(N_TRIALS / scoreS / 1e3)
    } k trials/s (first call ${fmt(coldS)} s)` +
    (peer
      ? `; torch ${llrs(peer.score, peer.trials)}${
        peer.trials < N_TRIALS ? `, ${peer.trials} trials scaled` : ""
      }; |diff| ${peer.scoreAbs.toExponential(1)}`
      : ""),
  ],
  ...others.map((
    [name, s],
  ) => [`${name} score ${N_TRIALS} trials`, s, "-", "-", `ours ${llrs(s, N_TRIALS)}`]),
  ...summedRows,
  [
    `EER of ${N_TRIALS} scores`,
    eerS,
    peer ? peer.eerLoop * (N_TRIALS / peer.eerN) ** 2 : "-",
    peer ? `${fmt((peer.eerLoop * (N_TRIALS / peer.eerN) ** 2) / eerS)}x` : "-",
    peer
      ? `SpeechBrain loop timed on ${peer.eerN} scores (${
        fmt(peer.eerLoop)
      } s), extrapolated x(N/n)^2`
      : "",
  ],
];
printTable(`Scoring on ${gpu.report.name}`, [
  "step",
  "ours (s)",
  "PyTorch CPU (s)",
  "speed-up",
  "notes",
], rows);
