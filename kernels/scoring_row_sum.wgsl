// scoring_row_sum: sums of the rows of a matrix of (hi, lo) pairs (per-trial totals of attribute LLRs).
//   out[first + r] = sum_k x[r, k]   for r < n_rows, every value a pair (hi, lo) meaning hi + lo
// Bindings (group 0):
//   0 x   storage read       array<f32> [n_rows, n_cols, 2]
//   1 out storage read_write array<f32> [first + n_rows, 2]
//   2 u   uniform            Uniforms {n_rows, n_cols, first, zero}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_rows / WG) over x, folded into y past 65535
// Numerics: pair (double-f32) additions in column order, about 2^-44 relative to the largest
//   partial sum (u.zero = 0 hides the error-free sums from fast-math compilers); loop budget
//   n_cols <= 60000
// Reference: src/reference/scoring_row_sum.ts

override WG: u32 = 64u;

struct Uniforms {
  n_rows: u32,
  n_cols: u32,
  first: u32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ u.zero);
}

// a + b = s + e exactly.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, opaque(a - opaque(s - bb)) + opaque(b - bb));
}

fn pair_add(p: vec2f, q: vec2f) -> vec2f {
  let s = two_sum(p.x, q.x);
  let e = opaque(s.y + p.y) + q.y;
  let h = opaque(s.x + e);
  return vec2f(h, e - opaque(h - s.x));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + wid.y * nwg.x) * WG + lid;
  if (r >= u.n_rows) { return; }
  var acc = vec2f(0.0);
  for (var k = 0u; k < u.n_cols; k++) {
    let i = 2u * (r * u.n_cols + k);
    acc = pair_add(acc, vec2f(x[i], x[i + 1u]));
  }
  out[2u * (u.first + r)] = acc.x;
  out[2u * (u.first + r) + 1u] = acc.y;
}
