// bae_batchnorm_train: BatchNorm1d in training mode over a batch of rows, with running-stat update.
//   mean_j = sum_i x[i,j] / B;  var_j = sum_i (x[i,j] - mean_j)^2 / B (biased, for normalising)
//   invstd_j = 1 / sqrt(var_j + eps);  y[i,j] = x[i,j] * (invstd_j * gamma_j) + (beta_j - mean_j * invstd_j * gamma_j)
//   runMean_j = mom * mean_j + (1 - mom) * runMean_j;  runVar_j = mom * var_j * B / (B - 1) + (1 - mom) * runVar_j
//   saved = [mean (cols) | invstd (cols)] for the backward pass
// Bindings (group 0):
//   0 x       storage read       array<vec4f> [rows * ld / 4]
//   1 gamma   storage read       array<vec4f> [cols / 4]
//   2 beta    storage read       array<vec4f> [cols / 4]
//   3 y       storage read_write array<vec4f> [rows * ld / 4]
//   4 saved   storage read_write array<vec4f> [2 * cols / 4]
//   5 runMean storage read_write array<vec4f> [cols / 4]
//   6 runVar  storage read_write array<vec4f> [cols / 4]
//   7 u       uniform            Uniforms {rows, cols, ld, eps, momentum}
// Workgroup: WG = 64 (override); one invocation per vec4 of columns (cols % 4 == 0), three passes
//   over the rows. Dispatch: ceil(cols/4/WG) over x, folded into y past 65535
// Numerics: f32, two-pass variance (no cancellation); rows >= 2. Parity atol 1e-5 rtol 1e-4
//   against a float64 reference
// Reference: src/reference/bae_batchnorm_train.ts

override WG: u32 = 64u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
  eps: f32,
  momentum: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> gamma: array<vec4f>;
@group(0) @binding(2) var<storage, read> beta: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> saved: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> runMean: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> runVar: array<vec4f>;
@group(0) @binding(7) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let jb = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (jb >= nb) { return; }
  let ld4 = u.ld / 4u;
  let n = f32(u.rows);
  var s = vec4f(0.0);
  for (var i = 0u; i < u.rows; i++) { s += x[i * ld4 + jb]; }
  let mean = s / n;
  var ss = vec4f(0.0);
  for (var i = 0u; i < u.rows; i++) {
    let dv = x[i * ld4 + jb] - mean;
    ss += dv * dv;
  }
  let invstd = 1.0 / sqrt(ss / n + u.eps);
  let alpha = invstd * gamma[jb];
  let shift = beta[jb] - mean * alpha;
  for (var i = 0u; i < u.rows; i++) {
    y[i * ld4 + jb] = x[i * ld4 + jb] * alpha + shift;
  }
  saved[jb] = mean;
  saved[nb + jb] = invstd;
  let mom = u.momentum;
  runMean[jb] = mom * mean + (1.0 - mom) * runMean[jb];
  runVar[jb] = mom * (ss / (n - 1.0)) + (1.0 - mom) * runVar[jb];
}
