// util_copy: copies n f32 values, four at a time, from src to dst (bandwidth probe and layout glue).
//   dst[i] = src[i] for i < n (n4 = ceil(n / 4) vec4 lanes; the tail lane copies element-wise)
// Bindings (group 0):
//   0 src storage read       array<vec4f> [ceil(n/4)]
//   1 dst storage read_write array<vec4f> [ceil(n/4)]
//   2 u   uniform            Uniforms {n}
// Workgroup: WG = 256 (override)   Dispatch: ceil(ceil(n/4)/WG) over x, folded into y past 65535
// Numerics: exact copy
// Reference: src/reference/util_copy.ts

override WG: u32 = 256u;

struct Uniforms {
  n: u32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  let n4 = (u.n + 3u) / 4u;
  if (i >= n4) { return; }
  if (4u * i + 4u <= u.n) {
    dst[i] = src[i];
    return;
  }
  // Tail: keep the elements past n untouched.
  var v = dst[i];
  let s = src[i];
  for (var k = 0u; 4u * i + k < u.n; k++) { v[k] = s[k]; }
  dst[i] = v;
}
