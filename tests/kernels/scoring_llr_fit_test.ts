import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { type LlrModel, scoringLlrFit } from "../../src/kernels/scoring_llr_fit.ts";
import { scoringLlrFitRef } from "../../src/reference/scoring_llr_fit.ts";
import { randomReferential } from "../scoring/_counts.ts";

interface Case {
  nAttr: number;
  nSpeakers: number;
  tpa: number;
  wg: number;
  dropIn: number;
  threshold: number;
}

async function check(counts: Float32Array, c: Case, model: LlrModel, what: string): Promise<void> {
  const gpu = (await testGpu())!;
  const { nAttr, nSpeakers } = c;
  const t = {
    counts: gpu.upload(counts),
    typicality: gpu.empty([nAttr], "f32", { poison: true }),
    dropout: gpu.empty([nAttr], "f32", { poison: true }),
    llrs: gpu.empty([2, nAttr, 2], "f32", { poison: true }),
  };
  const run = gpu.run("scoring_llr_fit_test");
  scoringLlrFit(run, {
    ...t,
    nAttr,
    nSpeakers,
    model,
    dropIn: c.dropIn,
    threshold: c.threshold,
    tpa: c.tpa,
    wg: c.wg,
  });
  run.read(t.typicality);
  run.read(t.dropout);
  run.read(t.llrs);
  const [typ, drop, llrs] = await run.submit();
  const ref = scoringLlrFitRef(counts, {
    nAttr,
    nSpeakers,
    model,
    dropIn: c.dropIn,
    threshold: c.threshold,
  });
  assertClose(typ, ref.typicality, { atol: 1e-12, rtol: 1e-6 }, `typicality ${what}`);
  assertClose(drop, ref.dropout, { atol: 1e-7, rtol: 1e-6 }, `dropout ${what}`);
  // log-LRs up to ~30 in magnitude: ~1e-6 relative through T and Dout.
  assertClose(llrs, ref.llrs, { atol: 2e-5, rtol: 1e-6 }, `llrs ${what}`);
  for (const x of Object.values(t)) x.release();
}

Deno.test({
  name:
    "scoringLlrFit() matches its reference for DNA and Speech at edge sizes and past a dispatch dimension",
  ...GPU_TEST,
  async fn() {
    if (!(await testGpu())) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    const base = { nSpeakers: 50, tpa: 1, wg: 64, dropIn: 0.12, threshold: 1e-4 };
    const cases: Case[] = [
      { ...base, nAttr: 1 },
      { ...base, nAttr: 63 },
      { ...base, nAttr: 64, tpa: 16 },
      { ...base, nAttr: 65, nSpeakers: 400, tpa: 64 },
      // Degenerate settings: no threshold, drop-in 0 or 1 put +-inf in the reference's tables.
      { ...base, nAttr: 40, threshold: 0, dropIn: 0 },
      { ...base, nAttr: 40, threshold: 0, dropIn: 1 },
      { ...base, nAttr: 65536, nSpeakers: 3, wg: 1 },
    ];
    for (const c of cases) {
      const counts = randomReferential(rng, {
        nSpeakers: c.nSpeakers,
        nAttr: c.nAttr,
        maxRecordings: 300,
      });
      for (const model of ["dna", "speech"] as const) {
        await check(
          counts,
          c,
          model,
          `${model} attr=${c.nAttr} din=${c.dropIn} thr=${c.threshold} seed=${seed}`,
        );
      }
    }
  },
});
