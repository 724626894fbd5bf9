// scoring_beta_fixed_point: one step of Minka's fixed point for the Dirichlet-multinomial alpha.
//   N_c = sum_l [psi(R[l,a,c] + alpha_c) - psi(alpha_c)] = sum_{j<L} surv[a, c, j] / (alpha_c + j) + tail_c
//   D   = sum_l [psi(sum_c R[l,a,c] + A) - psi(A)]   (same sum over the row totals, A = sum_c alpha_c)
//   alpha_c <- max(alpha_c * N_c / D, eps)
//   Speakers with R = 0 add nothing (the guard on psi(0 + alpha) - psi(alpha)); tail_c (only when some
//   count exceeds L) adds psi(alpha_c + x) - psi(alpha_c + L) per such speaker, by the asymptotic series.
//   state[a] = (steps taken, last relative change max_c |new - old| / old, frozen, floored at eps):
//   an attribute whose change falls below tol (tol > 0) is frozen and skipped from then on.
// Bindings (group 0):
//   0 counts storage read       array<f32> [S, n_attr, n_cat]
//   1 surv   storage read       array<u32> [n_attr * (n_cat + 1), L + 1]   (scoring_beta_survival)
//   2 alpha  storage read_write array<f32> [n_attr, n_cat]
//   3 state  storage read_write array<f32> [n_attr, 4]
//   4 u      uniform            Uniforms {n_attr, n_cat, n_speakers, len, tail, eps, tol, zero}
// Workgroup: WG = 64 (override), TPA = threads per attribute (override, power of two dividing WG)
//   Dispatch: ceil(n_attr * TPA / WG) over x, folded into y past 65535; one dispatch per step
// Numerics: f32; every term is positive, so per-lane compensated (two-sum) sums (hidden from fast-math by u.zero)
//   and a tree over lanes keep ~1e-7 relative error; n_cat <= 8; loop budget
//   (n_cat + 1) * (L + tail * S) / TPA <= 60000 (llvmpipe), the host picks TPA accordingly
// Reference: src/reference/scoring_beta_fixed_point.ts

override WG: u32 = 64u;
override TPA: u32 = 1u;

const MAX_COLS: u32 = 9u;

struct Uniforms {
  n_attr: u32,
  n_cat: u32,
  n_speakers: u32,
  len: u32,
  tail: u32,
  eps: f32,
  tol: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read> surv: array<u32>;
@group(0) @binding(2) var<storage, read_write> alpha: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

var<workgroup> red: array<f32, WG * MAX_COLS>;

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

// ln(1 + y) for y > -1 without losing the low bits of y.
fn log1p_acc(y: f32) -> f32 {
  if (y > -0.2928 && y < 0.4142) { return log1p_core(y); }
  let w = opaque(1.0 + y);
  return ln_acc(w) + (y - opaque(w - 1.0)) / w;
}

// psi(b) - psi(a) for b >= a >= 64: ln(b/a) - (1/b - 1/a)/2 - (1/b^2 - 1/a^2)/12 + (1/b^4 - 1/a^4)/120.
fn psi_diff(a: f32, b: f32) -> f32 {
  let ia = 1.0 / a;
  let ib = 1.0 / b;
  let ia2 = ia * ia;
  let ib2 = ib * ib;
  return log1p_acc((b - a) * ia) - 0.5 * (ib - ia) - (ib2 - ia2) / 12.0 + (ib2 * ib2 - ia2 * ia2) / 120.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  // Whole workgroups only, so every lane reaches the barriers below.
  if (group * (WG / TPA) >= u.n_attr) { return; }
  let a = group * (WG / TPA) + lid / TPA;
  let lane = lid % TPA;
  let cols = u.n_cat + 1u;
  var run = a < u.n_attr;
  if (run) { run = state[4u * a + 2u] == 0.0; }
  if (run) {
    var total_alpha = 0.0;
    for (var c = 0u; c < u.n_cat; c++) { total_alpha += alpha[a * u.n_cat + c]; }
    let row_len = u.n_attr * u.n_cat;
    for (var c = 0u; c < cols; c++) {
      var x = total_alpha;
      if (c < u.n_cat) { x = alpha[a * u.n_cat + c]; }
      let base = (a * cols + c) * (u.len + 1u);
      var acc = vec2f(0.0);
      for (var j = lane; j < u.len; j += TPA) {
        let k = surv[base + j];
        if (k > 0u) { acc = sum_add(acc, f32(k) / (x + f32(j))); }
      }
      if (u.tail == 1u) {
        let lo = x + f32(u.len);
        for (var l = lane; l < u.n_speakers; l += TPA) {
          let row = l * row_len + a * u.n_cat;
          var r = 0.0;
          if (c < u.n_cat) {
            r = counts[row + c];
          } else {
            for (var k = 0u; k < u.n_cat; k++) { r += counts[row + k]; }
          }
          if (r > f32(u.len)) { acc = sum_add(acc, psi_diff(lo, x + r)); }
        }
      }
      red[c * WG + lid] = acc.x + acc.y;
    }
  }
  for (var s = TPA / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (run && lane < s) {
      for (var c = 0u; c < cols; c++) { red[c * WG + lid] += red[c * WG + lid + s]; }
    }
  }
  if (!run || lane != 0u) { return; }
  let d = red[u.n_cat * WG + lid];
  var change = 0.0;
  var floored = state[4u * a + 3u];
  if (d > 0.0) {
    for (var c = 0u; c < u.n_cat; c++) {
      let old = alpha[a * u.n_cat + c];
      var next = old * red[c * WG + lid] / d;
      if (!(next >= u.eps)) {
        next = u.eps;
        floored = 1.0;
      }
      change = max(change, abs(next - old) / old);
      alpha[a * u.n_cat + c] = next;
    }
  }
  let steps = state[4u * a] + 1.0;
  var frozen = 0.0;
  if (u.tol > 0.0 && change < u.tol) { frozen = 1.0; }
  state[4u * a] = steps;
  state[4u * a + 1u] = change;
  state[4u * a + 2u] = frozen;
  state[4u * a + 3u] = floored;
}
