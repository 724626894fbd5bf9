// frontend_fbank: Kaldi log-mel filterbank frames (torchaudio.compliance.kaldi.fbank, snip_edges, no energy term).
//   per frame f (samples f * shift .. f * shift + win): v[n] = scale * x[n] + dither * N(0,1)[seed, f, n];
//   v -= mean(v); v[n] -= preemph * v[max(n - 1, 0)]; v[n] *= window[n]; zero-pad to n_fft;
//   P[k] = |rfft(v)[k]|^2; out[f, b] = ln(max(sum_{k in range[b]} bank[b, k] * P[k], FLT_EPSILON)), all bins in one
//   ascending pass over k (each k lies in at most two neighbouring mel bins)
//   window, twiddles and bank are constant tables (src/frontend/constant_tables.ts); N(0,1) is Box-Muller on a
//   lowbias32 counter hash of (seed, global frame, n)
// Bindings (group 0):
//   0 x       storage read       array<f32> [in_len]
//   1 window  storage read       array<f32> [win]
//   2 twiddle storage read       array<vec2f> [n_fft / 2]
//   3 bank    storage read       array<f32> [n_bins * (n_fft / 2 + 1)]
//   4 range   storage read       array<u32> [n_bins * 2]
//   5 out     storage read_write array<f32> [n_frames * n_bins]
//   6 u       uniform            Uniforms {n_frames, frame_start, in_start, in_len, win, shift, n_fft, log2_fft, n_bins, seed, scale, dither, preemph}
// Workgroup: WG = 8 (override) invocations, one frame each at a time and FRAMES (override) frames each, one after
//   another (no barriers; the lanes of a SIMD row are frames, so every table index is the same across lanes);
//   workgroup memory z holds each invocation's n_fft complex values at [i * WG + lane]: Z_SLOTS = WG * n_fft
//   (override)   Dispatch: ceil(n_frames / (WG * FRAMES)) over x, folded into y past 65535
// Numerics: f32; frame mean by a running sum; radix-2 decimation-in-time FFT (n_fft <= 1024), its stages done five,
//   four or three at a time on 32, 16 or 8 values in registers, the rest one at a time (the same butterflies and
//   twiddles as one stage at a time); parity atol 2e-4 rtol 2e-5 on log-mel values against the float64 reference
//   given the same tables
// Reference: src/reference/frontend_fbank.ts

override WG: u32 = 8u;
override FRAMES: u32 = 1u;
override Z_SLOTS: u32 = 4096u;

const FLT_EPSILON: f32 = 1.1920928955078125e-07f;

struct Uniforms {
  n_frames: u32,
  frame_start: u32,
  in_start: u32,
  in_len: u32,
  win: u32,
  shift: u32,
  n_fft: u32,
  log2_fft: u32,
  n_bins: u32,
  seed: u32,
  scale: f32,
  dither: f32,
  preemph: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> window: array<f32>;
@group(0) @binding(2) var<storage, read> twiddle: array<vec2f>;
@group(0) @binding(3) var<storage, read> bank: array<f32>;
@group(0) @binding(4) var<storage, read> range: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> u: Uniforms;

var<workgroup> z: array<vec2f, Z_SLOTS>;
var<private> lane: u32;

// Slot of this invocation's complex value i.
fn zi(i: u32) -> u32 {
  return i * WG + lane;
}
// cos(pi * v) for v in [0, 2]: v = k + r with |r| <= 0.5, Taylor to degree 14 in r.
fn cos_pi(v: f32) -> f32 {
  let k = round(v);
  let r = v - k;
  let r2 = r * r;
  var p = -0.00010463811f;
  p = 0.0019295743f + r2 * p;
  p = -0.02580689f + r2 * p;
  p = 0.23533063f + r2 * p;
  p = -1.3352628f + r2 * p;
  p = 4.058712f + r2 * p;
  p = -4.934802f + r2 * p;
  let c = 1.0f + r2 * p;
  return select(c, -c, (u32(k) & 1u) != 0u);
}

fn lowbias32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

// A standard normal draw for sample n of global frame f: counter-based, so every frame and sample gets its
// own value whatever the dispatch split (torch's randn cannot be matched; its statistics can).
fn noise(f: u32, n: u32) -> f32 {
  let h = lowbias32(u.seed ^ lowbias32(f));
  let a = lowbias32(h ^ (2u * n));
  let b = lowbias32(h ^ (2u * n + 1u));
  let u1 = (f32(a >> 8u) + 0.5f) * (1.0f / 16777216.0f);
  let u2 = f32(b >> 8u) * (1.0f / 16777216.0f);
  return sqrt(-2.0f * log(u1)) * cos_pi(2.0f * u2);
}

// Scaled, dithered sample n of the frame at chunk sample `base` (global frame gf).
fn sample(base: u32, n: u32, gf: u32) -> f32 {
  var v = x[min(base + n, u.in_len - 1u)] * u.scale;
  if (u.dither != 0.0f) { v += u.dither * noise(gf, n); }
  return v;
}

fn cmul(a: vec2f, w: vec2f) -> vec2f {
  return vec2f(a.x * w.x - a.y * w.y, a.x * w.y + a.y * w.x);
}

// BEGIN radix functions, written by tools/gen_fbank_radix.py (edit the script, not this text)
// DIT stages s .. s + 2 on the 8 values i0 + t * h (t < 8, h = 2^(s-1), j = i0 mod h, sh = log2_fft - s):
// stage s + v pairs t with t + 2^v (bit v of t clear) under twiddle index (j + (t mod 2^v) h) << (sh - v).
fn radix8(i0: u32, h: u32, sh: u32) {
  var r: array<vec2f, 8>;
  r[0] = z[zi(i0)];
  r[1] = z[zi(i0 + h)];
  r[2] = z[zi(i0 + 2u * h)];
  r[3] = z[zi(i0 + 3u * h)];
  r[4] = z[zi(i0 + 4u * h)];
  r[5] = z[zi(i0 + 5u * h)];
  r[6] = z[zi(i0 + 6u * h)];
  r[7] = z[zi(i0 + 7u * h)];
  let j = i0 & (h - 1u);
  let w0_0 = twiddle[j << sh];
  { let t = cmul(r[1], w0_0); let q = r[0]; r[1] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w0_0); let q = r[2]; r[3] = q - t; r[2] = q + t; }
  { let t = cmul(r[5], w0_0); let q = r[4]; r[5] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w0_0); let q = r[6]; r[7] = q - t; r[6] = q + t; }
  let w1_0 = twiddle[j << (sh - 1u)];
  let w1_1 = twiddle[(j + h) << (sh - 1u)];
  { let t = cmul(r[2], w1_0); let q = r[0]; r[2] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w1_1); let q = r[1]; r[3] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w1_0); let q = r[4]; r[6] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w1_1); let q = r[5]; r[7] = q - t; r[5] = q + t; }
  let w2_0 = twiddle[j << (sh - 2u)];
  let w2_1 = twiddle[(j + h) << (sh - 2u)];
  let w2_2 = twiddle[(j + 2u * h) << (sh - 2u)];
  let w2_3 = twiddle[(j + 3u * h) << (sh - 2u)];
  { let t = cmul(r[4], w2_0); let q = r[0]; r[4] = q - t; r[0] = q + t; }
  { let t = cmul(r[5], w2_1); let q = r[1]; r[5] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w2_2); let q = r[2]; r[6] = q - t; r[2] = q + t; }
  { let t = cmul(r[7], w2_3); let q = r[3]; r[7] = q - t; r[3] = q + t; }
  z[zi(i0)] = r[0];
  z[zi(i0 + h)] = r[1];
  z[zi(i0 + 2u * h)] = r[2];
  z[zi(i0 + 3u * h)] = r[3];
  z[zi(i0 + 4u * h)] = r[4];
  z[zi(i0 + 5u * h)] = r[5];
  z[zi(i0 + 6u * h)] = r[6];
  z[zi(i0 + 7u * h)] = r[7];
}

// DIT stages s .. s + 3 on the 16 values i0 + t * h (t < 16, h = 2^(s-1), j = i0 mod h, sh = log2_fft - s):
// stage s + v pairs t with t + 2^v (bit v of t clear) under twiddle index (j + (t mod 2^v) h) << (sh - v).
fn radix16(i0: u32, h: u32, sh: u32) {
  var r: array<vec2f, 16>;
  r[0] = z[zi(i0)];
  r[1] = z[zi(i0 + h)];
  r[2] = z[zi(i0 + 2u * h)];
  r[3] = z[zi(i0 + 3u * h)];
  r[4] = z[zi(i0 + 4u * h)];
  r[5] = z[zi(i0 + 5u * h)];
  r[6] = z[zi(i0 + 6u * h)];
  r[7] = z[zi(i0 + 7u * h)];
  r[8] = z[zi(i0 + 8u * h)];
  r[9] = z[zi(i0 + 9u * h)];
  r[10] = z[zi(i0 + 10u * h)];
  r[11] = z[zi(i0 + 11u * h)];
  r[12] = z[zi(i0 + 12u * h)];
  r[13] = z[zi(i0 + 13u * h)];
  r[14] = z[zi(i0 + 14u * h)];
  r[15] = z[zi(i0 + 15u * h)];
  let j = i0 & (h - 1u);
  let w0_0 = twiddle[j << sh];
  { let t = cmul(r[1], w0_0); let q = r[0]; r[1] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w0_0); let q = r[2]; r[3] = q - t; r[2] = q + t; }
  { let t = cmul(r[5], w0_0); let q = r[4]; r[5] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w0_0); let q = r[6]; r[7] = q - t; r[6] = q + t; }
  { let t = cmul(r[9], w0_0); let q = r[8]; r[9] = q - t; r[8] = q + t; }
  { let t = cmul(r[11], w0_0); let q = r[10]; r[11] = q - t; r[10] = q + t; }
  { let t = cmul(r[13], w0_0); let q = r[12]; r[13] = q - t; r[12] = q + t; }
  { let t = cmul(r[15], w0_0); let q = r[14]; r[15] = q - t; r[14] = q + t; }
  let w1_0 = twiddle[j << (sh - 1u)];
  let w1_1 = twiddle[(j + h) << (sh - 1u)];
  { let t = cmul(r[2], w1_0); let q = r[0]; r[2] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w1_1); let q = r[1]; r[3] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w1_0); let q = r[4]; r[6] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w1_1); let q = r[5]; r[7] = q - t; r[5] = q + t; }
  { let t = cmul(r[10], w1_0); let q = r[8]; r[10] = q - t; r[8] = q + t; }
  { let t = cmul(r[11], w1_1); let q = r[9]; r[11] = q - t; r[9] = q + t; }
  { let t = cmul(r[14], w1_0); let q = r[12]; r[14] = q - t; r[12] = q + t; }
  { let t = cmul(r[15], w1_1); let q = r[13]; r[15] = q - t; r[13] = q + t; }
  let w2_0 = twiddle[j << (sh - 2u)];
  let w2_1 = twiddle[(j + h) << (sh - 2u)];
  let w2_2 = twiddle[(j + 2u * h) << (sh - 2u)];
  let w2_3 = twiddle[(j + 3u * h) << (sh - 2u)];
  { let t = cmul(r[4], w2_0); let q = r[0]; r[4] = q - t; r[0] = q + t; }
  { let t = cmul(r[5], w2_1); let q = r[1]; r[5] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w2_2); let q = r[2]; r[6] = q - t; r[2] = q + t; }
  { let t = cmul(r[7], w2_3); let q = r[3]; r[7] = q - t; r[3] = q + t; }
  { let t = cmul(r[12], w2_0); let q = r[8]; r[12] = q - t; r[8] = q + t; }
  { let t = cmul(r[13], w2_1); let q = r[9]; r[13] = q - t; r[9] = q + t; }
  { let t = cmul(r[14], w2_2); let q = r[10]; r[14] = q - t; r[10] = q + t; }
  { let t = cmul(r[15], w2_3); let q = r[11]; r[15] = q - t; r[11] = q + t; }
  let w3_0 = twiddle[j << (sh - 3u)];
  let w3_1 = twiddle[(j + h) << (sh - 3u)];
  let w3_2 = twiddle[(j + 2u * h) << (sh - 3u)];
  let w3_3 = twiddle[(j + 3u * h) << (sh - 3u)];
  let w3_4 = twiddle[(j + 4u * h) << (sh - 3u)];
  let w3_5 = twiddle[(j + 5u * h) << (sh - 3u)];
  let w3_6 = twiddle[(j + 6u * h) << (sh - 3u)];
  let w3_7 = twiddle[(j + 7u * h) << (sh - 3u)];
  { let t = cmul(r[8], w3_0); let q = r[0]; r[8] = q - t; r[0] = q + t; }
  { let t = cmul(r[9], w3_1); let q = r[1]; r[9] = q - t; r[1] = q + t; }
  { let t = cmul(r[10], w3_2); let q = r[2]; r[10] = q - t; r[2] = q + t; }
  { let t = cmul(r[11], w3_3); let q = r[3]; r[11] = q - t; r[3] = q + t; }
  { let t = cmul(r[12], w3_4); let q = r[4]; r[12] = q - t; r[4] = q + t; }
  { let t = cmul(r[13], w3_5); let q = r[5]; r[13] = q - t; r[5] = q + t; }
  { let t = cmul(r[14], w3_6); let q = r[6]; r[14] = q - t; r[6] = q + t; }
  { let t = cmul(r[15], w3_7); let q = r[7]; r[15] = q - t; r[7] = q + t; }
  z[zi(i0)] = r[0];
  z[zi(i0 + h)] = r[1];
  z[zi(i0 + 2u * h)] = r[2];
  z[zi(i0 + 3u * h)] = r[3];
  z[zi(i0 + 4u * h)] = r[4];
  z[zi(i0 + 5u * h)] = r[5];
  z[zi(i0 + 6u * h)] = r[6];
  z[zi(i0 + 7u * h)] = r[7];
  z[zi(i0 + 8u * h)] = r[8];
  z[zi(i0 + 9u * h)] = r[9];
  z[zi(i0 + 10u * h)] = r[10];
  z[zi(i0 + 11u * h)] = r[11];
  z[zi(i0 + 12u * h)] = r[12];
  z[zi(i0 + 13u * h)] = r[13];
  z[zi(i0 + 14u * h)] = r[14];
  z[zi(i0 + 15u * h)] = r[15];
}

// DIT stages s .. s + 4 on the 32 values i0 + t * h (t < 32, h = 2^(s-1), j = i0 mod h, sh = log2_fft - s):
// stage s + v pairs t with t + 2^v (bit v of t clear) under twiddle index (j + (t mod 2^v) h) << (sh - v).
fn radix32(i0: u32, h: u32, sh: u32) {
  var r: array<vec2f, 32>;
  r[0] = z[zi(i0)];
  r[1] = z[zi(i0 + h)];
  r[2] = z[zi(i0 + 2u * h)];
  r[3] = z[zi(i0 + 3u * h)];
  r[4] = z[zi(i0 + 4u * h)];
  r[5] = z[zi(i0 + 5u * h)];
  r[6] = z[zi(i0 + 6u * h)];
  r[7] = z[zi(i0 + 7u * h)];
  r[8] = z[zi(i0 + 8u * h)];
  r[9] = z[zi(i0 + 9u * h)];
  r[10] = z[zi(i0 + 10u * h)];
  r[11] = z[zi(i0 + 11u * h)];
  r[12] = z[zi(i0 + 12u * h)];
  r[13] = z[zi(i0 + 13u * h)];
  r[14] = z[zi(i0 + 14u * h)];
  r[15] = z[zi(i0 + 15u * h)];
  r[16] = z[zi(i0 + 16u * h)];
  r[17] = z[zi(i0 + 17u * h)];
  r[18] = z[zi(i0 + 18u * h)];
  r[19] = z[zi(i0 + 19u * h)];
  r[20] = z[zi(i0 + 20u * h)];
  r[21] = z[zi(i0 + 21u * h)];
  r[22] = z[zi(i0 + 22u * h)];
  r[23] = z[zi(i0 + 23u * h)];
  r[24] = z[zi(i0 + 24u * h)];
  r[25] = z[zi(i0 + 25u * h)];
  r[26] = z[zi(i0 + 26u * h)];
  r[27] = z[zi(i0 + 27u * h)];
  r[28] = z[zi(i0 + 28u * h)];
  r[29] = z[zi(i0 + 29u * h)];
  r[30] = z[zi(i0 + 30u * h)];
  r[31] = z[zi(i0 + 31u * h)];
  let j = i0 & (h - 1u);
  let w0_0 = twiddle[j << sh];
  { let t = cmul(r[1], w0_0); let q = r[0]; r[1] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w0_0); let q = r[2]; r[3] = q - t; r[2] = q + t; }
  { let t = cmul(r[5], w0_0); let q = r[4]; r[5] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w0_0); let q = r[6]; r[7] = q - t; r[6] = q + t; }
  { let t = cmul(r[9], w0_0); let q = r[8]; r[9] = q - t; r[8] = q + t; }
  { let t = cmul(r[11], w0_0); let q = r[10]; r[11] = q - t; r[10] = q + t; }
  { let t = cmul(r[13], w0_0); let q = r[12]; r[13] = q - t; r[12] = q + t; }
  { let t = cmul(r[15], w0_0); let q = r[14]; r[15] = q - t; r[14] = q + t; }
  { let t = cmul(r[17], w0_0); let q = r[16]; r[17] = q - t; r[16] = q + t; }
  { let t = cmul(r[19], w0_0); let q = r[18]; r[19] = q - t; r[18] = q + t; }
  { let t = cmul(r[21], w0_0); let q = r[20]; r[21] = q - t; r[20] = q + t; }
  { let t = cmul(r[23], w0_0); let q = r[22]; r[23] = q - t; r[22] = q + t; }
  { let t = cmul(r[25], w0_0); let q = r[24]; r[25] = q - t; r[24] = q + t; }
  { let t = cmul(r[27], w0_0); let q = r[26]; r[27] = q - t; r[26] = q + t; }
  { let t = cmul(r[29], w0_0); let q = r[28]; r[29] = q - t; r[28] = q + t; }
  { let t = cmul(r[31], w0_0); let q = r[30]; r[31] = q - t; r[30] = q + t; }
  let w1_0 = twiddle[j << (sh - 1u)];
  let w1_1 = twiddle[(j + h) << (sh - 1u)];
  { let t = cmul(r[2], w1_0); let q = r[0]; r[2] = q - t; r[0] = q + t; }
  { let t = cmul(r[3], w1_1); let q = r[1]; r[3] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w1_0); let q = r[4]; r[6] = q - t; r[4] = q + t; }
  { let t = cmul(r[7], w1_1); let q = r[5]; r[7] = q - t; r[5] = q + t; }
  { let t = cmul(r[10], w1_0); let q = r[8]; r[10] = q - t; r[8] = q + t; }
  { let t = cmul(r[11], w1_1); let q = r[9]; r[11] = q - t; r[9] = q + t; }
  { let t = cmul(r[14], w1_0); let q = r[12]; r[14] = q - t; r[12] = q + t; }
  { let t = cmul(r[15], w1_1); let q = r[13]; r[15] = q - t; r[13] = q + t; }
  { let t = cmul(r[18], w1_0); let q = r[16]; r[18] = q - t; r[16] = q + t; }
  { let t = cmul(r[19], w1_1); let q = r[17]; r[19] = q - t; r[17] = q + t; }
  { let t = cmul(r[22], w1_0); let q = r[20]; r[22] = q - t; r[20] = q + t; }
  { let t = cmul(r[23], w1_1); let q = r[21]; r[23] = q - t; r[21] = q + t; }
  { let t = cmul(r[26], w1_0); let q = r[24]; r[26] = q - t; r[24] = q + t; }
  { let t = cmul(r[27], w1_1); let q = r[25]; r[27] = q - t; r[25] = q + t; }
  { let t = cmul(r[30], w1_0); let q = r[28]; r[30] = q - t; r[28] = q + t; }
  { let t = cmul(r[31], w1_1); let q = r[29]; r[31] = q - t; r[29] = q + t; }
  let w2_0 = twiddle[j << (sh - 2u)];
  let w2_1 = twiddle[(j + h) << (sh - 2u)];
  let w2_2 = twiddle[(j + 2u * h) << (sh - 2u)];
  let w2_3 = twiddle[(j + 3u * h) << (sh - 2u)];
  { let t = cmul(r[4], w2_0); let q = r[0]; r[4] = q - t; r[0] = q + t; }
  { let t = cmul(r[5], w2_1); let q = r[1]; r[5] = q - t; r[1] = q + t; }
  { let t = cmul(r[6], w2_2); let q = r[2]; r[6] = q - t; r[2] = q + t; }
  { let t = cmul(r[7], w2_3); let q = r[3]; r[7] = q - t; r[3] = q + t; }
  { let t = cmul(r[12], w2_0); let q = r[8]; r[12] = q - t; r[8] = q + t; }
  { let t = cmul(r[13], w2_1); let q = r[9]; r[13] = q - t; r[9] = q + t; }
  { let t = cmul(r[14], w2_2); let q = r[10]; r[14] = q - t; r[10] = q + t; }
  { let t = cmul(r[15], w2_3); let q = r[11]; r[15] = q - t; r[11] = q + t; }
  { let t = cmul(r[20], w2_0); let q = r[16]; r[20] = q - t; r[16] = q + t; }
  { let t = cmul(r[21], w2_1); let q = r[17]; r[21] = q - t; r[17] = q + t; }
  { let t = cmul(r[22], w2_2); let q = r[18]; r[22] = q - t; r[18] = q + t; }
  { let t = cmul(r[23], w2_3); let q = r[19]; r[23] = q - t; r[19] = q + t; }
  { let t = cmul(r[28], w2_0); let q = r[24]; r[28] = q - t; r[24] = q + t; }
  { let t = cmul(r[29], w2_1); let q = r[25]; r[29] = q - t; r[25] = q + t; }
  { let t = cmul(r[30], w2_2); let q = r[26]; r[30] = q - t; r[26] = q + t; }
  { let t = cmul(r[31], w2_3); let q = r[27]; r[31] = q - t; r[27] = q + t; }
  let w3_0 = twiddle[j << (sh - 3u)];
  let w3_1 = twiddle[(j + h) << (sh - 3u)];
  let w3_2 = twiddle[(j + 2u * h) << (sh - 3u)];
  let w3_3 = twiddle[(j + 3u * h) << (sh - 3u)];
  let w3_4 = twiddle[(j + 4u * h) << (sh - 3u)];
  let w3_5 = twiddle[(j + 5u * h) << (sh - 3u)];
  let w3_6 = twiddle[(j + 6u * h) << (sh - 3u)];
  let w3_7 = twiddle[(j + 7u * h) << (sh - 3u)];
  { let t = cmul(r[8], w3_0); let q = r[0]; r[8] = q - t; r[0] = q + t; }
  { let t = cmul(r[9], w3_1); let q = r[1]; r[9] = q - t; r[1] = q + t; }
  { let t = cmul(r[10], w3_2); let q = r[2]; r[10] = q - t; r[2] = q + t; }
  { let t = cmul(r[11], w3_3); let q = r[3]; r[11] = q - t; r[3] = q + t; }
  { let t = cmul(r[12], w3_4); let q = r[4]; r[12] = q - t; r[4] = q + t; }
  { let t = cmul(r[13], w3_5); let q = r[5]; r[13] = q - t; r[5] = q + t; }
  { let t = cmul(r[14], w3_6); let q = r[6]; r[14] = q - t; r[6] = q + t; }
  { let t = cmul(r[15], w3_7); let q = r[7]; r[15] = q - t; r[7] = q + t; }
  { let t = cmul(r[24], w3_0); let q = r[16]; r[24] = q - t; r[16] = q + t; }
  { let t = cmul(r[25], w3_1); let q = r[17]; r[25] = q - t; r[17] = q + t; }
  { let t = cmul(r[26], w3_2); let q = r[18]; r[26] = q - t; r[18] = q + t; }
  { let t = cmul(r[27], w3_3); let q = r[19]; r[27] = q - t; r[19] = q + t; }
  { let t = cmul(r[28], w3_4); let q = r[20]; r[28] = q - t; r[20] = q + t; }
  { let t = cmul(r[29], w3_5); let q = r[21]; r[29] = q - t; r[21] = q + t; }
  { let t = cmul(r[30], w3_6); let q = r[22]; r[30] = q - t; r[22] = q + t; }
  { let t = cmul(r[31], w3_7); let q = r[23]; r[31] = q - t; r[23] = q + t; }
  let w4_0 = twiddle[j << (sh - 4u)];
  let w4_1 = twiddle[(j + h) << (sh - 4u)];
  let w4_2 = twiddle[(j + 2u * h) << (sh - 4u)];
  let w4_3 = twiddle[(j + 3u * h) << (sh - 4u)];
  let w4_4 = twiddle[(j + 4u * h) << (sh - 4u)];
  let w4_5 = twiddle[(j + 5u * h) << (sh - 4u)];
  let w4_6 = twiddle[(j + 6u * h) << (sh - 4u)];
  let w4_7 = twiddle[(j + 7u * h) << (sh - 4u)];
  let w4_8 = twiddle[(j + 8u * h) << (sh - 4u)];
  let w4_9 = twiddle[(j + 9u * h) << (sh - 4u)];
  let w4_10 = twiddle[(j + 10u * h) << (sh - 4u)];
  let w4_11 = twiddle[(j + 11u * h) << (sh - 4u)];
  let w4_12 = twiddle[(j + 12u * h) << (sh - 4u)];
  let w4_13 = twiddle[(j + 13u * h) << (sh - 4u)];
  let w4_14 = twiddle[(j + 14u * h) << (sh - 4u)];
  let w4_15 = twiddle[(j + 15u * h) << (sh - 4u)];
  { let t = cmul(r[16], w4_0); let q = r[0]; r[16] = q - t; r[0] = q + t; }
  { let t = cmul(r[17], w4_1); let q = r[1]; r[17] = q - t; r[1] = q + t; }
  { let t = cmul(r[18], w4_2); let q = r[2]; r[18] = q - t; r[2] = q + t; }
  { let t = cmul(r[19], w4_3); let q = r[3]; r[19] = q - t; r[3] = q + t; }
  { let t = cmul(r[20], w4_4); let q = r[4]; r[20] = q - t; r[4] = q + t; }
  { let t = cmul(r[21], w4_5); let q = r[5]; r[21] = q - t; r[5] = q + t; }
  { let t = cmul(r[22], w4_6); let q = r[6]; r[22] = q - t; r[6] = q + t; }
  { let t = cmul(r[23], w4_7); let q = r[7]; r[23] = q - t; r[7] = q + t; }
  { let t = cmul(r[24], w4_8); let q = r[8]; r[24] = q - t; r[8] = q + t; }
  { let t = cmul(r[25], w4_9); let q = r[9]; r[25] = q - t; r[9] = q + t; }
  { let t = cmul(r[26], w4_10); let q = r[10]; r[26] = q - t; r[10] = q + t; }
  { let t = cmul(r[27], w4_11); let q = r[11]; r[27] = q - t; r[11] = q + t; }
  { let t = cmul(r[28], w4_12); let q = r[12]; r[28] = q - t; r[12] = q + t; }
  { let t = cmul(r[29], w4_13); let q = r[13]; r[29] = q - t; r[13] = q + t; }
  { let t = cmul(r[30], w4_14); let q = r[14]; r[30] = q - t; r[14] = q + t; }
  { let t = cmul(r[31], w4_15); let q = r[15]; r[31] = q - t; r[15] = q + t; }
  z[zi(i0)] = r[0];
  z[zi(i0 + h)] = r[1];
  z[zi(i0 + 2u * h)] = r[2];
  z[zi(i0 + 3u * h)] = r[3];
  z[zi(i0 + 4u * h)] = r[4];
  z[zi(i0 + 5u * h)] = r[5];
  z[zi(i0 + 6u * h)] = r[6];
  z[zi(i0 + 7u * h)] = r[7];
  z[zi(i0 + 8u * h)] = r[8];
  z[zi(i0 + 9u * h)] = r[9];
  z[zi(i0 + 10u * h)] = r[10];
  z[zi(i0 + 11u * h)] = r[11];
  z[zi(i0 + 12u * h)] = r[12];
  z[zi(i0 + 13u * h)] = r[13];
  z[zi(i0 + 14u * h)] = r[14];
  z[zi(i0 + 15u * h)] = r[15];
  z[zi(i0 + 16u * h)] = r[16];
  z[zi(i0 + 17u * h)] = r[17];
  z[zi(i0 + 18u * h)] = r[18];
  z[zi(i0 + 19u * h)] = r[19];
  z[zi(i0 + 20u * h)] = r[20];
  z[zi(i0 + 21u * h)] = r[21];
  z[zi(i0 + 22u * h)] = r[22];
  z[zi(i0 + 23u * h)] = r[23];
  z[zi(i0 + 24u * h)] = r[24];
  z[zi(i0 + 25u * h)] = r[25];
  z[zi(i0 + 26u * h)] = r[26];
  z[zi(i0 + 27u * h)] = r[27];
  z[zi(i0 + 28u * h)] = r[28];
  z[zi(i0 + 29u * h)] = r[29];
  z[zi(i0 + 30u * h)] = r[30];
  z[zi(i0 + 31u * h)] = r[31];
}
// END radix functions

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  lane = lid;
  let first = (wid.x + wid.y * nwg.x) * WG * FRAMES;
  let n = u.n_fft;
  let lm = u.log2_fft;
  let cols = n / 2u + 1u;
  for (var fi = 0u; fi < FRAMES; fi++) {
    let f = first + fi * WG + lid;
    if (f >= u.n_frames) { break; }
    let gf = u.frame_start + f;
    let base = gf * u.shift - u.in_start;
    var s = 0.0f;
    for (var k = 0u; k < u.win; k++) { s += sample(base, k, gf); }
    let mean = s / f32(u.win);
    // Kaldi's pre-emphasis treats v[-1] as v[0]; the windowed frame goes to bit-reversed slots.
    var prev = sample(base, 0u, gf) - mean;
    for (var k = 0u; k < n; k++) {
      var v = 0.0f;
      if (k < u.win) {
        let cur = sample(base, k, gf) - mean;
        v = (cur - u.preemph * prev) * window[k];
        prev = cur;
      }
      z[zi(reverseBits(k) >> (32u - lm))] = vec2f(v, 0.0f);
    }
    var st = 1u;
    for (; st + 4u <= lm; st += 5u) {
      let h = 1u << (st - 1u);
      for (var g = 0u; g < n / 32u; g++) {
        radix32(((g >> (st - 1u)) << (st + 4u)) + (g & (h - 1u)), h, lm - st);
      }
    }
    for (; st + 3u <= lm; st += 4u) {
      let h = 1u << (st - 1u);
      for (var g = 0u; g < n / 16u; g++) {
        radix16(((g >> (st - 1u)) << (st + 3u)) + (g & (h - 1u)), h, lm - st);
      }
    }
    for (; st + 2u <= lm; st += 3u) {
      let h = 1u << (st - 1u);
      for (var g = 0u; g < n / 8u; g++) {
        radix8(((g >> (st - 1u)) << (st + 2u)) + (g & (h - 1u)), h, lm - st);
      }
    }
    for (; st <= lm; st++) {
      let h = 1u << (st - 1u);
      for (var i = 0u; i < n / 2u; i++) {
        let j = i & (h - 1u);
        let i0 = ((i >> (st - 1u)) << st) + j;
        let t = cmul(z[zi(i0 + h)], twiddle[j << (lm - st)]);
        let a = z[zi(i0)];
        z[zi(i0 + h)] = a - t;
        z[zi(i0)] = a + t;
      }
    }
    // One ascending pass over the FFT bins: a Kaldi triangle overlaps only its neighbours, so every bin k
    // with a nonzero weight lies in bins lo and lo + 1, lo the lowest mel bin whose range has not ended;
    // each mel sum still runs over its own range in ascending k (plus exact zero terms).
    let row = f * u.n_bins;
    var lo = 0u;
    var a0 = 0.0f;
    var a1 = 0.0f;
    for (var k = 0u; k < cols; k++) {
      while (lo < u.n_bins && range[2u * lo + 1u] <= k) {
        out[row + lo] = log(max(a0, FLT_EPSILON));
        a0 = a1;
        a1 = 0.0f;
        lo++;
      }
      if (lo >= u.n_bins) { break; }
      let c = z[zi(k)];
      let p = c.x * c.x + c.y * c.y;
      a0 += bank[lo * cols + k] * p;
      a1 += bank[min(lo + 1u, u.n_bins - 1u) * cols + k] * p;
    }
    for (; lo < u.n_bins; lo++) {
      out[row + lo] = log(max(a0, FLT_EPSILON));
      a0 = a1;
      a1 = 0.0f;
    }
  }
}
