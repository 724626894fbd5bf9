import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { readStateDict } from "../../src/io/torch_checkpoint.ts";
import { toFloat32 } from "../../src/io/host_tensor.ts";
import { baeWeightsFromStateDict, loadBae } from "../../src/binary/bae_weights.ts";
import { baVectors, binarizeEmbeddings } from "../../src/binary/binarize.ts";

const BAE_PATH = new URL("../../../shared/models/BAE/BAE_mse.pt", import.meta.url).pathname;
const FIXTURE = new URL("../testdata/bae/bae_mse_forward.pt", import.meta.url).pathname;

async function sharedModelPresent(): Promise<boolean> {
  try {
    await Deno.stat(BAE_PATH);
    return true;
  } catch {
    console.warn(`%cSKIPPING: ${BAE_PATH} is absent (../shared not mounted)`, "color: yellow");
    return false;
  }
}

Deno.test({
  name: "binarizeEmbeddings() reproduces PyTorch's BAE_mse.pt attributes and Z",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu || !(await sharedModelPresent())) return;
    const weights = await loadBae(BAE_PATH);
    const fx = await readStateDict(FIXTURE);
    const input = toFloat32(fx.get("input")!);
    const zRef = toFloat32(fx.get("z")!);
    const n = input.length / 256;
    assertEquals(n, 300);
    // Odd chunking exercises the per-submit split and the texture-shape classes.
    const out = await binarizeEmbeddings(gpu, weights, input, { batchSize: 128, ba: true });
    assertClose(out.z, zRef, { atol: 1e-5 }, "Z vs PyTorch");
    let mismatches = 0;
    let nearZero = 0;
    for (let i = 0; i < zRef.length; i++) {
      const bRef = zRef[i] > 0 ? 1 : 0;
      if (Math.abs(zRef[i]) < 1e-5) nearZero++;
      if (out.bits[i] !== bRef) {
        mismatches++;
        assert(
          Math.abs(zRef[i]) < 1e-5,
          `attribute ${i % 512} of row ${Math.floor(i / 512)} differs with |Z| = ${
            Math.abs(zRef[i])
          }`,
        );
      }
    }
    console.log(
      `  ${zRef.length} attributes, ${mismatches} mismatches (${nearZero} with |Z| < 1e-5)`,
    );
    assertEquals(out.ba, baVectors(out.bits));
  },
});

Deno.test({
  name: "binarizeEmbeddings() names the id of a NaN or wrong-sized embedding",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu || !(await sharedModelPresent())) return;
    const weights = await loadBae(BAE_PATH);
    const x = new Float32Array(3 * 256).fill(0.1);
    x[256 + 7] = NaN;
    await assertRejects(
      () => binarizeEmbeddings(gpu, weights, x, { ids: ["a.wav", "b.wav", "c.wav"] }),
      RangeError,
      "embedding b.wav has a non-finite value",
    );
    x[256 + 7] = Infinity;
    await assertRejects(() => binarizeEmbeddings(gpu, weights, x), RangeError, "embedding #1");
    await assertRejects(
      () => binarizeEmbeddings(gpu, weights, new Float32Array(300)),
      RangeError,
      "not a multiple of the BAE input size 256",
    );
  },
});

Deno.test("baeWeightsFromStateDict() names the key and both shapes of a mismatch", async () => {
  if (!(await sharedModelPresent())) return;
  const sd = await readStateDict(BAE_PATH);
  const bad = new Map(sd);
  bad.set("encoder.3.weight", {
    dtype: "float32",
    shape: [512, 500],
    data: new Float32Array(512 * 500),
  });
  let message = "";
  try {
    baeWeightsFromStateDict(bad, "bad.pt");
  } catch (e) {
    message = (e as Error).message;
  }
  assertEquals(message, "bad.pt: key encoder.3.weight has shape [512, 500], expected [512, 512]");
  const missing = new Map(sd);
  missing.delete("decoder.0.bias");
  try {
    baeWeightsFromStateDict(missing, "missing.pt");
  } catch (e) {
    message = (e as Error).message;
  }
  assertEquals(message, "missing.pt: missing key decoder.0.bias (expected shape [512])");
});
