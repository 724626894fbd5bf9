// frontend_cmvn_apply: in-place mean and variance normalisation of a [n_rows, n_cols] chunk (WeSpeaker's apply_cmvn).
//   x[r, c] = (x[r, c] - (normalize_mean ? mean_c : 0)) * (normalize_var ? 1 / sqrt(var_c + var_eps) : 1)
//   mean_c = (stats[c].x + stats[c].y) / total_rows, var_c = (stats[c].z + stats[c].w) / (total_rows - 1)
//   invocation i handles column c = i % n_cols for rows (i / n_cols) * ROWS .. + ROWS (one division and one
//   stats load per ROWS elements)
// Bindings (group 0):
//   0 x     storage read_write array<f32> [n_rows * n_cols]
//   1 stats storage read       array<vec4f> [n_cols]
//   2 u     uniform            Uniforms {n_rows, n_cols, total_rows, normalize_mean, normalize_var, var_eps}
// Workgroup: WG = 64, ROWS = 32 (overrides)   Dispatch: ceil(ceil(n_rows / ROWS) * n_cols / WG) over x, folded into
//   y past 65535
// Numerics: f32; unbiased variance (torch.var); parity atol 1e-5 rtol 1e-6 against the float64 reference
// Reference: src/reference/frontend_cmvn_apply.ts

override WG: u32 = 64u;
override ROWS: u32 = 32u;

struct Uniforms {
  n_rows: u32,
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
  let r0 = (i / u.n_cols) * ROWS;
  if (r0 >= u.n_rows) { return; }
  let c = i % u.n_cols;
  let s = stats[c];
  let total = f32(u.total_rows);
  let shift = select(0.0f, (s.x + s.y) / total, u.normalize_mean != 0u);
  let gain = select(1.0f, inverseSqrt((s.z + s.w) / (total - 1.0f) + u.var_eps), u.normalize_var != 0u);
  let r1 = min(r0 + ROWS, u.n_rows);
  for (var r = r0; r < r1; r++) {
    let at = r * u.n_cols + c;
    x[at] = (x[at] - shift) * gain;
  }
}
