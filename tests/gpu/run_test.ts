import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { Gpu, sizeClass } from "../../src/gpu/mod.ts";
import { UTIL_COPY, utilCopy } from "../../src/kernels/util_copy.ts";

Deno.test("sizeClass() rounds to powers of two below 1 MiB and to MiB above", () => {
  assertEquals(sizeClass(1), 256);
  assertEquals(sizeClass(300), 512);
  assertEquals(sizeClass((1 << 20) + 1), 2 << 20);
});

Deno.test({
  name: "GpuRun.submit() chains many dispatches and returns reads in order",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const data = new Rng(seed).floats(1000);
    // 300 dispatches cross the 64 KiB uniform chunk (256-byte slots).
    const a = gpu.upload(data);
    const b = gpu.empty([1000], "f32", { poison: true });
    const run = gpu.run("chain");
    for (let i = 0; i < 150; i++) {
      utilCopy(run, a, b);
      utilCopy(run, b, a, { n: 500 + i });
    }
    run.read(a);
    run.read(b, 10, 990);
    assertEquals(run.dispatchCount, 300);
    const [ra, rb] = await run.submit();
    assertClose(ra, data, {}, `seed ${seed}`);
    assertClose(rb, data.subarray(990), {}, `seed ${seed}`);
    a.release();
    b.release();
  },
});

Deno.test({
  name: "PipelineCache.get() creates no pipeline in a repeated hot path",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const a = gpu.upload(new Float32Array(64));
    const b = gpu.empty([64]);
    const warm = gpu.run("warm");
    utilCopy(warm, a, b);
    await warm.submit();
    const before = gpu.pipelines.size;
    for (let i = 0; i < 5; i++) {
      const run = gpu.run("hot");
      utilCopy(run, a, b, { n: 1 + i * 10 });
      await run.submit();
    }
    assertEquals(gpu.pipelines.size, before);
    a.release();
    b.release();
  },
});

Deno.test({
  name: "BufferPool reuses released buffers only after a submit",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const t = gpu.empty([1000]);
    const buf = t.buffer;
    t.release();
    const u = gpu.empty([1000]);
    assert(u.buffer !== buf, "a buffer released before any submit must not be reused");
    await gpu.run("flush").submit();
    const v = gpu.empty([1000]);
    assertEquals(v.buffer === buf || u.buffer === buf, true);
    u.release();
    v.release();
  },
});

Deno.test({
  name: "GpuRun rejects reuse after submit and released tensors",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const run = gpu.run("once");
    await run.submit();
    await assertRejects(() => run.submit(), Error, "already submitted");
    const t = gpu.empty([4]);
    t.release();
    assertThrows(() => utilCopy(gpu.run("x"), t, t), Error, "released");
  },
});

Deno.test({
  name: "Gpu.assertAlive() names the run after the device is lost",
  ...GPU_TEST,
  async fn() {
    const shared = await testGpu();
    if (!shared) return;
    const device = await shared.adapter.requestDevice();
    const gpu = new Gpu(shared.adapter, device);
    device.destroy();
    await device.lost;
    await new Promise((r) => setTimeout(r, 0));
    assertThrows(() => gpu.run("after-loss"), Error, "after-loss");
  },
});

Deno.test({
  name: "Gpu.empty() refuses tensors over maxBufferSize with the shape in the message",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    assertThrows(() => gpu.empty([gpu.limits.maxBufferSize]), RangeError, "maxBufferSize");
  },
});

Deno.test({
  name: "GpuRun.submit() in debug mode names the kernel whose dispatch failed validation",
  ...GPU_TEST,
  async fn() {
    const shared = await testGpu();
    if (!shared) return;
    Deno.env.set("BALR_GPU_DEBUG", "1");
    const log = console.error;
    console.error = () => {};
    try {
      const gpu = new Gpu(shared.adapter, await shared.adapter.requestDevice());
      // A buffer without STORAGE usage cannot be bound as storage.
      const bad = gpu.device.createBuffer({ size: 64, usage: GPUBufferUsage.COPY_DST });
      const run = gpu.run("debug-run");
      utilCopy(run, gpu.upload(new Float32Array(16)), gpu.empty([16]), { n: 16 });
      run.dispatch(UTIL_COPY, {
        bindings: { src: bad, dst: bad },
        uniforms: { n: 16 },
        workgroups: 1,
      });
      await assertRejects(() => run.submit(), Error, "util_copy");
      gpu.destroy();
    } finally {
      Deno.env.delete("BALR_GPU_DEBUG");
      console.error = log;
    }
  },
});
