// frontend_resample: polyphase FIR resampling (torchaudio's sinc_interp_hann), one output sample per invocation.
//   y[j] = sum_{spans[p].x <= k < spans[p].y} x[b * rate_in + k - width] * h[p, k],
//   b = g / rate_out, p = g % rate_out, g = out_start + j; x = 0 outside [0, n_in);
//   h and the spans of its nonzero taps are constant tables (src/frontend/constant_tables.ts);
//   x is bound from global sample in_start and y from global output out_start (chunking)
// Bindings (group 0):
//   0 x     storage read       array<f32> [in_len]
//   1 bank  storage read       array<f32> [rate_out * taps]
//   2 spans storage read       array<u32> [rate_out * 2]
//   3 y     storage read_write array<f32> [n_out]
//   4 u     uniform            Uniforms {n_in, n_out, out_start, in_start, in_len, rate_in, rate_out, width, taps}
// Workgroup: WG = 256 (override)   Dispatch: ceil(n_out / WG) over x, folded into y past 65535
// Numerics: f32 products summed in tap order (skipped taps are exact zeros); parity atol 5e-6 on [-1, 1] input
// Reference: src/reference/frontend_resample.ts

override WG: u32 = 256u;

struct Uniforms {
  n_in: u32,
  n_out: u32,
  out_start: u32,
  in_start: u32,
  in_len: u32,
  rate_in: u32,
  rate_out: u32,
  width: u32,
  taps: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> bank: array<f32>;
@group(0) @binding(2) var<storage, read> spans: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let j = (wid.x + wid.y * nwg.x) * WG + lid;
  if (j >= u.n_out) { return; }
  let g = u.out_start + j;
  let b = g / u.rate_out;
  let p = g % u.rate_out;
  // Global sample of tap 0 is b * rate_in - width; clip the taps to samples inside the waveform
  // (torchaudio's zero padding) and inside this chunk's binding.
  let first = i32(b * u.rate_in) - i32(u.width);
  let lo = max(i32(spans[2u * p]), max(-first, i32(u.in_start) - first));
  let hi = min(i32(spans[2u * p + 1u]), min(i32(u.n_in), i32(u.in_start + u.in_len)) - first);
  let row = p * u.taps;
  var acc = 0.0f;
  for (var k = lo; k < hi; k++) {
    acc += x[u32(first + k) - u.in_start] * bank[row + u32(k)];
  }
  y[j] = acc;
}
