/**
 * Opening a WebGPU device from a `--device` string, and reporting what we got.
 *
 * `auto`, `gpu`, `cuda`, `cuda:N` ask for the high-performance adapter; `cpu`
 * asks for the fallback (software) adapter. When only a software adapter
 * exists we use it and warn; when there is none at all the error says what
 * to install.
 * @module
 */

/** What the adapter is, as printed by `balr doctor` and `balr --version`. */
export interface AdapterReport {
  /** Human-readable adapter name (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"). */
  name: string;
  /** Vendor string or PCI/Khronos vendor id. */
  vendor: string;
  /** Architecture string reported by the driver (often empty). */
  architecture: string;
  /** The native API wgpu was asked to use (`DENO_WEBGPU_BACKEND`), or "default". */
  backend: string;
  /** True when the browser-level API flags it as a fallback adapter. */
  isFallback: boolean;
  /** True for CPU rasterisers (llvmpipe, lavapipe, SwiftShader, WARP). */
  isSoftware: boolean;
}

/** Which family of kernel variants pays on this adapter. */
export type AdapterProfile = "software" | "hardware";

/** The parsed meaning of a `--device` value. */
export interface DeviceRequest {
  /** The string the user typed. */
  text: string;
  /** Which adapter to ask WebGPU for. */
  power: "high-performance" | "fallback";
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|microsoft basic render|warp/i;

/** Parses `--device` (`auto`, `gpu`, `cpu`, `cuda`, `cuda:N`, `cuda:0,1`). */
export function parseDeviceRequest(text: string): DeviceRequest {
  const t = text.trim().toLowerCase();
  if (t === "cpu") return { text, power: "fallback" };
  if (t === "auto" || t === "gpu" || t === "cuda" || /^cuda:\d+(,\d+)*$/.test(t)) {
    return { text, power: "high-performance" };
  }
  throw new TypeError(
    `Unknown --device "${text}": expected auto, gpu, cpu, cuda or cuda:N`,
  );
}

/** Reads an adapter's identity into a plain report. */
export function describeAdapter(adapter: GPUAdapter): AdapterReport {
  const info = adapter.info;
  const name = info.description || info.device || "unknown adapter";
  const isFallback = Boolean(
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  return {
    name,
    vendor: info.vendor,
    architecture: info.architecture,
    backend: safeEnv("DENO_WEBGPU_BACKEND") ?? "default",
    isFallback,
    isSoftware: isFallback || SOFTWARE_NAMES.test(name),
  };
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** Where the user should look when no adapter exists. */
export const NO_ADAPTER_HELP = "No WebGPU adapter was found. On Debian/Ubuntu install Mesa's " +
  "software Vulkan driver (`apt-get install -y mesa-vulkan-drivers`) or a GPU driver; " +
  "set DENO_WEBGPU_BACKEND=gl to try OpenGL instead of Vulkan.";

/** The adapter we chose plus a warning to show the user, if any. */
export interface AdapterChoice {
  /** The adapter to open a device on. */
  adapter: GPUAdapter;
  /** Set when we fell back to something the user did not ask for. */
  warning?: string;
}

/** Asks WebGPU for an adapter that fits the request. */
export async function requestAdapter(request: DeviceRequest): Promise<AdapterChoice> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) {
    throw new Error(`WebGPU is not available in this runtime. ${NO_ADAPTER_HELP}`);
  }
  if (request.power === "fallback") {
    const soft = await navigator.gpu.requestAdapter({ forceFallbackAdapter: true });
    if (soft) return { adapter: soft };
    const any = await navigator.gpu.requestAdapter();
    if (!any) throw new Error(NO_ADAPTER_HELP);
    return {
      adapter: any,
      warning: `--device ${request.text}: no software adapter; using ${describeAdapter(any).name}`,
    };
  }
  const hw = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!hw) {
    const soft = await navigator.gpu.requestAdapter({ forceFallbackAdapter: true });
    if (!soft) throw new Error(NO_ADAPTER_HELP);
    return { adapter: soft, warning: softwareWarning(request, soft) };
  }
  const report = describeAdapter(hw);
  return report.isSoftware ? { adapter: hw, warning: softwareWarning(request, hw) } : {
    adapter: hw,
  };
}

function softwareWarning(request: DeviceRequest, adapter: GPUAdapter): string | undefined {
  // Asking for `auto` on a machine without a GPU is normal; say it only once.
  const name = describeAdapter(adapter).name;
  return `--device ${request.text}: no hardware GPU adapter found; running on the software adapter ${name}`;
}

/** The limits we ask for: everything the adapter offers that our kernels use. */
export function wantedLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupSizeY",
    "maxComputeWorkgroupSizeZ",
    "maxComputeWorkgroupsPerDimension",
    "maxStorageBuffersPerShaderStage",
    "maxBindingsPerBindGroup",
    "maxUniformBufferBindingSize",
    "maxTextureDimension2D",
    "maxTextureArrayLayers",
  ] as const;
  const out: Record<string, number> = {};
  for (const n of names) out[n] = adapter.limits[n];
  return out;
}
