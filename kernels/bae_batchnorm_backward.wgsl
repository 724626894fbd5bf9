// bae_batchnorm_backward: gradients of BatchNorm1d in training mode (batch statistics).
//   xhat = (x - mean) * invstd;  gbeta_j = sum_i g[i,j];  ggamma_j = invstd_j * sum_i (x[i,j] - mean_j) g[i,j]
//   gx[i,j] = (g[i,j] - gbeta_j / B - (x[i,j] - mean_j) * k_j) * invstd_j * gamma_j,
//   k_j = invstd_j^2 * sum_i (x[i,j] - mean_j) g[i,j] / B            (PyTorch's CPU formulation)
// Bindings (group 0):
//   0 x      storage read       array<vec4f> [rows * ld / 4]
//   1 g      storage read       array<vec4f> [rows * ld / 4]
//   2 gamma  storage read       array<vec4f> [cols / 4]
//   3 saved  storage read       array<vec4f> [2 * cols / 4] (mean | invstd from bae_batchnorm_train)
//   4 gx     storage read_write array<vec4f> [rows * ld / 4]
//   5 gGamma storage read_write array<vec4f> [cols / 4]
//   6 gBeta  storage read_write array<vec4f> [cols / 4]
//   7 u      uniform            Uniforms {rows, cols, ld}
// Workgroup: WG = 64 (override); one invocation per vec4 of columns (cols % 4 == 0), two passes
//   over the rows. Dispatch: ceil(cols/4/WG) over x, folded into y past 65535
// Numerics: f32 sums in row order; parity atol 1e-5 rtol 1e-4 against a float64 reference
// Reference: src/reference/bae_batchnorm_backward.ts

override WG: u32 = 64u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> g: array<vec4f>;
@group(0) @binding(2) var<storage, read> gamma: array<vec4f>;
@group(0) @binding(3) var<storage, read> saved: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> gGamma: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> gBeta: array<vec4f>;
@group(0) @binding(7) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let jb = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (jb >= nb) { return; }
  let ld4 = u.ld / 4u;
  let n = f32(u.rows);
  let mean = saved[jb];
  let invstd = saved[nb + jb];
  var sg = vec4f(0.0);
  var dotp = vec4f(0.0);
  for (var i = 0u; i < u.rows; i++) {
    let k = i * ld4 + jb;
    sg += g[k];
    dotp += (x[k] - mean) * g[k];
  }
  let kk = dotp * invstd * invstd / n;
  let gradMean = sg / n;
  let scale = invstd * gamma[jb];
  for (var i = 0u; i < u.rows; i++) {
    let k = i * ld4 + jb;
    gx[k] = (g[k] - gradMean - (x[k] - mean) * kk) * scale;
  }
  gGamma[jb] = dotp * invstd;
  gBeta[jb] = sg;
}
