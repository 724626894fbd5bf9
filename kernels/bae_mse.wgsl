// bae_mse: mean squared reconstruction error, per-row partial sums and its gradient.
//   d = recon - x;  rowLoss[i] = sum_j d[i,j]^2  (the loss is sum_i rowLoss[i] / (rows*cols))
//   GRAD 1: g[i,j] = (2 * scale / (rows*cols)) * d[i,j]   (scale = the loss weight)
// Bindings (group 0):
//   0 recon   storage read       array<vec4f> [rows * ld / 4]
//   1 x       storage read       array<vec4f> [rows * ld / 4]
//   2 rowLoss storage read_write array<f32>   [rows]
//   3 g       storage read_write array<vec4f> [rows * ld / 4] (not written when GRAD = 0)
//   4 u       uniform            Uniforms {rows, cols, ld, scale}
// Workgroup: WG = 64 (override); one invocation per row (cols % 4 == 0)
//   Dispatch: ceil(rows/WG) over x, folded into y past 65535
// Numerics: f32 sum over a row in column order; parity atol 1e-5 rtol 1e-5
// Reference: src/reference/bae_mse.ts

override WG: u32 = 64u;
override GRAD: u32 = 1u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> recon: array<vec4f>;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(3) var<storage, read_write> g: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.rows) { return; }
  let base = i * (u.ld / 4u);
  let c = 2.0 * u.scale / (f32(u.rows) * f32(u.cols));
  var s = vec4f(0.0);
  for (var jb = 0u; jb < u.cols / 4u; jb++) {
    let d = recon[base + jb] - x[base + jb];
    s += d * d;
    if (GRAD == 1u) { g[base + jb] = c * d; }
  }
  rowLoss[i] = s.x + s.y + s.z + s.w;
}
