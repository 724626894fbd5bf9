// resnet_pool: temporal statistics pooling (TSTP): per (channel, frequency) row the mean over time and
//   sqrt(unbiased variance + eps), flattened channel*height + h, means first then standard deviations.
//   s[n][c*H + h] = mean_t x;  s[n][C*H + c*H + h] = sqrt(sum_t (x - mean)^2 / (width - 1) + eps)
//   (eps = 1e-7 in WeSpeaker's TSTP; older exports used 1e-8)
// Bindings (group 0):
//   0 x texture            texture_2d_array<f32> [x = time/4, y = h*channels + c, layer = n]
//   1 s storage read_write array<f32> [n*statsPitch + index]
//   2 u uniform            Uniforms {channels, height, width, texels, batch, statsPitch, eps}
// Workgroup: WG = 64 (override); one invocation per (n, c, h) row
//   Dispatch: ceil(batch*channels*height/WG) over x, folded into y past 65535
// Numerics: two passes (mean, then squared deviations) with vec4 partial sums flushed every 64 texels,
//   so rounding grows with 64 + width/256 terms, not width; needs width >= 2 (the host refuses less)
// Reference: src/reference/resnet_pool.ts

override WG: u32 = 64u;

struct Uniforms {
  channels: u32,
  height: u32,
  width: u32,
  texels: u32,
  batch: u32,
  statsPitch: u32,
  eps: f32,
}

@group(0) @binding(0) var x: texture_2d_array<f32>;
@group(0) @binding(1) var<storage, read_write> s: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

const BLOCK: u32 = 64u;

fn load(t: u32, yy: i32, n: u32) -> vec4f {
  return textureLoad(x, vec2i(i32(t), yy), n, 0);
}

// Lanes of texel t that hold real times (the tail of the last texel is padding).
fn live(t: u32) -> vec4<bool> {
  return vec4u(t * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(u.width);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  let rowsPer = u.channels * u.height;
  if (i >= u.batch * rowsPer) { return; }
  let n = i / rowsPer;
  let k = i % rowsPer;
  let c = k / u.height;
  let h = k % u.height;
  let yy = i32(h * u.channels + c);
  var total = 0.0;
  for (var t0 = 0u; t0 < u.texels; t0 += BLOCK) {
    var part = vec4f(0.0);
    for (var t = t0; t < min(t0 + BLOCK, u.texels); t++) {
      part += load(t, yy, n);
    }
    total += (part.x + part.y) + (part.z + part.w);
  }
  let mean = total / f32(u.width);
  var sq = 0.0;
  for (var t0 = 0u; t0 < u.texels; t0 += BLOCK) {
    var part = vec4f(0.0);
    for (var t = t0; t < min(t0 + BLOCK, u.texels); t++) {
      let d = select(vec4f(0.0), load(t, yy, n) - mean, live(t));
      part += d * d;
    }
    sq += (part.x + part.y) + (part.z + part.w);
  }
  let base = n * u.statsPitch + c * u.height + h;
  s[base] = mean;
  s[base + rowsPer] = sqrt(sq / f32(u.width - 1u) + u.eps);
}
