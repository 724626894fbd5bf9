// scoring_llr_fit: typicality, drop-out and the log-LR table of the DNA / Speech reference LR models.
//   k = #{l : a_l > 0};  T = (k / S) ((k - 1) / (S - 1));  Dout = sum_{a_l > 0} n_l / (a_l + n_l) / k  (1 if k = 0)
//   (equal to 1 - sum_l p_l / max(k, 1) with p = a / (a + n), without the cancellation)
//   MODEL 0 (DNA):    LR00 = 1 / (T (1 - Din + Dout)),  LR11 = 1 / (T (T Din + 1 - Dout)),
//                     LRmix = (Din / (Din T + 1 - Din) + Dout / T) / 2
//   MODEL 1 (Speech): LR00 = (1 + Dout^2) / (T (2 Dout (1 - Din) + (1 - Din)^2 + Dout^2)),
//                     LR11 = (1 + (Din T)^2) / (T (2 Din T (1 - Dout) + (Din T)^2 + (1 - Dout)^2)),
//                     LRmix = ((1 - Din) Din T + Dout (1 - Dout)) / (T (1 + Din T Dout + (1 - Din) Din T + Dout (1 - Dout)))
//   llrs[e', a, t'] = ln LR for enrolment active = 1 - e', test active = 1 - t' (upstream layout; mixed
//   cases take LRmix); all four are 0 when T < threshold. ln(num/den) is taken as ln num - ln den:
//   a zero denominator gives +100, a zero numerator -100, 0/0 gives 0, and every value is clamped
//   to [-100, 100] (the reference's +-inf entries).
// Bindings (group 0):
//   0 counts     storage read       array<f32> [S, n_attr, 2]
//   1 typicality storage read_write array<f32> [n_attr]
//   2 dropout    storage read_write array<f32> [n_attr]
//   3 llrs       storage read_write array<f32> [2, n_attr, 2]
//   4 u          uniform            Uniforms {n_attr, n_speakers, drop_in, threshold, zero}
// Workgroup: WG = 64 (override), TPA = threads per attribute, MODEL = 0 | 1 (overrides)
//   Dispatch: ceil(n_attr * TPA / WG) over x, folded into y past 65535
// Numerics: f32; integer speaker counts; per-lane compensated (two-sum) sum of the drop-out terms (hidden from
//   fast-math by u.zero), tree over lanes; our own ln (about 1 ulp); loop budget S / TPA <= 60000
// Reference: src/reference/scoring_llr_fit.ts

override WG: u32 = 64u;
override TPA: u32 = 1u;
override MODEL: u32 = 0u;

const LLR_CLAMP: f32 = 100.0;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860676533018e-06;

struct Uniforms {
  n_attr: u32,
  n_speakers: u32,
  drop_in: f32,
  threshold: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read_write> typicality: array<f32>;
@group(0) @binding(2) var<storage, read_write> dropout: array<f32>;
@group(0) @binding(3) var<storage, read_write> llrs: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

var<workgroup> red_k: array<u32, WG>;
var<workgroup> red_drop: array<f32, WG>;

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

// ln(num / den) with the clamping rules of the header (num, den finite).
fn ln_ratio(num: f32, den: f32) -> f32 {
  if (num > 0.0 && den > 0.0) { return clamp(ln_acc(num) - ln_acc(den), -LLR_CLAMP, LLR_CLAMP); }
  if (num > 0.0 && den == 0.0) { return LLR_CLAMP; }
  if (num == 0.0 && den > 0.0) { return -LLR_CLAMP; }
  return 0.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  // Whole workgroups only, so every lane reaches the barriers below.
  if (group * (WG / TPA) >= u.n_attr) { return; }
  let a = group * (WG / TPA) + lid / TPA;
  let lane = lid % TPA;
  let live = a < u.n_attr;
  var k = 0u;
  var acc = vec2f(0.0);
  if (live) {
    for (var l = lane; l < u.n_speakers; l += TPA) {
      let row = (l * u.n_attr + a) * 2u;
      let act = counts[row];
      if (act > 0.0) {
        k += 1u;
        acc = sum_add(acc, counts[row + 1u] / (act + counts[row + 1u]));
      }
    }
  }
  red_k[lid] = k;
  red_drop[lid] = acc.x + acc.y;
  for (var s = TPA / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lane < s) {
      red_k[lid] += red_k[lid + s];
      red_drop[lid] += red_drop[lid + s];
    }
  }
  if (!live || lane != 0u) { return; }
  let kk = f32(red_k[lid]);
  let n_spk = f32(u.n_speakers);
  // k (k - 1) is 0 for k < 2; the product form would give -0 for k = 0.
  var t = 0.0;
  if (kk >= 2.0) { t = (kk / n_spk) * ((kk - 1.0) / (n_spk - 1.0)); }
  var dout = 1.0;
  if (red_k[lid] > 0u) { dout = red_drop[lid] / kk; }
  typicality[a] = t;
  dropout[a] = dout;
  let din = u.drop_in;
  var l00 = 0.0;
  var l11 = 0.0;
  var lmix = 0.0;
  if (!(t < u.threshold)) {
    if (MODEL == 0u) {
      l00 = ln_ratio(1.0, t * (1.0 - din + dout));
      l11 = ln_ratio(1.0, t * (t * din + 1.0 - dout));
      let g = din * t + 1.0 - din;
      lmix = ln_ratio(din * t + dout * g, 2.0 * t * g);
    } else {
      let ndin = 1.0 - din;
      let ndout = 1.0 - dout;
      let dt = din * t;
      l00 = ln_ratio(1.0 + dout * dout, t * (2.0 * dout * ndin + ndin * ndin + dout * dout));
      l11 = ln_ratio(1.0 + dt * dt, t * (2.0 * dt * ndout + dt * dt + ndout * ndout));
      lmix = ln_ratio(ndin * dt + dout * ndout, t * (1.0 + dt * dout + ndin * dt + dout * ndout));
    }
  }
  // llrs[e', a, t'], index 0 = active: [0,a,0] both active, [1,a,1] both inactive.
  llrs[2u * a] = l11;
  llrs[2u * a + 1u] = lmix;
  llrs[2u * u.n_attr + 2u * a] = lmix;
  llrs[2u * u.n_attr + 2u * a + 1u] = l00;
}
