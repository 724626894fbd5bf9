// frontend_fbank: Kaldi log-mel filterbank frames (torchaudio.compliance.kaldi.fbank, snip_edges, no energy term).
//   per frame f (samples f * shift .. f * shift + win): v[n] = scale * x[n] + dither * N(0,1)[seed, f, n];
//   v -= mean(v); v[n] -= preemph * v[max(n - 1, 0)]; v[n] *= window[n]; zero-pad to n_fft;
//   P[k] = |rfft(v)[k]|^2; out[f, b] = ln(max(sum_{k in range[b]} bank[b, k] * P[k], FLT_EPSILON))
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
// Numerics: f32; frame mean by a running sum; radix-2 decimation-in-time FFT (n_fft <= 1024), its stages done three
//   at a time on eight values in registers (the same butterflies and twiddles as one stage at a time); parity
//   atol 2e-4 rtol 2e-5 on log-mel values against the float64 reference given the same tables
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

// Radix-2 DIT butterfly on registers a (lower) and b.
fn bf(r: ptr<function, array<vec2f, 8>>, a: u32, b: u32, w: vec2f) {
  let t = cmul((*r)[b], w);
  let p = (*r)[a];
  (*r)[b] = p - t;
  (*r)[a] = p + t;
}

// DIT stages s, s + 1, s + 2 on the eight values i0 + t * h (t < 8, h = 2^(s-1), j = i0 mod h, sh = log2_fft - s):
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
  let w0 = twiddle[j << sh];
  bf(&r, 0u, 1u, w0);
  bf(&r, 2u, 3u, w0);
  bf(&r, 4u, 5u, w0);
  bf(&r, 6u, 7u, w0);
  let w10 = twiddle[j << (sh - 1u)];
  let w11 = twiddle[(j + h) << (sh - 1u)];
  bf(&r, 0u, 2u, w10);
  bf(&r, 1u, 3u, w11);
  bf(&r, 4u, 6u, w10);
  bf(&r, 5u, 7u, w11);
  bf(&r, 0u, 4u, twiddle[j << (sh - 2u)]);
  bf(&r, 1u, 5u, twiddle[(j + h) << (sh - 2u)]);
  bf(&r, 2u, 6u, twiddle[(j + 2u * h) << (sh - 2u)]);
  bf(&r, 3u, 7u, twiddle[(j + 3u * h) << (sh - 2u)]);
  z[zi(i0)] = r[0];
  z[zi(i0 + h)] = r[1];
  z[zi(i0 + 2u * h)] = r[2];
  z[zi(i0 + 3u * h)] = r[3];
  z[zi(i0 + 4u * h)] = r[4];
  z[zi(i0 + 5u * h)] = r[5];
  z[zi(i0 + 6u * h)] = r[6];
  z[zi(i0 + 7u * h)] = r[7];
}

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
    for (var b = 0u; b < u.n_bins; b++) {
      var acc = 0.0f;
      let row = b * cols;
      for (var k = range[2u * b]; k < range[2u * b + 1u]; k++) {
        let c = z[zi(k)];
        acc += bank[row + k] * (c.x * c.x + c.y * c.y);
      }
      out[f * u.n_bins + b] = log(max(acc, FLT_EPSILON));
    }
  }
}
