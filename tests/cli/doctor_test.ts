import { assert } from "../_helpers/assert.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { runDoctor } from "../../src/cli/doctor.ts";
import { probeAdapterLine } from "../../src/cli/version.ts";

Deno.test({
  name: "runDoctor() reports the adapter, its profile and the limits we use",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    let out = "";
    const code = await runDoctor({
      command: "doctor",
      device: "auto",
      io: { stdout: (s) => (out += s), stderr: () => {} },
    });
    assert(code === 0, out);
    for (
      const w of [
        gpu.report.name,
        `kernel profile        ${gpu.profile}`,
        "maxStorageBufferBindingSize",
        `Deno ${Deno.version.deno}`,
      ]
    ) {
      assert(out.includes(w), `${w} missing from:\n${out}`);
    }
  },
});

Deno.test({
  name: "probeAdapterLine() names the adapter WebGPU offers",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const line = await probeAdapterLine(10_000);
    assert(line !== null && line.startsWith("WebGPU adapter: "), String(line));
  },
});
