// frontend_resample: polyphase FIR resampling (torchaudio's sinc_interp_hann), eight outputs of one phase per invocation.
//   y[j] = sum_{lo_p <= k < hi_p} x[b * rate_in + k - width] * h[p, k], g = b * rate_out + p = out_start + j;
//   x = 0 outside [0, n_in); [lo_p, hi_p) spans phase p's nonzero taps
//   Workgroup (wx, wy, wz) runs phase p = wx + ydim * (wy / 4) for blocks b = bb + 4 * (8 * m + k), k < 8,
//   bb = b0 + wy % 4, m = wz * WG + lid (all phases of a block range run back to back, sharing its samples
//   in cache): p, the alignment r = (b * rate_in - width + lo_p) mod 4 and the loop count are uniform, so
//   each taps texel of layer r (resampleTapQuads: taps lo_p - r + 4i .. +3, src/frontend/constant_tables.ts)
//   meets eight sample texels (four samples each); x is staged from global sample in_start (a multiple of 64)
// Bindings (group 0):
//   0 x     texture            texture_2d_array<f32> [texel q = chunk samples 4q..4q+3 at (q % X_PITCH, q / X_PITCH)]
//   1 quads texture            texture_2d_array<f32> [layer r, texel a = p * row + i at (a % TAP_PITCH, a / TAP_PITCH)]
//   2 spans storage read       array<u32> [rate_out * 2]
//   3 y     storage read_write array<f32> [n_out]
//   4 u     uniform            Uniforms {n_in, n_out, out_start, in_start, rate_in, rate_out, width, row, b0, ydim}
// Workgroup: WG = 64 (override)   Dispatch: (ydim, 4 * ceil(rate_out / ydim), ceil(blocks / (32 * WG)))
// Numerics: f32; four-tap dot products summed in tap order (taps outside the span are exact zeros);
//   parity atol 5e-6 on [-1, 1] input against the float64 reference
// Reference: src/reference/frontend_resample.ts

override WG: u32 = 64u;

// Texels per row of the x texture (SAMPLE_PITCH, src/frontend/sample_texture.ts) and of the taps
// texture (RESAMPLE_TAP_PITCH, src/frontend/tables.ts).
const X_PITCH: u32 = 4096u;
const TAP_PITCH: u32 = 4096u;

struct Uniforms {
  n_in: u32,
  n_out: u32,
  out_start: u32,
  in_start: u32,
  rate_in: u32,
  rate_out: u32,
  width: u32,
  row: u32,
  b0: u32,
  ydim: u32,
}

@group(0) @binding(0) var x: texture_2d_array<f32>;
@group(0) @binding(1) var quads: texture_2d_array<f32>;
@group(0) @binding(2) var<storage, read> spans: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

// Samples 4q..4q+3 (global texel q), zero outside [0, n_in).
fn fetch(q: i32) -> vec4f {
  let t = u32(max(q - i32(u.in_start >> 2u), 0));
  let xs = textureLoad(x, vec2u(t % X_PITCH, t / X_PITCH), 0, 0);
  let at = vec4i(4 * q) + vec4i(0, 1, 2, 3);
  return select(vec4f(0.0f), xs, (at >= vec4i(0)) & (at < vec4i(i32(u.n_in))));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = wid.x + u.ydim * (wid.y >> 2u);
  if (p >= u.rate_out) { return; }
  let lo = spans[2u * p];
  let span = spans[2u * p + 1u] - lo;
  // Lane-independent: block bb's first nonzero tap sample s0, its alignment r and texel q0.
  let bb = u.b0 + (wid.y & 3u);
  let s0 = i32(bb * u.rate_in) - i32(u.width) + i32(lo);
  let r = u32(s0 & 3);
  let q0 = (s0 - i32(r)) >> 2u;
  let n = select(0u, (span + r + 3u) >> 2u, span > 0u);
  let row = p * u.row;
  // This invocation's blocks bb + 4 * (8 * m + k), k < 8, start rate_in texels apart.
  let m = wid.z * WG + lid;
  let g = (bb + 32u * m) * u.rate_out + p;
  let q = q0 + i32(8u * m * u.rate_in);
  let d = i32(u.rate_in);
  var acc = vec4f(0.0f);
  var acc2 = vec4f(0.0f);
  for (var i = 0u; i < n; i++) {
    let a = row + i;
    let taps = textureLoad(quads, vec2u(a % TAP_PITCH, a / TAP_PITCH), r, 0);
    let qi = q + i32(i);
    acc += vec4f(dot(fetch(qi), taps), dot(fetch(qi + d), taps), dot(fetch(qi + 2 * d), taps),
                 dot(fetch(qi + 3 * d), taps));
    acc2 += vec4f(dot(fetch(qi + 4 * d), taps), dot(fetch(qi + 5 * d), taps),
                  dot(fetch(qi + 6 * d), taps), dot(fetch(qi + 7 * d), taps));
  }
  let step = 4u * u.rate_out;
  for (var k = 0u; k < 4u; k++) {
    let gk = g + k * step;
    if (gk >= u.out_start && gk - u.out_start < u.n_out) { y[gk - u.out_start] = acc[k]; }
    let gk2 = gk + 4u * step;
    if (gk2 >= u.out_start && gk2 - u.out_start < u.n_out) { y[gk2 - u.out_start] = acc2[k]; }
  }
}
