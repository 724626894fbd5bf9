// resnet_linear: the embedding layer y = bias + W act(x) for each utterance (act = identity, or ReLU for seg_2).
//   y[n][o] = bias[o] + sum_d w[o][d] * act(x[n][d])
// Bindings (group 0):
//   0 x    texture            texture_2d_array<f32> [x = d/4, y = n, layer = 0]
//   1 w    texture            texture_2d_array<f32> [x = o/4, y = d % 4096, layer = d / 4096]
//   2 bias storage read       array<f32> [outDim]
//   3 y    storage read_write array<vec4f> [n*yPitch + o/4]
//   4 u    uniform            Uniforms {inDim, outDim, batch, reluIn, yPitch}
// Workgroup: WG = 64 (override); one invocation per (n, 4 outputs)
//   Dispatch: ceil(batch*outDim/4/WG) over x, folded into y past 65535
// Numerics: f32 fma over d ascending in four interleaved chains; parity vs f64 atol 1e-5 rtol 1e-4
// Reference: src/reference/resnet_linear.ts

override WG: u32 = 64u;

struct Uniforms {
  inDim: u32,
  outDim: u32,
  batch: u32,
  reluIn: u32,
  yPitch: u32,
}

@group(0) @binding(0) var x: texture_2d_array<f32>;
@group(0) @binding(1) var w: texture_2d_array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Uniforms;

const ROWS: u32 = 4096u;

fn weight(o4: i32, d: u32) -> vec4f {
  return textureLoad(w, vec2i(o4, i32(d % ROWS)), d / ROWS, 0);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  let outs = u.outDim / 4u;
  if (i >= u.batch * outs) { return; }
  let n = i / outs;
  let o4 = i32(i % outs);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var d4 = 0u; d4 < u.inDim / 4u; d4++) {
    var xv = textureLoad(x, vec2i(i32(d4), i32(n)), 0, 0);
    if (u.reluIn == 1u) { xv = max(xv, vec4f(0.0)); }
    let d = d4 * 4u;
    a0 = fma(vec4f(xv.x), weight(o4, d), a0);
    a1 = fma(vec4f(xv.y), weight(o4, d + 1u), a1);
    a2 = fma(vec4f(xv.z), weight(o4, d + 2u), a2);
    a3 = fma(vec4f(xv.w), weight(o4, d + 3u), a3);
  }
  let o = u32(o4) * 4u;
  let b = vec4f(bias[o], bias[o + 1u], bias[o + 2u], bias[o + 3u]);
  y[n * u.yPitch + u32(o4)] = b + ((a0 + a1) + (a2 + a3));
}
