/**
 * GPU runtime overheads on this adapter, ours next to raw WebGPU calls:
 * - round trip: upload 1 KiB + one dispatch + readback, awaited;
 * - batching: 100 dispatches in one submit vs 100 awaited submits;
 * - bandwidth: vec4 device copy, host→device upload, device→host readback.
 * Run: deno run -A bench/gpu_runtime_bench.ts
 */
import { openGpu } from "../src/gpu/mod.ts";
import { utilCopy } from "../src/kernels/util_copy.ts";
import { printTable, timeIt } from "./_harness.ts";

const gpu = await openGpu("auto");
const device = gpu.device;
console.log(`adapter: ${gpu.report.name} (${gpu.report.isSoftware ? "software" : "hardware"})`);

// --- round trip: ours vs raw WebGPU --------------------------------------
const small = new Float32Array(256).map((_, i) => i);
const ours = await timeIt(async () => {
  const a = gpu.upload(small);
  const b = gpu.empty([256]);
  const run = gpu.run("rt");
  utilCopy(run, a, b);
  run.read(b);
  await run.submit();
  a.release();
  b.release();
}, { minSeconds: 2 });

const module = device.createShaderModule({
  code: `@group(0) @binding(0) var<storage, read> s: array<f32>;
         @group(0) @binding(1) var<storage, read_write> d: array<f32>;
         @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
           if (g.x < arrayLength(&d)) { d[g.x] = s[g.x]; } }`,
});
const pipeline = device.createComputePipeline({
  layout: "auto",
  compute: { module, entryPoint: "main" },
});
const rawSrc = device.createBuffer({
  size: 1024,
  usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
});
const rawDst = device.createBuffer({
  size: 1024,
  usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
});
const rawRead = device.createBuffer({
  size: 1024,
  usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
});
const rawGroup = device.createBindGroup({
  layout: pipeline.getBindGroupLayout(0),
  entries: [{ binding: 0, resource: { buffer: rawSrc } }, {
    binding: 1,
    resource: { buffer: rawDst },
  }],
});
const raw = await timeIt(async () => {
  device.queue.writeBuffer(rawSrc, 0, small);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, rawGroup);
  pass.dispatchWorkgroups(4);
  pass.end();
  enc.copyBufferToBuffer(rawDst, 0, rawRead, 0, 1024);
  device.queue.submit([enc.finish()]);
  await rawRead.mapAsync(GPUMapMode.READ);
  rawRead.getMappedRange().slice(0);
  rawRead.unmap();
}, { minSeconds: 2 });
printTable("Round trip (1 KiB upload + 1 dispatch + readback, awaited)", [
  "path",
  "median ms",
  "min ms",
  "ratio to raw",
], [
  ["balr GpuRun", ours.median * 1e3, ours.min * 1e3, ours.median / raw.median],
  ["raw WebGPU", raw.median * 1e3, raw.min * 1e3, 1],
]);

// --- batching: one submit vs awaited submits -----------------------------
const a = gpu.upload(small);
const b = gpu.empty([256]);
const batched = await timeIt(async () => {
  const run = gpu.run("batched");
  for (let i = 0; i < 100; i++) utilCopy(run, a, b);
  run.read(b);
  await run.submit();
});
const awaited = await timeIt(async () => {
  for (let i = 0; i < 100; i++) {
    const run = gpu.run("awaited");
    utilCopy(run, a, b);
    run.read(b);
    await run.submit();
  }
});
printTable("100 small dispatches", ["mode", "total ms", "per dispatch ms", "speed-up"], [
  [
    "one submit, one readback",
    batched.median * 1e3,
    batched.median * 10,
    awaited.median / batched.median,
  ],
  ["awaited per dispatch", awaited.median * 1e3, awaited.median * 10, 1],
]);

// --- bandwidth --------------------------------------------------------------
const rows: (string | number)[][] = [];
for (const mib of [1, 16, 64]) {
  const n = (mib << 20) / 4;
  const host = new Float32Array(n).fill(1);
  const x = gpu.upload(host);
  const y = gpu.empty([n]);
  const copy = await timeIt(async () => {
    const run = gpu.run("copy");
    for (let i = 0; i < 4; i++) utilCopy(run, x, y);
    run.read(y, 1);
    await run.submit();
  });
  const up = await timeIt(async () => {
    gpu.write(x, host);
    await gpu.sync();
  });
  const down = await timeIt(() => gpu.read(y));
  const bytes = n * 4;
  rows.push([
    `${mib} MiB`,
    (4 * 2 * bytes) / copy.median / 1e9,
    bytes / up.median / 1e9,
    bytes / down.median / 1e9,
  ]);
  x.release();
  y.release();
}
printTable("Bandwidth (GB/s)", ["size", "device copy (r+w)", "upload", "readback"], rows);
