// scoring_beta_attr_llr: per-attribute Dirichlet-multinomial log-likelihood ratio of each trial.
//   out[t, a] = sum_c G(alpha_c, e_c, t_c) - G(A, E, T)   (A, E, T: sums over categories)
//   G(x, e, t) = lnG(x+e+t) + lnG(x) - lnG(x+e) - lnG(x+t) = sum_{j < min(e,t)} ln(1 + max(e,t) / (x + j))
//   so integer counts never need lnGamma itself: every term is positive (no cancellation); when
//   min(e, t) > 16384 the sum switches to Stirling differences after a shift to x >= 8.
//   e, t are the counts of the trial's enrolment and test sides (sides[pairs[first + i]]).
//   Each G is kept as an unevaluated pair (hi, lo) and the pairs are combined with error-free sums,
//   so out holds (hi, lo) with the value hi + lo: a few thousand recordings per side give attribute
//   LLRs in the thousands, which f32 alone cannot hold to 1e-3.
// Bindings (group 0):
//   0 sides storage read       array<f32> [n_sides, n_attr, n_cat]
//   1 pairs storage read       array<u32> [n_trials_total, 2]   (enrolment side, test side)
//   2 alpha storage read       array<f32> [n_attr, n_cat]
//   3 out   storage read_write array<f32> [n_trials, n_attr, 2]   (hi, lo)
//   4 u     uniform            Uniforms {n_trials, n_attr, n_cat, first, zero}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_trials * n_attr / WG) over x, folded into y past 65535
// Numerics: f32 with our own ln/log1p (about 1 ulp); compensated (two-sum) sums and two-sums hidden from fast-math by u.zero;
//   loop budget 2 * 16384 + 8 * (n_cat + 1) < 60000; error ~1e-7 relative to G for direct sums,
//   ~1e-6 relative for the Stirling branch (more than 16384 recordings on both sides)
// Reference: src/reference/scoring_beta_attr_llr.ts

override WG: u32 = 64u;

const DIRECT_MAX: f32 = 16384.0;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860676533018e-06;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  n_cat: u32,
  first: u32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> sides: array<f32>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ u.zero);
}

// a + b = s + e exactly (Knuth's two-sum); opaque() keeps compilers from reassociating it away.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, opaque(a - opaque(s - bb)) + opaque(b - bb));
}

// Running sum (hi, lo) with value hi + lo: lo collects the exact rounding errors of hi.
fn sum_add(acc: vec2f, x: f32) -> vec2f {
  let s = two_sum(acc.x, x);
  return vec2f(s.x, acc.y + s.y);
}

// (hi, lo) pairs added with about 2^-44 relative error.
fn pair_add(x: vec2f, y: vec2f) -> vec2f {
  let s = two_sum(x.x, y.x);
  let e = opaque(s.y + x.y) + y.y;
  let h = opaque(s.x + e);
  return vec2f(h, e - opaque(h - s.x));
}

fn log1p_core(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  let r = z * (0.6666666666666667 + z * (0.4 + z * (0.2857142857142857 +
    z * (0.2222222222222222 + z * (0.18181818181818182 + z * 0.15384615384615385)))));
  let hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + r));
}

fn ln_acc(x: f32) -> f32 {
  var v = x;
  var e = 0;
  if (v < 1.17549435e-38) { v = v * 16777216.0; e = -24; }
  let bits = bitcast<u32>(v);
  e += i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e += 1; }
  let fe = f32(e);
  return fe * LN2_HI + (log1p_core(m - 1.0) + fe * LN2_LO);
}

fn log1p_acc(y: f32) -> f32 {
  if (y > -0.2928 && y < 0.4142) { return log1p_core(y); }
  let w = opaque(1.0 + y);
  return ln_acc(w) + (y - opaque(w - 1.0)) / w;
}

// Stirling's series without the (z - 1/2) ln z - z + ln(2 pi)/2 part, z >= 8.
fn stirling_tail(z: f32) -> f32 {
  let iz = 1.0 / z;
  let iz2 = iz * iz;
  return iz * (1.0 / 12.0 - iz2 * (1.0 / 360.0 - iz2 / 1260.0));
}

// G(a, big, n) for a >= 8 from Stirling: with b = a + big,
//   (b+n-1/2) ln(1+n/b) - (a+n-1/2) ln(1+n/a) + n ln(1+big/a) + tails.
fn g_stirling(a: f32, big: f32, n: f32) -> f32 {
  let b = a + big;
  let body = (b + n - 0.5) * log1p_acc(n / b) - (a + n - 0.5) * log1p_acc(n / a) +
    n * log1p_acc(big / a);
  return body + (stirling_tail(b + n) - stirling_tail(b)) - (stirling_tail(a + n) - stirling_tail(a));
}

// G(x, e, t) as a pair (hi, lo).
fn g_ratio(x: f32, e: f32, t: f32) -> vec2f {
  let small = min(e, t);
  let big = max(e, t);
  if (small <= 0.0) { return vec2f(0.0); }
  var acc = vec2f(0.0);
  if (small <= DIRECT_MAX) {
    for (var j = 0.0; j < small; j += 1.0) { acc = sum_add(acc, log1p_acc(big / (x + j))); }
    return acc;
  }
  var j = 0.0;
  for (; x + j < 8.0; j += 1.0) { acc = sum_add(acc, log1p_acc(big / (x + j))); }
  return pair_add(acc, vec2f(g_stirling(x + j, big, small - j), 0.0));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n_trials * u.n_attr) { return; }
  let trial = i / u.n_attr;
  let a = i % u.n_attr;
  let side_len = u.n_attr * u.n_cat;
  let e_row = pairs[2u * (u.first + trial)] * side_len + a * u.n_cat;
  let t_row = pairs[2u * (u.first + trial) + 1u] * side_len + a * u.n_cat;
  var total_alpha = 0.0;
  var total_e = 0.0;
  var total_t = 0.0;
  var acc = vec2f(0.0);
  for (var c = 0u; c < u.n_cat; c++) {
    let x = alpha[a * u.n_cat + c];
    let e = sides[e_row + c];
    let t = sides[t_row + c];
    total_alpha += x;
    total_e += e;
    total_t += t;
    acc = pair_add(acc, g_ratio(x, e, t));
  }
  let value = pair_add(acc, -g_ratio(total_alpha, total_e, total_t));
  out[2u * i] = value.x;
  out[2u * i + 1u] = value.y;
}
