import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { SAMPLE_PITCH, stageSamples } from "../../src/frontend/sample_texture.ts";
import { RESAMPLE_TAP_PITCH } from "../../src/frontend/tables.ts";

Deno.test({
  name: "stageSamples() puts samples start.. in texels of four, row after row",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Two full texture rows plus a partial third whose last texel is partial too.
    const start = 128;
    const count = 2 * SAMPLE_PITCH * 4 + 4 * 37 + 3;
    const samples = rng.floats(start + count + 5);
    const x = gpu.upload(samples);
    const texels = Math.ceil(count / 4);
    const rows = Math.ceil(texels / SAMPLE_PITCH);
    const run = gpu.run("sample_texture_test");
    // Pooled textures are pitch-wide with room for every row, and a large enough `into` is
    // refilled; the test's own `into` can be copied back (pooled ones lack COPY_SRC).
    const pooled = stageSamples(run, x, start, count);
    assert(pooled.width === SAMPLE_PITCH && pooled.height >= rows, "pooled texture size");
    assert(stageSamples(run, x, start, count, pooled) === pooled, "refills `into`");
    const texture = gpu.device.createTexture({
      size: [SAMPLE_PITCH, rows, 1],
      format: "rgba32float",
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC,
    });
    assert(stageSamples(run, x, start, count, texture) === texture, "refills the test's `into`");
    await run.submit();
    const bytesPerRow = SAMPLE_PITCH * 16;
    const staging = gpu.device.createBuffer({
      size: rows * bytesPerRow,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    const enc = gpu.device.createCommandEncoder();
    enc.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [SAMPLE_PITCH, rows, 1]);
    gpu.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const got = new Float32Array(staging.getMappedRange().slice(0)).subarray(0, count);
    staging.unmap();
    staging.destroy();
    texture.destroy();
    assertEquals([...got], [...samples.subarray(start, start + count)], `seed=${seed}`);
    x.release();
  },
});

Deno.test({
  name: "stageSamples() refuses unaligned starts and ranges outside the tensor",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const x = gpu.upload(new Float32Array(1000));
    const run = gpu.run("sample_texture_test");
    assertThrows(() => stageSamples(run, x, 10, 100), RangeError, "aligned");
    assertThrows(() => stageSamples(run, x, 64, 1000), RangeError, "outside");
    assertThrows(() => stageSamples(run, x, 0, 0), RangeError, "outside");
    await run.submit();
    x.release();
  },
});

Deno.test("SAMPLE_PITCH and RESAMPLE_TAP_PITCH equal the resampling kernel's texture pitches", async () => {
  const src = await Deno.readTextFile(
    new URL("../../kernels/frontend_resample.wgsl", import.meta.url),
  );
  const pitch = (name: string) =>
    Number(src.match(new RegExp(`const ${name}: u32 = (\\d+)u;`))?.[1]);
  assertEquals(pitch("X_PITCH"), SAMPLE_PITCH);
  assertEquals(pitch("TAP_PITCH"), RESAMPLE_TAP_PITCH);
});
