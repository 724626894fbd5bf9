// bae_batchnorm_eval: BatchNorm1d in evaluation mode (running statistics), elementwise.
//   alpha_j = gamma_j / sqrt(runVar_j + eps);  y[i,j] = x[i,j] * alpha_j + (beta_j - runMean_j * alpha_j)
// Bindings (group 0):
//   0 x       storage read       array<vec4f> [rows * ld / 4]
//   1 gamma   storage read       array<vec4f> [cols / 4]
//   2 beta    storage read       array<vec4f> [cols / 4]
//   3 runMean storage read       array<vec4f> [cols / 4]
//   4 runVar  storage read       array<vec4f> [cols / 4]
//   5 y       storage read_write array<vec4f> [rows * ld / 4]
//   6 u       uniform            Uniforms {rows, cols, ld, eps}
// Workgroup: WG = 256 (override); one invocation per vec4 of the matrix (cols % 4 == 0)
//   Dispatch: ceil(rows*cols/4/WG) over x, folded into y past 65535
// Numerics: f32 as PyTorch's CPU kernel (x * alpha + beta); parity atol 1e-5 rtol 1e-5
// Reference: src/reference/bae_batchnorm_eval.ts

override WG: u32 = 256u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> gamma: array<vec4f>;
@group(0) @binding(2) var<storage, read> beta: array<vec4f>;
@group(0) @binding(3) var<storage, read> runMean: array<vec4f>;
@group(0) @binding(4) var<storage, read> runVar: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(6) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (t >= u.rows * nb) { return; }
  let i = t / nb;
  let jb = t - i * nb;
  let alpha = gamma[jb] / sqrt(runVar[jb] + u.eps);
  let k = i * (u.ld / 4u) + jb;
  y[k] = x[k] * alpha + (beta[jb] - runMean[jb] * alpha);
}
