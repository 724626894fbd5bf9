/**
 * GPU-free check that every kernels/*.wgsl header, its WGSL declarations and
 * its TypeScript spec agree: binding order, names, access, element types and
 * the uniform struct's fields (name, order and type).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import type { KernelSpec } from "../../src/gpu/mod.ts";

const root = new URL("../../", import.meta.url);

async function loadSpecs(): Promise<Map<string, KernelSpec>> {
  const specs = new Map<string, KernelSpec>();
  for await (const e of Deno.readDir(new URL("src/kernels/", root))) {
    if (!e.name.endsWith(".ts")) continue;
    const mod = await import(new URL(`src/kernels/${e.name}`, root).href);
    for (const v of Object.values(mod)) {
      if (v && typeof v === "object" && "source" in v && "bindings" in v && "layout" in v) {
        const spec = v as KernelSpec;
        specs.set(spec.name, spec);
      }
    }
  }
  return specs;
}

interface HeaderBinding {
  index: number;
  name: string;
  access: string;
  element: string;
}

function parseHeader(src: string): HeaderBinding[] {
  const out: HeaderBinding[] = [];
  const lines = src.split("\n");
  const start = lines.findIndex((l) => /^\/\/ Bindings \(group 0\):/.test(l));
  if (start < 0) return out;
  for (const line of lines.slice(start + 1)) {
    const m = line.match(
      /^\/\/\s+(\d+)\s+(\w+)\s+(storage\s+(read_write|read)|uniform|texture)\s+(\S+)/,
    );
    if (!m) break;
    const access = m[3] === "uniform" || m[3] === "texture" ? m[3] : m[4];
    const elem = m[5].match(/^array<(\w+)>/)?.[1] ?? m[5].match(/^(texture_\w+)</)?.[1] ?? "";
    out.push({ index: Number(m[1]), name: m[2], access, element: elem });
  }
  return out;
}

function parseDeclarations(src: string): HeaderBinding[] {
  const re =
    /@group\(0\)\s*@binding\((\d+)\)\s*var<(storage,\s*(read_write|read)|uniform)>\s*(\w+)\s*:\s*([^;]+);/g;
  const out: HeaderBinding[] = [];
  for (const m of src.matchAll(re)) {
    const access = m[2] === "uniform" ? "uniform" : m[3];
    const elem = m[5].trim().match(/^array<(\w+)>/)?.[1] ?? "";
    out.push({ index: Number(m[1]), name: m[4], access, element: elem });
  }
  const tex = /@group\(0\)\s*@binding\((\d+)\)\s*var\s+(\w+)\s*:\s*(texture_\w+)<f32>\s*;/g;
  for (const m of src.matchAll(tex)) {
    out.push({ index: Number(m[1]), name: m[2], access: "texture", element: m[3] });
  }
  return out.sort((a, b) => a.index - b.index);
}

function wgslStructFields(src: string, name: string): Array<[string, string]> {
  const m = src.match(new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`));
  if (!m) return [];
  return m[1].split(",").map((f) => f.trim()).filter(Boolean).map((f) => {
    const [k, t] = f.split(":").map((s) => s.trim());
    return [k, t];
  });
}

Deno.test("kernel headers() match WGSL declarations and TypeScript specs", async () => {
  const specs = await loadSpecs();
  const files = [...Deno.readDirSync(new URL("kernels/", root))]
    .filter((e) => e.name.endsWith(".wgsl")).map((e) => e.name.replace(/\.wgsl$/, ""));
  assert(files.length > 0, "no kernels found");
  for (const stem of files) {
    const src = Deno.readTextFileSync(new URL(`kernels/${stem}.wgsl`, root));
    assert(src.startsWith(`// ${stem}:`), `${stem}.wgsl must start with "// ${stem}: ..."`);
    for (const key of ["Bindings (group 0):", "Workgroup:", "Numerics:", "Reference:"]) {
      assert(src.includes(key), `${stem}.wgsl header lacks "${key}"`);
    }
    assert(/fn main\s*\(/.test(src), `${stem}.wgsl has no entry point main`);
    const header = parseHeader(src);
    const decls = parseDeclarations(src);
    assertEquals(header, decls, `${stem}.wgsl: header table differs from declarations`);
    const spec = specs.get(stem);
    assert(spec, `${stem}.wgsl has no KernelSpec in src/kernels/ with name "${stem}"`);
    const fromSpec = Object.entries(spec.bindings).map(([name, b], index) => ({
      index,
      name,
      access: b.access,
      element: b.access === "uniform" ? "" : b.element,
    }));
    assertEquals(decls, fromSpec, `${stem}: WGSL bindings differ from src/kernels/${stem}.ts`);
    const ref = src.match(/Reference:\s*(\S+)/)?.[1];
    assert(ref, `${stem}.wgsl header names no reference`);
    await Deno.stat(new URL(ref, root)).catch(() => {
      throw new Error(`${stem}.wgsl names reference ${ref}, which does not exist`);
    });
    if (spec.uniforms) {
      const uniformDecl = decls.find((b) => b.access === "uniform")!;
      const typeName = src.match(
        new RegExp(`var<uniform>\\s*${uniformDecl.name}\\s*:\\s*(\\w+)`),
      )![1];
      const wgsl = wgslStructFields(src, typeName);
      // deno-lint-ignore no-explicit-any
      const props = (spec.uniforms as any).propTypes as Record<string, { type: string }>;
      const ts = Object.entries(props).map(([k, v]) => [k, v.type]);
      assertEquals(wgsl, ts, `${stem}: uniform struct ${typeName} differs from its typegpu schema`);
    }
  }
});
