// scoring_maxllr_attr_llr: per-attribute MaxLLR log-likelihood ratio of each trial.
//   L(a, n) = f p^a (1-p)^n + (1-f) q^a (1-q)^n;  out[t, a] = ln L(ae+at, ne+nt) - ln L(ae, ne) - ln L(at, nt)
//   In the log domain ln L(a, n) = u(a, n) + softplus(d(a, n)) with u = ln f + a ln p + n ln(1-p) and
//   d = k0 + a ka + n kn (k0 = ln((1-f)/f), ka = ln(q/p), kn = ln((1-q)/(1-p))). The u parts cancel
//   exactly to -ln f, and softplus(x) = max(x, 0) + ln(1 + e^-|x|) whose max parts cancel symbolically
//   (d(sum) = d(e) + d(t) - k0), so large counts neither underflow nor lose the small result.
//   d is formed exactly as an unevaluated pair (hi, lo): the coefficients are exact two-sums of the
//   stored logs and count * coefficient is split into exact 12-bit partial products (counts < 2^24).
//   out holds (hi, lo) pairs, value hi + lo.
// Bindings (group 0):
//   0 sides  storage read       array<f32> [n_sides, n_attr, 2]
//   1 pairs  storage read       array<u32> [n_trials_total, 2]   (enrolment side, test side)
//   2 params storage read       array<f32> [n_attr, 12]  (ln f, ln(1-f), ln p, ln(1-p), ln q, ln(1-q), ...)
//   3 out    storage read_write array<f32> [n_trials, n_attr, 2]   (hi, lo)
//   4 u      uniform            Uniforms {n_trials, n_attr, first, zero}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_trials * n_attr / WG) over x, folded into y past 65535
// Numerics: f32 with our own ln/exp (about 1 ulp) for the bounded softplus parts (< ln 2 each);
//   d and the max parts in pair (double-f32) arithmetic, hidden from fast-math by u.zero
// Reference: src/reference/scoring_maxllr_attr_llr.ts

override WG: u32 = 64u;

const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860676533018e-06;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  first: u32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> sides: array<f32>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ u.zero);
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

// n * x as a pair for an integer n < 2^24: both split into 12-bit halves, so every partial
// product is exact.
fn mul_count(n: f32, x: f32) -> vec2f {
  let n1 = floor(n / 4096.0);
  let n0 = n - n1 * 4096.0;
  let xh = bitcast<f32>(bitcast<u32>(x) & 0xfffff000u);
  let xl = x - xh;
  var acc = two_sum(opaque(n1 * xh) * 4096.0, n0 * xh);
  acc = pair_add(acc, two_sum(opaque(n1 * xl) * 4096.0, n0 * xl));
  return acc;
}

// k0 + a ka + n kn with pair coefficients.
fn d_pair(k0: vec2f, ka: vec2f, kn: vec2f, a: f32, n: f32) -> vec2f {
  var acc = pair_add(k0, mul_count(a, ka.x));
  acc = pair_add(acc, mul_count(n, kn.x));
  return pair_add(acc, vec2f(a * ka.y + n * kn.y, 0.0));
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

fn exp_acc(x: f32) -> f32 {
  let xc = clamp(x, -103.0, 88.7);
  let k = round(xc * 1.4426950408889634);
  let r = (xc - k * LN2_HI) - k * LN2_LO;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 +
    r * (0.008333333333333333 + r * (0.001388888888888889 + r * (0.0001984126984126984 +
    r * 0.0000248015873015873)))))));
  return ldexp(p, i32(k));
}

// ln(1 + e^-|x|): the bounded part of softplus, in (0, ln 2].
fn softplus_rest(x: f32) -> f32 {
  let e = exp_acc(-abs(x));
  if (e < 0.2928) { return log1p_core(e); }
  return ln_acc(1.0 + e);
}

fn positive(x: vec2f) -> f32 {
  return select(0.0, 1.0, x.x > 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n_trials * u.n_attr) { return; }
  let trial = i / u.n_attr;
  let a = i % u.n_attr;
  let e_row = (pairs[2u * (u.first + trial)] * u.n_attr + a) * 2u;
  let t_row = (pairs[2u * (u.first + trial) + 1u] * u.n_attr + a) * 2u;
  let pb = 12u * a;
  let lf = params[pb];
  let k0 = two_sum(params[pb + 1u], -lf);
  let ka = two_sum(params[pb + 4u], -params[pb + 2u]);
  let kn = two_sum(params[pb + 5u], -params[pb + 3u]);
  let de = d_pair(k0, ka, kn, sides[e_row], sides[e_row + 1u]);
  let dt = d_pair(k0, ka, kn, sides[t_row], sides[t_row + 1u]);
  let ds = pair_add(pair_add(de, dt), -k0);
  let hs = positive(ds);
  // max(ds,0) - max(de,0) - max(dt,0) with ds = de + dt - k0 expanded, so equal signs cancel exactly.
  var value = pair_add((hs - positive(de)) * de, (hs - positive(dt)) * dt);
  value = pair_add(value, -hs * k0);
  value = pair_add(value, vec2f(-lf, 0.0));
  let rest = (softplus_rest(ds.x + ds.y) - softplus_rest(de.x + de.y)) - softplus_rest(dt.x + dt.y);
  value = pair_add(value, vec2f(rest, 0.0));
  out[2u * i] = value.x;
  out[2u * i + 1u] = value.y;
}
