// resnet_wino_gemm: the Winograd-domain products of a 3x3 convolution, register-tiled for CPU adapters.
//   m[xi][r][co][t] = sum over ci of w[xi][ci][co] * v[xi][r][ci][t]   (xi < 36 points of F(4x4,3x3))
//   r = tile row of this chunk, t = tile column (4 tiles per texel), co < coutPad (a multiple of 32)
// Bindings (group 0):
//   0 v texture            texture_2d_array<f32> [x = t/4, y = r*cin + ci, layer = xi]
//   1 w texture            texture_2d_array<f32> [x = co/4, y = ci, layer = xi]
//   2 m storage read_write array<vec4f> [((xi*rows + r)*coutPad + co)*pitch + t/4]
//   3 u uniform            Uniforms {cin, coutPad, rows, texels, pitch}
// Workgroup: WG = 8 (override); each invocation owns 32 output channels x 4 texels (16 tiles);
//   invocations run over (channel block, r, texel quad) so short rows still fill SIMD lanes
//   Dispatch: x = ceil(coutPad/32*rows*ceil(texels/4)/WG), z = 36
// Numerics: f32 fma accumulation over ci in ascending order; parity vs f64 atol 1e-5 rtol 1e-4
// Reference: src/reference/resnet_wino_gemm.ts

override WG: u32 = 8u;

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

// Four output channels (the lanes of one weight texel) times four activation texels.
struct Acc4 {
  a0: vec4f, b0: vec4f, c0: vec4f, d0: vec4f,
  a1: vec4f, b1: vec4f, c1: vec4f, d1: vec4f,
  a2: vec4f, b2: vec4f, c2: vec4f, d2: vec4f,
  a3: vec4f, b3: vec4f, c3: vec4f, d3: vec4f,
}

fn step(acc: ptr<function, Acc4>, wt: vec4f, x0: vec4f, x1: vec4f, x2: vec4f, x3: vec4f) {
  let w0 = vec4f(wt.x);
  let w1 = vec4f(wt.y);
  let w2 = vec4f(wt.z);
  let w3 = vec4f(wt.w);
  (*acc).a0 = fma(w0, x0, (*acc).a0);
  (*acc).b0 = fma(w0, x1, (*acc).b0);
  (*acc).c0 = fma(w0, x2, (*acc).c0);
  (*acc).d0 = fma(w0, x3, (*acc).d0);
  (*acc).a1 = fma(w1, x0, (*acc).a1);
  (*acc).b1 = fma(w1, x1, (*acc).b1);
  (*acc).c1 = fma(w1, x2, (*acc).c1);
  (*acc).d1 = fma(w1, x3, (*acc).d1);
  (*acc).a2 = fma(w2, x0, (*acc).a2);
  (*acc).b2 = fma(w2, x1, (*acc).b2);
  (*acc).c2 = fma(w2, x2, (*acc).c2);
  (*acc).d2 = fma(w2, x3, (*acc).d2);
  (*acc).a3 = fma(w3, x0, (*acc).a3);
  (*acc).b3 = fma(w3, x1, (*acc).b3);
  (*acc).c3 = fma(w3, x2, (*acc).c3);
  (*acc).d3 = fma(w3, x3, (*acc).d3);
}

// One output channel's four texels; the texels past the row end are not written.
fn put(row: u32, x: u32, a: vec4f, b: vec4f, c: vec4f, d: vec4f) {
  let base = row * u.pitch + x;
  m[base] = a;
  if (x + 1u < u.texels) { m[base + 1u] = b; }
  if (x + 2u < u.texels) { m[base + 2u] = c; }
  if (x + 3u < u.texels) { m[base + 3u] = d; }
}

fn store(acc: Acc4, row0: u32, x: u32) {
  put(row0, x, acc.a0, acc.b0, acc.c0, acc.d0);
  put(row0 + 1u, x, acc.a1, acc.b1, acc.c1, acc.d1);
  put(row0 + 2u, x, acc.a2, acc.b2, acc.c2, acc.d2);
  put(row0 + 3u, x, acc.a3, acc.b3, acc.c3, acc.d3);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let quads = (u.texels + 3u) / 4u;
  let lane = wid.x * WG + lid;
  let perBlock = u.rows * quads;
  if (lane >= (u.coutPad / 32u) * perBlock) { return; }
  let block = lane / perBlock;
  let r = (lane % perBlock) / quads;
  let x = (lane % quads) * 4u;
  let co4 = i32(block * 8u);
  let xi = wid.z;
  let xv = i32(x);
  var c0: Acc4; var c1: Acc4; var c2: Acc4; var c3: Acc4;
  var c4: Acc4; var c5: Acc4; var c6: Acc4; var c7: Acc4;
  for (var ci = 0u; ci < u.cin; ci++) {
    let y = i32(r * u.cin + ci);
    // Texels past the row end read pitch padding; their products are never stored.
    let x0 = textureLoad(v, vec2i(xv, y), xi, 0);
    let x1 = textureLoad(v, vec2i(xv + 1, y), xi, 0);
    let x2 = textureLoad(v, vec2i(xv + 2, y), xi, 0);
    let x3 = textureLoad(v, vec2i(xv + 3, y), xi, 0);
    let wy = i32(ci);
    step(&c0, textureLoad(w, vec2i(co4, wy), xi, 0), x0, x1, x2, x3);
    step(&c1, textureLoad(w, vec2i(co4 + 1, wy), xi, 0), x0, x1, x2, x3);
    step(&c2, textureLoad(w, vec2i(co4 + 2, wy), xi, 0), x0, x1, x2, x3);
    step(&c3, textureLoad(w, vec2i(co4 + 3, wy), xi, 0), x0, x1, x2, x3);
    step(&c4, textureLoad(w, vec2i(co4 + 4, wy), xi, 0), x0, x1, x2, x3);
    step(&c5, textureLoad(w, vec2i(co4 + 5, wy), xi, 0), x0, x1, x2, x3);
    step(&c6, textureLoad(w, vec2i(co4 + 6, wy), xi, 0), x0, x1, x2, x3);
    step(&c7, textureLoad(w, vec2i(co4 + 7, wy), xi, 0), x0, x1, x2, x3);
  }
  let row0 = (xi * u.rows + r) * u.coutPad + block * 32u;
  store(c0, row0, x);
  store(c1, row0 + 4u, x);
  store(c2, row0 + 8u, x);
  store(c3, row0 + 12u, x);
  store(c4, row0 + 16u, x);
  store(c5, row0 + 20u, x);
  store(c6, row0 + 24u, x);
  store(c7, row0 + 28u, x);
}
