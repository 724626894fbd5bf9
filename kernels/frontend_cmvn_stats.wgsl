// frontend_cmvn_stats: per-column sums over the rows of a [rows, n_cols] chunk, accumulated across chunks.
//   phase 0: stats[c].xy += sum_r x[r, c]                      (then mean = (stats.x + stats.y) / total_rows)
//   phase 1: stats[c].zw += sum_r (x[r, c] - mean_c)^2           (two-pass variance, no cancellation)
//   each pair (hi, lo) holds an unevaluated sum hi + lo
// Bindings (group 0):
//   0 x     storage read       array<f32> [n_rows * n_cols]
//   1 stats storage read_write array<vec4f> [n_cols]
//   2 u     uniform            Uniforms {n_rows, n_cols, total_rows, phase, unit}
// Workgroup: WG = 64 (override, a power of two <= 256), one workgroup per column   Dispatch: n_cols over x, folded into y
// Numerics: f32; each invocation sums its strided rows with Kahan-Babuska compensation, the workgroup combines
//   the (sum, compensation) pairs in a pairwise tree and adds the result to stats with an error-free TwoSum;
//   `unit` (always 1.0) is opaque to the shader compiler: without it Mesa folds TwoSum's error term to 0;
//   parity rtol 2e-7 on the sums against the float64 reference
// Reference: src/reference/frontend_cmvn_stats.ts

override WG: u32 = 64u;

struct Uniforms {
  n_rows: u32,
  n_cols: u32,
  total_rows: u32,
  phase: u32,
  unit: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

var<workgroup> hi: array<f32, 256>;
var<workgroup> lo: array<f32, 256>;

// Error-free sum: a + b == s + e exactly (Knuth's TwoSum, no magnitude test needed). The products with
// u.unit stop algebraic simplification from proving e == 0, which holds only in exact arithmetic.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = (a + b) * u.unit;
  let bb = (s - a) * u.unit;
  let e = (a - (s - bb) * u.unit) + (b - bb);
  return vec2f(s, e);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= u.n_cols) { return; }
  let prev = stats[c];
  let mean = (prev.x + prev.y) / f32(u.total_rows);
  var acc = vec2f(0.0f);
  for (var r = lid; r < u.n_rows; r += WG) {
    var v = x[r * u.n_cols + c];
    if (u.phase == 1u) {
      v = (v - mean) * (v - mean);
    }
    let t = two_sum(acc.x, v);
    acc = vec2f(t.x, acc.y + t.y);
  }
  hi[lid] = acc.x;
  lo[lid] = acc.y;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w >>= 1u) {
    if (lid < w) {
      let t = two_sum(hi[lid], hi[lid + w]);
      hi[lid] = t.x;
      lo[lid] = lo[lid] + lo[lid + w] + t.y;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let old = select(prev.xy, prev.zw, u.phase == 1u);
    let t = two_sum(old.x, hi[0]);
    let sum = two_sum(t.x, t.y + old.y + lo[0]);
    if (u.phase == 1u) {
      stats[c] = vec4f(prev.xy, sum);
    } else {
      stats[c] = vec4f(sum, prev.zw);
    }
  }
}
