// resnet_wino_output: Winograd F(4x4,3x3) output transform plus bias, optional residual and ReLU.
//   y[n][co][4*th + i][4*t + j] = act((A^T M A)[i][j] + bias[co] + res[n][co][4*th + i][4*t + j]), M[a][b] = m[6a + b]
//   A^T rows: [1,1,1,1,1,0] [0,1,-1,2,-2,0] [0,1,1,4,4,0] [0,1,-1,8,-8,1]; times >= width are written as 0
// Bindings (group 0):
//   0 m    texture            texture_2d_array<f32> [x = t/4, y = (r - r0)*coutPad + co, layer = xi]
//   1 res  texture            texture_2d_array<f32> [x = time/4, y = h*cout + co, layer = n] (read when HAS_RES = 1)
//   2 bias storage read       array<f32> [cout]
//   3 y    storage read_write array<vec4f> [((n*height + h)*cout + co)*pitchOut + time/4 - outBase]
//   4 u    uniform            Uniforms {cout, coutPad, height, width, texelsOut, pitchOut, tilesH, r0, rows, texels, outBase}
// Workgroup: WG = 64, HAS_RES = 0, RELU = 1 (overrides); one invocation per (tile row, co, 4 tile columns)
//   Dispatch: ceil(rows*cout*texels/WG) over x, folded into y past 65535
// Numerics: f32; |A| entries <= 8; parity vs f64 atol 1e-5 rtol 1e-5
// Reference: src/reference/resnet_wino_output.ts

override WG: u32 = 64u;
override HAS_RES: u32 = 0u;
override RELU: u32 = 1u;

struct Uniforms {
  cout: u32,
  coutPad: u32,
  height: u32,
  width: u32,
  texelsOut: u32,
  pitchOut: u32,
  tilesH: u32,
  r0: u32,
  rows: u32,
  texels: u32,
  outBase: u32,
}

@group(0) @binding(0) var m: texture_2d_array<f32>;
@group(0) @binding(1) var res: texture_2d_array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Uniforms;

// Six values along one axis, each a vec4 over four tiles.
struct Six {
  q0: vec4f,
  q1: vec4f,
  q2: vec4f,
  q3: vec4f,
  q4: vec4f,
  q5: vec4f,
}

struct Four {
  p0: vec4f,
  p1: vec4f,
  p2: vec4f,
  p3: vec4f,
}

// A^T applied to six values.
fn at(s: Six) -> Four {
  let p = s.q1 + s.q2;
  let q = s.q1 - s.q2;
  let p2 = s.q3 + s.q4;
  let q2 = s.q3 - s.q4;
  return Four(s.q0 + p + p2, q + 2.0 * q2, p + 4.0 * p2, q + 8.0 * q2 + s.q5);
}

// Time transform of frequency point a: the six points 6a + b become four time offsets.
fn pointRow(a: u32, t4: i32, my: i32) -> Four {
  return at(Six(
    textureLoad(m, vec2i(t4, my), a * 6u, 0),
    textureLoad(m, vec2i(t4, my), a * 6u + 1u, 0),
    textureLoad(m, vec2i(t4, my), a * 6u + 2u, 0),
    textureLoad(m, vec2i(t4, my), a * 6u + 3u, 0),
    textureLoad(m, vec2i(t4, my), a * 6u + 4u, 0),
    textureLoad(m, vec2i(t4, my), a * 6u + 5u, 0),
  ));
}

fn emit(o0: vec4f, tx: u32, h: u32, co: u32, n: u32, row: u32, bv: f32) {
  if (tx >= u.texelsOut) { return; }
  var o = o0 + bv;
  if (HAS_RES == 1u) {
    o += textureLoad(res, vec2i(i32(tx), i32(h * u.cout + co)), n, 0);
  }
  if (RELU == 1u) { o = max(o, vec4f(0.0)); }
  let time = vec4u(tx * 4u) + vec4u(0u, 1u, 2u, 3u);
  y[row * u.pitchOut + tx - u.outBase] = select(vec4f(0.0), o, time < vec4u(u.width));
}

// Output row i of the four tiles: y_j holds time offset j of each tile (a vec4 over tiles).
fn emitRow(i: u32, y0: vec4f, y1: vec4f, y2: vec4f, y3: vec4f, t4: u32, th: u32, co: u32, n: u32, bv: f32) {
  let h = th * 4u + i;
  if (h >= u.height) { return; }
  let row = (n * u.height + h) * u.cout + co;
  let tx = t4 * 4u;
  emit(vec4f(y0.x, y1.x, y2.x, y3.x), tx, h, co, n, row, bv);
  emit(vec4f(y0.y, y1.y, y2.y, y3.y), tx + 1u, h, co, n, row, bv);
  emit(vec4f(y0.z, y1.z, y2.z, y3.z), tx + 2u, h, co, n, row, bv);
  emit(vec4f(y0.w, y1.w, y2.w, y3.w), tx + 3u, h, co, n, row, bv);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.rows * u.cout * u.texels) { return; }
  let t4 = i % u.texels;
  let line = i / u.texels;
  let local = line / u.cout;
  let co = line % u.cout;
  let r = u.r0 + local;
  let n = r / u.tilesH;
  let th = r % u.tilesH;
  let my = i32(local * u.coutPad + co);
  let s0 = pointRow(0u, i32(t4), my);
  let s1 = pointRow(1u, i32(t4), my);
  let s2 = pointRow(2u, i32(t4), my);
  let s3 = pointRow(3u, i32(t4), my);
  let s4 = pointRow(4u, i32(t4), my);
  let s5 = pointRow(5u, i32(t4), my);
  // Frequency transform per time offset j: c_j.p_i is output (row i, offset j).
  let c0 = at(Six(s0.p0, s1.p0, s2.p0, s3.p0, s4.p0, s5.p0));
  let c1 = at(Six(s0.p1, s1.p1, s2.p1, s3.p1, s4.p1, s5.p1));
  let c2 = at(Six(s0.p2, s1.p2, s2.p2, s3.p2, s4.p2, s5.p2));
  let c3 = at(Six(s0.p3, s1.p3, s2.p3, s3.p3, s4.p3, s5.p3));
  let bv = bias[co];
  emitRow(0u, c0.p0, c1.p0, c2.p0, c3.p0, t4, th, co, n, bv);
  emitRow(1u, c0.p1, c1.p1, c2.p1, c3.p1, t4, th, co, n, bv);
  emitRow(2u, c0.p2, c1.p2, c2.p2, c3.p2, t4, th, co, n, bv);
  emitRow(3u, c0.p3, c1.p3, c2.p3, c3.p3, t4, th, co, n, bv);
}
