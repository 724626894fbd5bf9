/**
 * Why kernels bound their per-invocation loops: on Mesa's software adapter
 * an invocation's loops stop silently after SOFTWARE_LOOP_LIMIT steps. This
 * probe (a test-only shader, not a product kernel) pins that fact, so a Mesa
 * that changes it shows up here rather than as wrong numbers elsewhere.
 */
import { assertEquals } from "../_helpers/assert.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { LOOP_BUDGET, SOFTWARE_LOOP_LIMIT } from "../../src/gpu/mod.ts";

Deno.test({
  name: "SOFTWARE_LOOP_LIMIT matches where the software adapter cuts loops short",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const device = gpu.device;
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<uniform> n: vec4u;
@compute @workgroup_size(1) fn main() {
  var count = 0u;
  for (var i = 0u; i < n.x; i++) { count += 1u; }
  out[0] = count;
}`,
    });
    const pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    const counts: number[] = [];
    for (const n of [LOOP_BUDGET, SOFTWARE_LOOP_LIMIT + 1, 200000]) {
      const out = gpu.empty([4], "u32");
      const uni = device.createBuffer({
        size: 16,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(uni, 0, new Uint32Array([n, 0, 0, 0]));
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [{ binding: 0, resource: { buffer: out.buffer } }, {
            binding: 1,
            resource: { buffer: uni },
          }],
        }),
      );
      pass.dispatchWorkgroups(1);
      pass.end();
      device.queue.submit([encoder.finish()]);
      counts.push((await gpu.read(out))[0]);
      out.release();
      uni.destroy();
    }
    assertEquals(counts[0], LOOP_BUDGET, "the budget kernels plan for always runs in full");
    if (gpu.profile === "software") {
      assertEquals(counts.slice(1), [SOFTWARE_LOOP_LIMIT, SOFTWARE_LOOP_LIMIT]);
    } else {
      assertEquals(counts.slice(1), [SOFTWARE_LOOP_LIMIT + 1, 200000]);
    }
  },
});
