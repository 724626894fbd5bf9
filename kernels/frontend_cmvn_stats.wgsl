// frontend_cmvn_stats: per-column sums over the rows of a [rows, n_cols] chunk, accumulated across chunks.
//   phase 0: stats[c].xy += sum_r x[r, c]                      (then mean = (stats.x + stats.y) / total_rows)
//   phase 1: stats[c].zw += sum_r (x[r, c] - mean_c)^2           (two-pass variance, no cancellation)
//   each pair (hi, lo) holds an unevaluated sum hi + lo
// Bindings (group 0):
//   0 x     storage read       array<f32> [n_rows * n_cols]
//   1 stats storage read_write array<vec4f> [n_cols]
//   2 u     uniform            Uniforms {n_rows, n_cols, total_rows, phase, zero}
// Workgroup: WG = 64 (override, a power of two <= 256), one workgroup per column   Dispatch: n_cols over x, folded into y
// Numerics: f32; each invocation sums its strided rows with Kahan-Babuska compensation, the workgroup combines
//   the (sum, compensation) pairs in a pairwise tree and adds the result to stats with an error-free TwoSum;
//   every TwoSum intermediate passes through bitcast(... ^ u.zero) (zero is always 0): the compiler cannot
//   see through it, so it cannot fold the error term away (a multiply by an opaque 1.0 was not enough);
//   parity rtol 2e-7 on the sums against the float64 reference
// Reference: src/reference/frontend_cmvn_stats.ts

override WG: u32 = 64u;

struct Uniforms {
  n_rows: u32,
  n_cols: u32,
  total_rows: u32,
  phase: u32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

var<workgroup> hi: array<f32, 256>;
var<workgroup> lo: array<f32, 256>;

// An identity the compiler cannot see through (u.zero is 0 at run time).
fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ u.zero);
}

// Error-free sum: a + b == s + e exactly (Knuth's TwoSum, no magnitude test needed). Each
// intermediate is opaque, so algebraic simplification cannot prove e == 0 (true only exactly).
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  let e = opaque(a - opaque(s - bb)) + opaque(b - bb);
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
