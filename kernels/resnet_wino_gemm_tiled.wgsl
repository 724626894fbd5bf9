// resnet_wino_gemm_tiled: the Winograd-domain products of a 3x3 convolution, tiled in workgroup memory for hardware GPUs.
//   m[xi][r][co][t] = sum over ci of w[xi][ci][co] * v[xi][r][ci][t]   (xi < 36 points of F(4x4,3x3))
//   Each workgroup stages 16 input channels of a 64-channel x 16-texel (64-tile) block at a time.
// Bindings (group 0):
//   0 v texture            texture_2d_array<f32> [x = t/4, y = r*cin + ci, layer = xi]
//   1 w texture            texture_2d_array<f32> [x = co/4, y = ci, layer = xi]
//   2 m storage read_write array<vec4f> [((xi*rows + r)*coutPad + co)*pitch + t/4]
//   3 u uniform            Uniforms {cin, coutPad, rows, texels, pitch}
// Workgroup: 8 x 8 invocations, each 8 output channels x 2 texels
//   Dispatch: x = ceil(texels/16), y = rows*coutPad/64, z = 36 (coutPad a multiple of 64)
// Numerics: f32 fma accumulation over ci in ascending order; parity vs f64 atol 1e-5 rtol 1e-4
// Reference: src/reference/resnet_wino_gemm.ts

struct Uniforms {
  cin: u32,
  coutPad: u32,
  rows: u32,
  texels: u32,
  pitch: u32,
}

@group(0) @binding(0) var v: texture_2d_array<f32>;
@group(0) @binding(1) var w: texture_2d_array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Uniforms;

const KC: u32 = 16u;
// [k][column]: 16 weight texels (64 channels) and 16 activation texels per staged channel.
var<workgroup> ws: array<vec4f, 256>;
var<workgroup> vs: array<vec4f, 256>;

struct Acc4 {
  a0: vec4f, b0: vec4f,
  a1: vec4f, b1: vec4f,
  a2: vec4f, b2: vec4f,
  a3: vec4f, b3: vec4f,
}

fn step(acc: ptr<function, Acc4>, wt: vec4f, x0: vec4f, x1: vec4f) {
  (*acc).a0 = fma(vec4f(wt.x), x0, (*acc).a0);
  (*acc).b0 = fma(vec4f(wt.x), x1, (*acc).b0);
  (*acc).a1 = fma(vec4f(wt.y), x0, (*acc).a1);
  (*acc).b1 = fma(vec4f(wt.y), x1, (*acc).b1);
  (*acc).a2 = fma(vec4f(wt.z), x0, (*acc).a2);
  (*acc).b2 = fma(vec4f(wt.z), x1, (*acc).b2);
  (*acc).a3 = fma(vec4f(wt.w), x0, (*acc).a3);
  (*acc).b3 = fma(vec4f(wt.w), x1, (*acc).b3);
}

fn store(acc: Acc4, row0: u32, x: u32) {
  let p = u.pitch;
  if (x < u.texels) {
    m[row0 * p + x] = acc.a0;
    m[(row0 + 1u) * p + x] = acc.a1;
    m[(row0 + 2u) * p + x] = acc.a2;
    m[(row0 + 3u) * p + x] = acc.a3;
  }
  if (x + 1u < u.texels) {
    m[row0 * p + x + 1u] = acc.b0;
    m[(row0 + 1u) * p + x + 1u] = acc.b1;
    m[(row0 + 2u) * p + x + 1u] = acc.b2;
    m[(row0 + 3u) * p + x + 1u] = acc.b3;
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  // Every invocation reaches the barriers; out-of-range texels are masked at the store.
  let li = lid.y * 8u + lid.x;
  let x0 = wid.x * 16u;
  let blocks = u.coutPad / 64u;
  let r = wid.y / blocks;
  let co4b = (wid.y % blocks) * 16u;
  let xi = wid.z;
  var c0: Acc4;
  var c1: Acc4;
  for (var k0 = 0u; k0 < u.cin; k0 += KC) {
    for (var q = 0u; q < 4u; q++) {
      let e = li + q * 64u;
      let ci = k0 + e / 16u;
      let col = e % 16u;
      let ok = ci < u.cin;
      let cy = i32(min(ci, u.cin - 1u));
      ws[e] = select(vec4f(0.0), textureLoad(w, vec2i(i32(co4b + col), cy), xi, 0), ok);
      vs[e] = select(vec4f(0.0), textureLoad(v, vec2i(i32(x0 + col), i32(r * u.cin) + cy), xi, 0), ok);
    }
    workgroupBarrier();
    for (var k = 0u; k < KC; k++) {
      let x0v = vs[k * 16u + lid.x * 2u];
      let x1v = vs[k * 16u + lid.x * 2u + 1u];
      step(&c0, ws[k * 16u + lid.y * 2u], x0v, x1v);
      step(&c1, ws[k * 16u + lid.y * 2u + 1u], x0v, x1v);
    }
    workgroupBarrier();
  }
  let row0 = (xi * u.rows + r) * u.coutPad + (co4b + lid.y * 2u) * 4u;
  let x = x0 + lid.x * 2u;
  store(c0, row0, x);
  store(c1, row0 + 4u, x);
}
