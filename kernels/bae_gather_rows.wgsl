// bae_gather_rows: copies the rows of a batch out of one chunk of a resident dataset.
//   out[r, :] = src[idx[r] - base, :] for every r with base <= idx[r] < base + count (others untouched)
// Bindings (group 0):
//   0 src storage read       array<vec4f> [count * ld / 4]
//   1 idx storage read       array<u32>   [rows]
//   2 out storage read_write array<vec4f> [rows * ld / 4]
//   3 u   uniform            Uniforms {rows, cols, ld, base, count}
// Workgroup: WG = 256 (override); one invocation per vec4 of out (cols % 4 == 0)
//   Dispatch: ceil(rows*cols/4/WG) over x, folded into y past 65535
// Numerics: exact copy
// Reference: src/reference/bae_gather_rows.ts

override WG: u32 = 256u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
  base: u32,
  count: u32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (t >= u.rows * nb) { return; }
  let r = t / nb;
  let jb = t - r * nb;
  let k = idx[r];
  if (k < u.base || k - u.base >= u.count) { return; }
  let ld4 = u.ld / 4u;
  out[r * ld4 + jb] = src[(k - u.base) * ld4 + jb];
}
