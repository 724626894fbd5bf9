// scoring_beta_init: method-of-moments start of the Dirichlet-multinomial alpha, one workgroup.
//   g[j] = (E_j (1 - E_j) + 2 eps) / (V_j + eps) - 1   (E, V from scoring_beta_moments)
//   gmean = exp(mean of ln g[j] over the entries with g[j] > 0), 1 when there are none
//   alpha[j] = E_j * gmean + eps;   info = (gmean, number of entries left out of the mean)
//   Entries with g <= 0 (an attribute whose per-speaker proportions are all 0 or 1) would make the
//   reference's log NaN; they are left out of the geometric mean instead.
// Bindings (group 0):
//   0 stats storage read       array<f32> [n_entries, 2]
//   1 alpha storage read_write array<f32> [n_entries]
//   2 info  storage read_write array<f32> [2]
//   3 u     uniform            Uniforms {n_entries, eps, zero}
// Workgroup: WG = 256 (override)   Dispatch: 1 workgroup
// Numerics: f32 with our own ln and exp (about 1 ulp, portable); compensated (two-sum) sum of the logs per lane, tree
//   over lanes; loop budget n_entries / WG <= 60000
// Reference: src/reference/scoring_beta_init.ts

override WG: u32 = 256u;

struct Uniforms {
  n_entries: u32,
  eps: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> stats: array<f32>;
@group(0) @binding(1) var<storage, read_write> alpha: array<f32>;
@group(0) @binding(2) var<storage, read_write> info: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

var<workgroup> red_log: array<f32, WG>;
var<workgroup> red_count: array<u32, WG>;

const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860676533018e-06;

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

// ln(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]: f - (f^2/2 - s (f^2/2 + R(s^2))), s = f / (2 + f).
fn log1p_core(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  let r = z * (0.6666666666666667 + z * (0.4 + z * (0.2857142857142857 +
    z * (0.2222222222222222 + z * (0.18181818181818182 + z * 0.15384615384615385)))));
  let hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + r));
}

// ln x for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)).
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

// e^x: x = k ln2 + r, |r| <= ln2 / 2, degree-8 Taylor polynomial, scaled by 2^k.
fn exp_acc(x: f32) -> f32 {
  let xc = clamp(x, -103.0, 88.7);
  let k = round(xc * 1.4426950408889634);
  let r = (xc - k * LN2_HI) - k * LN2_LO;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 +
    r * (0.008333333333333333 + r * (0.001388888888888889 + r * (0.0001984126984126984 +
    r * 0.0000248015873015873)))))));
  return ldexp(p, i32(k));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = vec2f(0.0);
  var kept = 0u;
  for (var j = lid; j < u.n_entries; j += WG) {
    let e = stats[2u * j];
    let v = stats[2u * j + 1u];
    let g = (e * (1.0 - e) + 2.0 * u.eps) / (v + u.eps) - 1.0;
    let finite = (bitcast<u32>(g) & 0x7f800000u) != 0x7f800000u;
    if (finite && g > 0.0) {
      acc = sum_add(acc, ln_acc(g));
      kept += 1u;
    }
  }
  red_log[lid] = acc.x + acc.y;
  red_count[lid] = kept;
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) {
      red_log[lid] += red_log[lid + s];
      red_count[lid] += red_count[lid + s];
    }
  }
  workgroupBarrier();
  let n_kept = red_count[0];
  var gmean = 1.0;
  if (n_kept > 0u) { gmean = exp_acc(red_log[0] / f32(n_kept)); }
  for (var j = lid; j < u.n_entries; j += WG) {
    alpha[j] = stats[2u * j] * gmean + u.eps;
  }
  if (lid == 0u) {
    info[0] = gmean;
    info[1] = f32(u.n_entries - n_kept);
  }
}
