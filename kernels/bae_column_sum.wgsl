// bae_column_sum: column sums of a row-major matrix (the bias gradient of a Linear layer).
//   out[j] = sum_{i < rows} x[i * ld + j] for j < cols; lanes of out's last vec4 past cols are 0
// Bindings (group 0):
//   0 x   storage read       array<vec4f> [rows * ld / 4]
//   1 out storage read_write array<vec4f> [ceil(cols / 4)]
//   2 u   uniform            Uniforms {rows, cols, ld}
// Workgroup: WG = 64 (override); one invocation per vec4 of columns, summing rows in order
//   Dispatch: ceil(ceil(cols/4)/WG) over x, folded into y past 65535
// Numerics: f32 sum in row order (rows are a batch, at most a few thousand); parity atol 1e-5
//   rtol 1e-5 against a float64 reference
// Reference: src/reference/bae_column_sum.ts

override WG: u32 = 64u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let jb = (wid.x + wid.y * nwg.x) * WG + lid;
  if (jb >= (u.cols + 3u) / 4u) { return; }
  let ld4 = u.ld / 4u;
  var s = vec4f(0.0);
  for (var i = 0u; i < u.rows; i++) {
    s += x[i * ld4 + jb];
  }
  let j0 = 4u * jb;
  out[jb] = select(vec4f(0.0), s, vec4<bool>(true, j0 + 1u < u.cols, j0 + 2u < u.cols, j0 + 3u < u.cols));
}
