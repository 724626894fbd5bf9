/**
 * Kernels load when the module is imported by URL, not only from a local
 * checkout: the repository is served over loopback HTTP and a subprocess
 * imports a kernel binding from there (with an import map for the npm
 * packages, as a consumer of a URL import provides) and runs it.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";

const root = new URL("../../", import.meta.url);

const TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".json": "application/json",
  ".wgsl": "text/plain",
};

Deno.test({
  name: "kernel bindings load their .wgsl over HTTP and run",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const path = new URL(req.url).pathname;
        if (path.includes("..")) return new Response("no", { status: 400 });
        try {
          const body = await Deno.readFile(new URL(`.${path}`, root));
          const ext = path.slice(path.lastIndexOf("."));
          return new Response(body, { headers: { "content-type": TYPES[ext] ?? "text/plain" } });
        } catch {
          return new Response("not found", { status: 404 });
        }
      },
    );
    const port = server.addr.port;
    const dir = await Deno.makeTempDir({ prefix: "balr_url_" });
    try {
      const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
      await Deno.writeTextFile(
        `${dir}/import_map.json`,
        JSON.stringify({ imports: config.imports }),
      );
      const base = `http://127.0.0.1:${port}`;
      await Deno.writeTextFile(
        `${dir}/main.ts`,
        `import { openGpu } from "${base}/src/gpu/mod.ts";
import { utilCopy } from "${base}/src/kernels/util_copy.ts";
const gpu = await openGpu("auto", { onWarning: () => {} });
const a = gpu.upload(new Float32Array([1, 2, 3, 4, 5]));
const b = gpu.empty([5], "f32", { poison: true });
const run = gpu.run("url");
utilCopy(run, a, b);
run.read(b);
const [out] = await run.submit();
console.log(JSON.stringify(Array.from(out)));
gpu.destroy();
`,
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-lock",
          `--allow-import=127.0.0.1:${port}`,
          "--allow-env",
          "--allow-read",
          "--allow-write",
          `--import-map=${dir}/import_map.json`,
          `${dir}/main.ts`,
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout).trim();
      const stderr = new TextDecoder().decode(out.stderr);
      assert(out.success, `subprocess failed: ${stderr}`);
      assertEquals(JSON.parse(stdout.split("\n").at(-1)!), [1, 2, 3, 4, 5]);
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
