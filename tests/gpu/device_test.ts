import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { describeAdapter, parseDeviceRequest } from "../../src/gpu/mod.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";

Deno.test("parseDeviceRequest() maps upstream and WebGPU device names", () => {
  assertEquals(parseDeviceRequest("cpu").power, "fallback");
  for (const t of ["auto", "gpu", "cuda", "cuda:0", "cuda:0,1", "CUDA:3"]) {
    assertEquals(parseDeviceRequest(t).power, "high-performance", t);
  }
});

Deno.test("parseDeviceRequest() names the bad value", () => {
  assertThrows(() => parseDeviceRequest("tpu"), TypeError, '"tpu"');
  assertThrows(() => parseDeviceRequest("cuda:x"), TypeError, "cuda:x");
});

Deno.test({
  name: "describeAdapter() reports a software adapter on llvmpipe",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const r = describeAdapter(gpu.adapter);
    assert(r.name.length > 0);
    if (/llvmpipe/.test(r.name)) {
      assert(r.isSoftware, "llvmpipe must count as software");
      assertEquals(gpu.profile, "software");
    }
  },
});
