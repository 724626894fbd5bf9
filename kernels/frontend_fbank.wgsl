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
// Workgroup: WG = 64 (override, a power of two <= 256) invocations work on FRAMES (override) consecutive frames,
//   one after another   Dispatch: ceil(n_frames / FRAMES) over x, folded into y past 65535
// Numerics: f32; frame mean by a pairwise tree; radix-2 decimation-in-time FFT (n_fft <= 1024) in workgroup
//   memory; parity atol 2e-4 rtol 2e-5 on log-mel values against the float64 reference given the same tables
// Reference: src/reference/frontend_fbank.ts

override WG: u32 = 64u;
override FRAMES: u32 = 4u;

const MAX_FFT: u32 = 1024u;
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

var<workgroup> re: array<f32, MAX_FFT>;
var<workgroup> im: array<f32, MAX_FFT>;
var<workgroup> tw: array<vec2f, 512>;
var<workgroup> part: array<f32, 256>;

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

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let first_frame = (wid.x + wid.y * nwg.x) * FRAMES;
  if (first_frame >= u.n_frames) { return; }
  let half = u.n_fft / 2u;
  for (var m = lid; m < half; m += WG) { tw[m] = twiddle[m]; }
  let cols = half + 1u;
  let frames_here = min(FRAMES, u.n_frames - first_frame);
  for (var fi = 0u; fi < frames_here; fi++) {
    let f = first_frame + fi;
    let global_frame = u.frame_start + f;
    let base = global_frame * u.shift - u.in_start;
    // Raw (scaled, dithered) samples go to im[] first; re[] receives the bit-reversed FFT input.
    var s = 0.0f;
    for (var n = lid; n < u.win; n += WG) {
      var v = x[min(base + n, u.in_len - 1u)] * u.scale;
      if (u.dither != 0.0f) { v += u.dither * noise(global_frame, n); }
      im[n] = v;
      s += v;
    }
    part[lid] = s;
    workgroupBarrier();
    for (var w = WG / 2u; w > 0u; w >>= 1u) {
      if (lid < w) { part[lid] += part[lid + w]; }
      workgroupBarrier();
    }
    let mean = part[0] / f32(u.win);
    for (var n = lid; n < u.n_fft; n += WG) {
      var v = 0.0f;
      if (n < u.win) {
        let cur = im[n] - mean;
        let prev = im[max(n, 1u) - 1u] - mean;
        v = (cur - u.preemph * select(prev, cur, n == 0u)) * window[n];
      }
      re[reverseBits(n) >> (32u - u.log2_fft)] = v;
    }
    workgroupBarrier();
    for (var n = lid; n < u.n_fft; n += WG) { im[n] = 0.0f; }
    workgroupBarrier();
    for (var st = 1u; st <= u.log2_fft; st++) {
      let h = 1u << (st - 1u);
      for (var bf = lid; bf < half; bf += WG) {
        let j = bf & (h - 1u);
        let i0 = ((bf >> (st - 1u)) << st) + j;
        let i1 = i0 + h;
        let w = tw[j << (u.log2_fft - st)];
        let xr = re[i1] * w.x - im[i1] * w.y;
        let xi = re[i1] * w.y + im[i1] * w.x;
        re[i1] = re[i0] - xr;
        im[i1] = im[i0] - xi;
        re[i0] += xr;
        im[i0] += xi;
      }
      workgroupBarrier();
    }
    for (var k = lid; k < cols; k += WG) { re[k] = re[k] * re[k] + im[k] * im[k]; }
    workgroupBarrier();
    for (var b = lid; b < u.n_bins; b += WG) {
      var acc = 0.0f;
      let row = b * cols;
      for (var k = range[2u * b]; k < range[2u * b + 1u]; k++) { acc += bank[row + k] * re[k]; }
      out[f * u.n_bins + b] = log(max(acc, FLT_EPSILON));
    }
    // The next frame overwrites re[] and im[].
    workgroupBarrier();
  }
}
