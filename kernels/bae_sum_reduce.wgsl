// bae_sum_reduce: one scaled sum of a strided vector of f32 into a slot (loss values, counts).
//   out[slot] = (ACCUMULATE ? out[slot] : 0) + scale * sum_{i < n} x[offset + i * stride]
// Bindings (group 0):
//   0 x   storage read       array<f32> [offset + (n - 1) * stride + 1]
//   1 out storage read_write array<f32> [slot + 1]
//   2 u   uniform            Uniforms {n, offset, stride, slot, scale}
// Workgroup: WG = 256 (override); a single workgroup (dispatch 1): strided partial sums, then a
//   tree in workgroup memory, so the order (and the result) is fixed for a given n
// Numerics: f32 pairwise-like accumulation, relative error ~ (n / WG + log2 WG) * 6e-8
// Reference: src/reference/bae_sum_reduce.ts

override WG: u32 = 256u;
override ACCUMULATE: u32 = 0u;

struct Uniforms {
  n: u32,
  offset: u32,
  stride: u32,
  slot: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  if (wid.x + wid.y * nwg.x != 0u) { return; }
  var s = 0.0;
  for (var i = lid; i < u.n; i += WG) { s += x[u.offset + i * u.stride]; }
  part[lid] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (lid < h) { part[lid] += part[lid + h]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let v = u.scale * part[0];
    if (ACCUMULATE == 1u) { out[u.slot] += v; } else { out[u.slot] = v; }
  }
}
