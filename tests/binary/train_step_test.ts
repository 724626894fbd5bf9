/**
 * One BAE training step against PyTorch autograd + torch.optim.Adam
 * (fixtures from tools/make_bae_fixtures.py): same initial weights, same
 * batch, each loss alone and in combination.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertClose, maxAbsDiff } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { type HostTensor, toFloat32 } from "../../src/io/host_tensor.ts";
import { BAE_PARAMETER_KEYS, baeWeightsFromStateDict } from "../../src/binary/bae_weights.ts";
import {
  createBaeModel,
  readBaeWeights,
  releaseBaeModel,
  unpackHost,
} from "../../src/binary/bae_model.ts";
import {
  createTrainState,
  readArcfaceWeights,
  recordStep,
  releaseTrainState,
  uploadBatchLabels,
} from "../../src/binary/bae_train_step.ts";
import { lossSpecs } from "../../src/binary/losses.ts";
import { SeededRandom } from "../../src/binary/seeded_random.ts";
import { gpuMatrix } from "../../src/kernels/_bae_matrix.ts";

const DATA = new URL("../testdata/bae/", import.meta.url).pathname;

const CASES: Record<string, Record<string, number>> = {
  mse: { mse: 1 },
  triplet: { triplet: 1 },
  sparsity: { sparsity: 1 },
  arcface: { arcface: 1 },
  mse_triplet: { mse: 1, triplet: 1 },
  all: { mse: 1, triplet: 1, sparsity: 1e-4, arcface: 1e-3 },
};

function numbers(t: HostTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

const LR = 1e-3;
const EPS = 1e-8;

/**
 * Asserts updated weights within 1e-5 relative (1e-7 absolute), widened only by
 * how much Adam's first step can move within the gradient's tolerance δg (the one the
 * gradient check above enforces): the update lr·u(g), u(g) = g/(|g| + ε), changes by at
 * most lr·max |u(g ± δg) − u(g)|. For a gradient that cancels to within δg of zero the
 * sign of the step is rounding noise, and the bound says so.
 */
function assertUpdated(
  got: Float32Array,
  want: Float32Array,
  grad: Float32Array | undefined,
  what: string,
) {
  const scale = grad ? Math.max(...grad.map(Math.abs)) : 0;
  let bad = 0;
  let widened = 0;
  let first = "";
  for (let i = 0; i < want.length; i++) {
    const base = 1e-5 * Math.abs(want[i]) + 1e-7;
    let tol = base;
    if (grad) {
      const g = grad[i];
      const dg = 1e-5 * scale + 1e-4 * Math.abs(g);
      const u = (v: number) => v / (Math.abs(v) + EPS);
      tol += LR * Math.max(Math.abs(u(g + dg) - u(g)), Math.abs(u(g - dg) - u(g)));
    }
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) {
      bad++;
      first ||= `[${i}] ${got[i]} vs ${want[i]} (grad ${grad?.[i]})`;
    } else if (err > base) widened++;
  }
  assert(bad === 0, `${what}: ${bad} of ${want.length} updated values differ, first ${first}`);
  if (widened) console.log(`  ${what}: ${widened} values within the Adam-amplified tolerance only`);
}

for (const [name, weights] of Object.entries(CASES)) {
  Deno.test({
    name: `recordStep() matches PyTorch autograd and Adam for ${name}`,
    ...GPU_TEST,
    async fn() {
      const gpu = await testGpu();
      if (!gpu) return;
      const init = await readStateDict(`${DATA}bae_train_init.pt`);
      const want = await readStateDict(`${DATA}bae_train_${name}.pt`);
      const modelSd = new Map(
        [...init].filter(([k]) => k.startsWith("model.")).map(([k, v]) => [k.slice(6), v]),
      );
      const w0 = baeWeightsFromStateDict(modelSd, "bae_train_init.pt");
      const x = toFloat32(init.get("input")!);
      const labels = numbers(init.get("labels")!);
      const d = w0.dims.inputDim;
      const n = labels.length;
      const losses = lossSpecs(
        Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, { weight: w }])),
      );
      const model = createBaeModel(gpu, w0);
      const state = createTrainState(model, losses, {
        lr: LR,
        classes: init.get("arcface.W")!.shape[1],
        samplesPerClass: 4,
        rng: new SeededRandom(0),
        initial: {
          arcfaceW: toFloat32(init.get("arcface.W")!),
          sparsityTarget: Float32Array.from(numbers(init.get("sparsity.target")!)),
        },
      });
      const ld = 64;
      const host = new Float32Array(n * ld);
      for (let r = 0; r < n; r++) host.set(x.subarray(r * d, (r + 1) * d), r * ld);
      const run = gpu.run("bae_train_step_test");
      const xm = gpuMatrix(run.scratch([n * ld], "f32", "x"), n, d);
      gpu.write(xm.tensor, host);
      const batch = uploadBatchLabels(run, state, xm, labels);
      const rec = recordStep(run, state, batch, { train: true });
      run.read(rec.batchLosses);
      run.read(state.grads);
      const [lossValues, grads] = await run.submit() as Float32Array[];

      // Loss values.
      losses.forEach((l, k) => {
        const ref = want.get(`loss.${l.name}`)!.data[0] as number;
        assertClose([lossValues[k]], [ref], { rtol: 1e-5, atol: 1e-7 }, `${name}: loss ${l.name}`);
      });
      const total = want.get("loss.total")!.data[0] as number;
      assertClose(
        [lossValues[losses.length]],
        [total],
        { rtol: 1e-5, atol: 1e-7 },
        `${name}: total`,
      );

      // Gradients (where PyTorch has them) and unchanged decoder otherwise.
      for (const key of BAE_PARAMETER_KEYS) {
        const g = want.get(`grad.${key}`);
        if (!g) continue;
        const got = unpackHost(model.layout.slots.get(key)!, grads);
        const ref = toFloat32(g);
        const scale = Math.max(...ref.map(Math.abs));
        assertClose(got, ref, { atol: 1e-5 * scale, rtol: 1e-4 }, `${name}: grad ${key}`);
      }
      const after = await readBaeWeights(model);
      for (const [key, t] of after.tensors) {
        const ref = want.get(`after.${key}`)!;
        if (key.endsWith("num_batches_tracked")) {
          assertEquals(
            Number((t.data as BigInt64Array)[0]),
            Number((ref.data as BigInt64Array)[0]),
          );
          continue;
        }
        const g = want.get(`grad.${key}`);
        assertUpdated(t.data as Float32Array, toFloat32(ref), g && toFloat32(g), `${name}: ${key}`);
      }
      if (weights.arcface) {
        const wAfter = await readArcfaceWeights(state);
        const g = toFloat32(want.get("grad.arcface.W")!);
        assertUpdated(wAfter!, toFloat32(want.get("after.arcface.W")!), g, `${name}: ArcFace W`);
      }
      if (!weights.mse) {
        const d0 = toFloat32(modelSd.get("decoder.0.weight")!);
        assert(
          maxAbsDiff(after.tensors.get("decoder.0.weight")!.data as Float32Array, d0) === 0,
          "decoder moved",
        );
      }
      releaseTrainState(state);
      releaseBaeModel(model);
    },
  });
}
