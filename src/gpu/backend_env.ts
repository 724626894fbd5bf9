/**
 * Side-effect module, imported before anything touches WebGPU globals.
 *
 * Mesa's window-system probing prints "XDG_RUNTIME_DIR is invalid" on headless
 * Linux machines; giving it a private runtime dir (as a login session would)
 * keeps our stderr clean. wgpu itself picks Vulkan (lavapipe) before GL.
 * @module
 */

function ensureRuntimeDir(): void {
  try {
    if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
    const uid = Deno.uid() ?? 0;
    const dir = `/tmp/balr-runtime-${uid}`;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Without --allow-env/--allow-write the warning stays; nothing breaks.
  }
}

ensureRuntimeDir();
