/**
 * `balr doctor`: what this machine gives us — Deno and OS, the WebGPU
 * adapter `--device` selects (through the same `openGpu` the engines use),
 * the kernel profile, and the device limits our kernels rely on.
 * @module
 */
import type { DoctorRequest } from "./handlers.ts";
import { BALR_VERSION } from "./version.ts";

/** Prints the report; exit code 1 when no adapter opens. */
export async function runDoctor(req: DoctorRequest): Promise<number> {
  const out = (line = "") => req.io.stdout(`${line}\n`);
  out(`balr ${BALR_VERSION}`);
  out(
    `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`,
  );
  out(`OS: ${Deno.build.os} ${Deno.build.arch}`);
  out(`--device: ${req.device}`);
  const { openGpu, wantedLimits, NO_ADAPTER_HELP } = await import("../gpu/mod.ts");
  let gpu;
  try {
    gpu = await openGpu(req.device, { onWarning: (m) => req.io.stderr(`warning: ${m}\n`) });
  } catch (e) {
    req.io.stderr(`balr: error: no WebGPU device: ${(e as Error).message}\n`);
    if (!(e as Error).message.includes(NO_ADAPTER_HELP)) req.io.stderr(`${NO_ADAPTER_HELP}\n`);
    return 1;
  }
  const r = gpu.report;
  out();
  out("WebGPU adapter");
  const rows: [string, string][] = [
    ["name", r.name],
    ["vendor", r.vendor || "(none)"],
    ["architecture", r.architecture || "(none)"],
    ["backend", r.backend],
    ["fallback adapter", String(r.isFallback)],
    ["software rasteriser", String(r.isSoftware)],
    ["kernel profile", gpu.profile],
  ];
  for (const [k, v] of rows) out(`  ${k.padEnd(22)}${v}`);
  out();
  out("Device limits we use (granted)");
  for (const name of Object.keys(wantedLimits(gpu.adapter))) {
    const value = gpu.limits[name as keyof GPUSupportedLimits] as number;
    out(`  ${name.padEnd(36)}${value.toLocaleString("en-US")}`);
  }
  const features = [...gpu.adapter.features].sort();
  out();
  out(`Adapter features: ${features.length ? features.join(", ") : "(none)"}`);
  return 0;
}
