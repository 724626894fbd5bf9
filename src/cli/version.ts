/**
 * `balr --version`: the package version, plus the WebGPU adapter we would
 * run on when one answers quickly.
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };

/** The package version from deno.json. */
export const BALR_VERSION: string = denoJson.version;

/**
 * One line naming the default adapter (`WebGPU adapter: … (software)`), or
 * null when WebGPU is missing, finds nothing, or takes longer than
 * `timeoutMs`.
 */
export async function probeAdapterLine(timeoutMs = 2000): Promise<string | null> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) return null;
  await import("../gpu/backend_env.ts");
  const { describeAdapter } = await import("../gpu/device.ts");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const adapter = await Promise.race([
      navigator.gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null),
      timeout,
    ]);
    if (!adapter) return null;
    const r = describeAdapter(adapter);
    return `WebGPU adapter: ${r.name} (${r.isSoftware ? "software" : "hardware"})`;
  } finally {
    clearTimeout(timer);
  }
}

/** The text `--version` prints. */
export async function versionText(
  probe: () => Promise<string | null> = probeAdapterLine,
): Promise<string> {
  const adapter = await probe().catch(() => null);
  return `balr ${BALR_VERSION}\n${adapter ? `${adapter}\n` : ""}`;
}
