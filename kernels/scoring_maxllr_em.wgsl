// scoring_maxllr_em: one EM step of the MaxLLR model (latent "speaker has the attribute"), log domain.
//   d_l = ln((1-f)/f) + a_l ln(q/p) + n_l ln((1-q)/(1-p));  post_l = 1 / (1 + e^{d_l})
//   p = sum a post / sum (a+n) post;  q = sum a (1-post) / sum (a+n) (1-post);  f = mean post
//   params[a] = (ln f, ln(1-f), ln p, ln(1-p), ln q, ln(1-q), f, p, q, f', p', q'), with f + f' the value
//   of f as an exact pair (hi, lo) so that p near 1 keeps 1 - p when saved: of x and 1 - x the smaller
//   is taken from its own sum and the other's log as log1p(-smaller), so neither loses digits and
//   p^a (1-p)^n never underflows; f, p, q stay in [1e-6, 1 - 1e-6]; a zero denominator (f reached
//   0 or 1) keeps the previous p or q. d is formed with exact products and pair sums.
//   mode 0: one step from params;  mode 1: one step from (f0, p0, q0) (the first step);
//   mode 2: no step, params set from given f, p, q (checkpoints): params[a, 6 + k] holds the f32
//   value of f, p or q and params[a, 9 + k] the rest of its float64 value, so ln(1 - p) keeps its digits.
//   state[a] = (steps, last relative change of f, p, q, frozen, 0): with tol > 0 an attribute whose
//   change falls below tol is frozen.
// Bindings (group 0):
//   0 counts storage read       array<f32> [S, n_attr, 2]
//   1 params storage read_write array<f32> [n_attr, 12]
//   2 state  storage read_write array<f32> [n_attr, 4]
//   3 u      uniform            Uniforms {n_attr, n_speakers, mode, f0, p0, q0, tol, zero}
// Workgroup: WG = 64 (override), TPA = threads per attribute (override, power of two dividing WG)
//   Dispatch: ceil(n_attr * TPA / WG) over x, folded into y past 65535; one dispatch per step
// Numerics: f32 with our own ln/exp (about 1 ulp, portable); six compensated (two-sum) sums per lane (hidden from
//   fast-math by u.zero), tree over lanes; loop budget S / TPA <= 60000
// Reference: src/reference/scoring_maxllr_em.ts

override WG: u32 = 64u;
override TPA: u32 = 1u;

const N_SUMS: u32 = 6u;
const DELTA: f32 = 1e-6;
const LN_DELTA: f32 = -13.815510557964274;
const LN_1M_DELTA: f32 = -1.0000005e-06;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860676533018e-06;

struct Uniforms {
  n_attr: u32,
  n_speakers: u32,
  mode: u32,
  f0: f32,
  p0: f32,
  q0: f32,
  tol: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

var<workgroup> red: array<f32, WG * N_SUMS>;

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
  let acc = two_sum(opaque(n1 * xh) * 4096.0, n0 * xh);
  return pair_add(acc, two_sum(opaque(n1 * xl) * 4096.0, n0 * xl));
}

// ln(1 + y) for y > -1 without losing the low bits of y.
fn log1p_acc(y: f32) -> f32 {
  if (y > -0.2928 && y < 0.4142) { return log1p_core(y); }
  let w = opaque(1.0 + y);
  return ln_acc(w) + (y - opaque(w - 1.0)) / w;
}

// ln x for x >= 0, -inf replaced by a value below ln(DELTA) so the clamp below catches it.
fn ln_or_low(x: f32) -> f32 {
  if (x > 0.0) { return ln_acc(x); }
  return 2.0 * LN_DELTA;
}

// (ln x, ln(1-x)) kept inside [DELTA, 1 - DELTA].
fn keep_inside(l: f32, l1: f32) -> vec2f {
  if (l < LN_DELTA) { return vec2f(LN_DELTA, LN_1M_DELTA); }
  if (l1 < LN_DELTA) { return vec2f(LN_1M_DELTA, LN_DELTA); }
  return vec2f(l, l1);
}

// (ln x, ln(1 - x)) for x = num / (num + comp), the smaller part giving the other's log1p.
fn ln_split(num: f32, comp: f32) -> vec2f {
  let den = num + comp;
  if (num <= comp) {
    return keep_inside(ln_or_low(num) - ln_acc(den), log1p_acc(-num / den));
  }
  return keep_inside(log1p_acc(-comp / den), ln_or_low(comp) - ln_acc(den));
}

// x as an exact pair (hi, lo) from (ln x, ln(1 - x)): near 1 it is 1 - e^ln(1-x), whose small part
// keeps its digits.
fn linear_pair(l: f32, l1: f32) -> vec2f {
  if (l < -0.6931472) { return vec2f(exp_acc(l), 0.0); }
  return two_sum(1.0, -exp_acc(l1));
}

fn ln_pair(x: f32) -> vec2f {
  let c = clamp(x, DELTA, 1.0 - DELTA);
  return vec2f(ln_acc(c), ln_acc(1.0 - c));
}

// (ln x, ln(1 - x)) for x = hi + lo given as two f32 parts, kept inside [DELTA, 1 - DELTA].
fn ln_pair_split(hi: f32, lo: f32) -> vec2f {
  if (!(hi > 0.0)) { return vec2f(LN_DELTA, LN_1M_DELTA); }
  if (hi <= 0.5) {
    return keep_inside(ln_acc(hi) + log1p_acc(lo / hi), log1p_acc(-(hi + lo)));
  }
  let c = opaque(1.0 - hi) - lo;
  if (!(c > 0.0)) { return vec2f(LN_1M_DELTA, LN_DELTA); }
  return keep_inside(log1p_acc(-c), ln_acc(c));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  // Whole workgroups only, so every lane reaches the barriers below.
  if (group * (WG / TPA) >= u.n_attr) { return; }
  let a = group * (WG / TPA) + lid / TPA;
  let lane = lid % TPA;
  let pb = 12u * a;
  var run = a < u.n_attr;
  if (run && u.mode == 0u) { run = state[4u * a + 2u] == 0.0; }
  if (u.mode == 2u) {
    if (run && lane == 0u) {
      // Read every input first: the logs overwrite the slots that hold the low parts.
      let fl = ln_pair_split(params[pb + 6u], params[pb + 9u]);
      let pl = ln_pair_split(params[pb + 7u], params[pb + 10u]);
      let ql = ln_pair_split(params[pb + 8u], params[pb + 11u]);
      params[pb] = fl.x;
      params[pb + 1u] = fl.y;
      params[pb + 2u] = pl.x;
      params[pb + 3u] = pl.y;
      params[pb + 4u] = ql.x;
      params[pb + 5u] = ql.y;
      let fv = linear_pair(fl.x, fl.y);
      let pv = linear_pair(pl.x, pl.y);
      let qv = linear_pair(ql.x, ql.y);
      params[pb + 6u] = fv.x;
      params[pb + 7u] = pv.x;
      params[pb + 8u] = qv.x;
      params[pb + 9u] = fv.y;
      params[pb + 10u] = pv.y;
      params[pb + 11u] = qv.y;
      state[4u * a] = 0.0;
      state[4u * a + 1u] = 0.0;
      state[4u * a + 2u] = 0.0;
      state[4u * a + 3u] = 0.0;
    }
    return;
  }
  var lf = 0.0;
  var l1f = 0.0;
  var lp = 0.0;
  var l1p = 0.0;
  var lq = 0.0;
  var l1q = 0.0;
  if (run) {
    if (u.mode == 1u) {
      let fp = ln_pair(u.f0);
      let pp = ln_pair(u.p0);
      let qp = ln_pair(u.q0);
      lf = fp.x; l1f = fp.y; lp = pp.x; l1p = pp.y; lq = qp.x; l1q = qp.y;
    } else {
      lf = params[pb]; l1f = params[pb + 1u]; lp = params[pb + 2u];
      l1p = params[pb + 3u]; lq = params[pb + 4u]; l1q = params[pb + 5u];
    }
    let k0 = two_sum(l1f, -lf);
    let ka = two_sum(lq, -lp);
    let kn = two_sum(l1q, -l1p);
    var s_post = vec2f(0.0);
    var s_not = vec2f(0.0);
    var s_a_post = vec2f(0.0);
    var s_n_post = vec2f(0.0);
    var s_a_not = vec2f(0.0);
    var s_n_not = vec2f(0.0);
    for (var l = lane; l < u.n_speakers; l += TPA) {
      let row = (l * u.n_attr + a) * 2u;
      let act = counts[row];
      let non = counts[row + 1u];
      // d to f32 accuracy even when the counts are in the thousands (exact products, pair sums).
      var dp = pair_add(k0, mul_count(act, ka.x));
      dp = pair_add(dp, mul_count(non, kn.x));
      let d = dp.x + (dp.y + (act * ka.y + non * kn.y));
      let e = exp_acc(-abs(d));
      var post = e / (1.0 + e);
      var neg = 1.0 / (1.0 + e);
      if (d < 0.0) {
        post = neg;
        neg = e / (1.0 + e);
      }
      s_post = sum_add(s_post, post);
      s_not = sum_add(s_not, neg);
      s_a_post = sum_add(s_a_post, act * post);
      s_n_post = sum_add(s_n_post, non * post);
      s_a_not = sum_add(s_a_not, act * neg);
      s_n_not = sum_add(s_n_not, non * neg);
    }
    red[lid] = s_post.x + s_post.y;
    red[WG + lid] = s_not.x + s_not.y;
    red[2u * WG + lid] = s_a_post.x + s_a_post.y;
    red[3u * WG + lid] = s_n_post.x + s_n_post.y;
    red[4u * WG + lid] = s_a_not.x + s_a_not.y;
    red[5u * WG + lid] = s_n_not.x + s_n_not.y;
  }
  for (var s = TPA / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (run && lane < s) {
      for (var k = 0u; k < N_SUMS; k++) { red[k * WG + lid] += red[k * WG + lid + s]; }
    }
  }
  if (!run || lane != 0u) { return; }
  let fl = ln_split(red[lid], red[WG + lid]);
  var pl = vec2f(lp, l1p);
  if (red[2u * WG + lid] + red[3u * WG + lid] > 0.0) {
    pl = ln_split(red[2u * WG + lid], red[3u * WG + lid]);
  }
  var ql = vec2f(lq, l1q);
  if (red[4u * WG + lid] + red[5u * WG + lid] > 0.0) {
    ql = ln_split(red[4u * WG + lid], red[5u * WG + lid]);
  }
  let fv = linear_pair(fl.x, fl.y);
  let pv = linear_pair(pl.x, pl.y);
  let qv = linear_pair(ql.x, ql.y);
  let f_new = fv.x;
  let p_new = pv.x;
  let q_new = qv.x;
  var old = vec3f(clamp(u.f0, DELTA, 1.0 - DELTA), clamp(u.p0, DELTA, 1.0 - DELTA),
    clamp(u.q0, DELTA, 1.0 - DELTA));
  if (u.mode == 0u) { old = vec3f(params[pb + 6u], params[pb + 7u], params[pb + 8u]); }
  let change = max(abs(f_new - old.x) / old.x, max(abs(p_new - old.y) / old.y, abs(q_new - old.z) / old.z));
  params[pb] = fl.x;
  params[pb + 1u] = fl.y;
  params[pb + 2u] = pl.x;
  params[pb + 3u] = pl.y;
  params[pb + 4u] = ql.x;
  params[pb + 5u] = ql.y;
  params[pb + 6u] = f_new;
  params[pb + 7u] = p_new;
  params[pb + 8u] = q_new;
  params[pb + 9u] = fv.y;
  params[pb + 10u] = pv.y;
  params[pb + 11u] = qv.y;
  var steps = 1.0;
  if (u.mode == 0u) { steps = state[4u * a] + 1.0; }
  var frozen = 0.0;
  if (u.tol > 0.0 && u.mode == 0u && change < u.tol) { frozen = 1.0; }
  state[4u * a] = steps;
  state[4u * a + 1u] = change;
  state[4u * a + 2u] = frozen;
  state[4u * a + 3u] = 0.0;
}
