// resnet_input: features [n][time][freq] (row-major) to the texel layout of the one-channel image [freq, time].
//   y[n][f][t4] = (x[n][4*t4][f], x[n][4*t4 + 1][f], x[n][4*t4 + 2][f], x[n][4*t4 + 3][f]), 0 past time
//   (one dispatch per window of utterances: y is bound from the window's first utterance, x from
//   the aligned offset just below it, xBase floats ahead of the window's first feature)
// Bindings (group 0):
//   0 x storage read       array<f32> [xBase + (n*time + t)*freq + f]
//   1 y storage read_write array<vec4f> [(n*freq + f)*pitch + t4]
//   2 u uniform            Uniforms {time, freq, texels, pitch, batch, xBase}
// Workgroup: WG = 64 (override); one invocation per output texel
//   Dispatch: x = ceil(texels/WG), y = batch*freq (batch = utterances in the window)
// Numerics: exact copy
// Reference: src/reference/resnet_input.ts

override WG: u32 = 64u;

struct Uniforms {
  time: u32,
  freq: u32,
  texels: u32,
  pitch: u32,
  batch: u32,
  xBase: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

fn at(n: u32, t: u32, f: u32) -> f32 {
  if (t >= u.time) { return 0.0; }
  return x[u.xBase + (n * u.time + t) * u.freq + f];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t4 = wid.x * WG + lid;
  if (t4 >= u.texels || wid.y >= u.batch * u.freq) { return; }
  let n = wid.y / u.freq;
  let f = wid.y % u.freq;
  let t = t4 * 4u;
  y[wid.y * u.pitch + t4] = vec4f(at(n, t, f), at(n, t + 1u, f), at(n, t + 2u, f), at(n, t + 3u, f));
}
