// frontend_cmvn_apply: in-place mean and variance normalisation of a [rows, n_cols] chunk (WeSpeaker's apply_cmvn).
//   x[r, c] = (x[r, c] - (normalize_mean ? mean_c : 0)) * (normalize_var ? 1 / sqrt(var_c + var_eps) : 1)
//   mean_c = (stats[c].x + stats[c].y) / total_rows, var_c = (stats[c].z + stats[c].w) / (total_rows - 1)
// Bindings (group 0):
//   0 x     storage read_write array<f32> [n]
//   1 stats storage read       array<vec4f> [n_cols]
//   2 u     uniform            Uniforms {n, n_cols, total_rows, normalize_mean, normalize_var, var_eps}
// Workgroup: WG = 256 (override)   Dispatch: ceil(n / WG) over x, folded into y past 65535
// Numerics: f32; unbiased variance (torch.var); parity atol 1e-5 rtol 1e-6 against the float64 reference
// Reference: src/reference/frontend_cmvn_apply.ts

override WG: u32 = 256u;

struct Uniforms {
  n: u32,
  n_cols: u32,
  total_rows: u32,
  normalize_mean: u32,
  normalize_var: u32,
  var_eps: f32,
}

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> stats: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n) { return; }
  let s = stats[i % u.n_cols];
  let total = f32(u.total_rows);
  let shift = select(0.0f, (s.x + s.y) / total, u.normalize_mean != 0u);
  let gain = select(1.0f, inverseSqrt((s.z + s.w) / (total - 1.0f) + u.var_eps), u.normalize_var != 0u);
  x[i] = (x[i] - shift) * gain;
}
