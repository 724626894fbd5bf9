// bae_l2_normalize: L2 normalisation of the rows (AXIS 0) or columns (AXIS 1) of a matrix, as F.normalize.
//   norm_v = sqrt(sum_k x_v[k]^2);  xhat_v = x_v / max(norm_v, 1e-12);  norms[v] = norm_v
// Bindings (group 0):
//   0 x     storage read       array<vec4f> [rows * ld / 4]
//   1 xhat  storage read_write array<vec4f> [rows * ld / 4]
//   2 norms storage read_write array<f32>   [vectors] (vectors = rows or cols)
//   3 u     uniform            Uniforms {rows, cols, ld}
// Workgroup: WG = 64 (override). AXIS 0: one invocation per row; AXIS 1: one per vec4 of columns.
//   Lanes past cols read as 0 and xhat's are written as 0 (ld covers ceil(cols/4)*4).
//   Dispatch: ceil(rows/WG) or ceil(ceil(cols/4)/WG) over x, folded into y past 65535
// Numerics: f32 sum of squares in order, then one division per value; parity atol 1e-6 rtol 1e-5
// Reference: src/reference/bae_l2_normalize.ts

override WG: u32 = 64u;
override AXIS: u32 = 0u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> xhat: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> norms: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

const EPS = 1e-12;

// The vec4 at column block jb with its lanes past cols set to 0.
fn lanes(v: vec4f, jb: u32) -> vec4f {
  let j0 = 4u * jb;
  return select(vec4f(0.0), v, vec4<bool>(j0 < u.cols, j0 + 1u < u.cols, j0 + 2u < u.cols, j0 + 3u < u.cols));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let ld4 = u.ld / 4u;
  let nb = (u.cols + 3u) / 4u;
  if (AXIS == 0u) {
    if (t >= u.rows) { return; }
    var s = vec4f(0.0);
    for (var jb = 0u; jb < nb; jb++) { let v = lanes(x[t * ld4 + jb], jb); s += v * v; }
    let n = sqrt(s.x + s.y + s.z + s.w);
    let denom = max(n, EPS);
    for (var jb = 0u; jb < nb; jb++) { xhat[t * ld4 + jb] = lanes(x[t * ld4 + jb], jb) / denom; }
    norms[t] = n;
  } else {
    if (t >= nb) { return; }
    var s = vec4f(0.0);
    for (var i = 0u; i < u.rows; i++) { let v = lanes(x[i * ld4 + t], t); s += v * v; }
    let n = sqrt(s);
    let denom = max(n, vec4f(EPS));
    for (var i = 0u; i < u.rows; i++) { xhat[i * ld4 + t] = lanes(x[i * ld4 + t], t) / denom; }
    for (var q = 0u; q < 4u; q++) {
      if (4u * t + q < u.cols) { norms[4u * t + q] = n[q]; }
    }
  }
}
