// resnet_conv: direct KxK convolution (K = 1 or 3, stride 1 or 2, zero padding (K-1)/2) plus bias, optional residual, ReLU.
//   y[n][co][h][t] = act(bias[co] + sum over ci, kh, kw of w[co][ci][kh][kw] * x[n][ci][S*h + kh - P][S*t + kw - P]
//                        + res[n][co][h][t]), P = (K-1)/2; times >= widthOut are written as 0
// Bindings (group 0):
//   0 x    texture            texture_2d_array<f32> [x = time/4, y = h*cin + ci, layer = n]
//   1 w    texture            texture_2d_array<f32> [x = co/4, y = (ci*K + kh)*K + kw, layer = 0]
//   2 res  texture            texture_2d_array<f32> [x = time/4, y = h*cout + co, layer = n] (read when HAS_RES = 1)
//   3 bias storage read       array<f32> [coutPad]
//   4 y    storage read_write array<vec4f> [((n*heightOut + h)*cout + co)*pitchOut + time/4 - outBase]
//   5 u    uniform            Uniforms {cin, cout, heightIn, texelsIn, heightOut, widthOut, texelsOut, pitchOut, j0, rows, outBase}
// Workgroup: WG = 16, K = 3, STRIDE = 1, HAS_RES = 0, RELU = 1 (overrides); one invocation owns 16 output channels x 4 texels
//   (16 times) of one output row j = n*heightOut + h; invocations run over (j, texel quad) of the window
//   Dispatch: x = ceil(rows*ceil(texelsOut/4)/WG), y = coutPad/16
// Numerics: f32 fma accumulation over (ci, kh, kw) ascending; parity vs f64 atol 1e-5 rtol 1e-4
// Reference: src/reference/resnet_conv.ts

override WG: u32 = 16u;
override K: u32 = 3u;
override STRIDE: u32 = 1u;
override HAS_RES: u32 = 0u;
override RELU: u32 = 1u;

struct Uniforms {
  cin: u32,
  cout: u32,
  heightIn: u32,
  texelsIn: u32,
  heightOut: u32,
  widthOut: u32,
  texelsOut: u32,
  pitchOut: u32,
  j0: u32,
  rows: u32,
  outBase: u32,
}

@group(0) @binding(0) var x: texture_2d_array<f32>;
@group(0) @binding(1) var w: texture_2d_array<f32>;
@group(0) @binding(2) var res: texture_2d_array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(5) var<uniform> u: Uniforms;

// Four output channels (one weight texel) times four output texels.
struct Acc4 {
  a0: vec4f, b0: vec4f, c0: vec4f, d0: vec4f,
  a1: vec4f, b1: vec4f, c1: vec4f, d1: vec4f,
  a2: vec4f, b2: vec4f, c2: vec4f, d2: vec4f,
  a3: vec4f, b3: vec4f, c3: vec4f, d3: vec4f,
}

// The inputs of one tap for the four output texels.
struct Win {
  p0: vec4f,
  p1: vec4f,
  p2: vec4f,
  p3: vec4f,
}

fn step(acc: ptr<private, Acc4>, wt: vec4f, x: Win) {
  let w0 = vec4f(wt.x);
  let w1 = vec4f(wt.y);
  let w2 = vec4f(wt.z);
  let w3 = vec4f(wt.w);
  (*acc).a0 = fma(w0, x.p0, (*acc).a0);
  (*acc).b0 = fma(w0, x.p1, (*acc).b0);
  (*acc).c0 = fma(w0, x.p2, (*acc).c0);
  (*acc).d0 = fma(w0, x.p3, (*acc).d0);
  (*acc).a1 = fma(w1, x.p0, (*acc).a1);
  (*acc).b1 = fma(w1, x.p1, (*acc).b1);
  (*acc).c1 = fma(w1, x.p2, (*acc).c1);
  (*acc).d1 = fma(w1, x.p3, (*acc).d1);
  (*acc).a2 = fma(w2, x.p0, (*acc).a2);
  (*acc).b2 = fma(w2, x.p1, (*acc).b2);
  (*acc).c2 = fma(w2, x.p2, (*acc).c2);
  (*acc).d2 = fma(w2, x.p3, (*acc).d2);
  (*acc).a3 = fma(w3, x.p0, (*acc).a3);
  (*acc).b3 = fma(w3, x.p1, (*acc).b3);
  (*acc).c3 = fma(w3, x.p2, (*acc).c3);
  (*acc).d3 = fma(w3, x.p3, (*acc).d3);
}

// Accumulators of the 16 output channels, by weight texel.
var<private> c0: Acc4;
var<private> c1: Acc4;
var<private> c2: Acc4;
var<private> c3: Acc4;

// One tap for 16 output channels: four weight texels of row `wrow`.
fn tap(wrow: i32, co4: i32, x: Win) {
  step(&c0, textureLoad(w, vec2i(co4, wrow), 0, 0), x);
  step(&c1, textureLoad(w, vec2i(co4 + 1, wrow), 0, 0), x);
  step(&c2, textureLoad(w, vec2i(co4 + 2, wrow), 0, 0), x);
  step(&c3, textureLoad(w, vec2i(co4 + 3, wrow), 0, 0), x);
}

fn texel(col: i32, yy: i32, layer: u32, rowOk: bool) -> vec4f {
  let ok = rowOk && col >= 0 && col < i32(u.texelsIn);
  return select(vec4f(0.0), textureLoad(x, vec2i(col, yy), layer, 0), ok);
}

fn out(acc: vec4f, co: u32, n: u32, h: u32, row: u32, tx: u32) {
  if (co >= u.cout || tx >= u.texelsOut) { return; }
  var o = acc + bias[co];
  if (HAS_RES == 1u) {
    o += textureLoad(res, vec2i(i32(tx), i32(h * u.cout + co)), n, 0);
  }
  if (RELU == 1u) { o = max(o, vec4f(0.0)); }
  let time = vec4u(tx * 4u) + vec4u(0u, 1u, 2u, 3u);
  y[row * u.pitchOut + tx - u.outBase] = select(vec4f(0.0), o, time < vec4u(u.widthOut));
}

fn finish(acc: Acc4, co: u32, n: u32, h: u32, row0: u32, tx: u32) {
  out(acc.a0, co, n, h, row0, tx);
  out(acc.b0, co, n, h, row0, tx + 1u);
  out(acc.c0, co, n, h, row0, tx + 2u);
  out(acc.d0, co, n, h, row0, tx + 3u);
  out(acc.a1, co + 1u, n, h, row0 + 1u, tx);
  out(acc.b1, co + 1u, n, h, row0 + 1u, tx + 1u);
  out(acc.c1, co + 1u, n, h, row0 + 1u, tx + 2u);
  out(acc.d1, co + 1u, n, h, row0 + 1u, tx + 3u);
  out(acc.a2, co + 2u, n, h, row0 + 2u, tx);
  out(acc.b2, co + 2u, n, h, row0 + 2u, tx + 1u);
  out(acc.c2, co + 2u, n, h, row0 + 2u, tx + 2u);
  out(acc.d2, co + 2u, n, h, row0 + 2u, tx + 3u);
  out(acc.a3, co + 3u, n, h, row0 + 3u, tx);
  out(acc.b3, co + 3u, n, h, row0 + 3u, tx + 1u);
  out(acc.c3, co + 3u, n, h, row0 + 3u, tx + 2u);
  out(acc.d3, co + 3u, n, h, row0 + 3u, tx + 3u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let quads = (u.texelsOut + 3u) / 4u;
  let lane = wid.x * WG + lid;
  if (lane >= u.rows * quads) { return; }
  let tx = (lane % quads) * 4u;
  let j = u.j0 + lane / quads;
  let co4 = i32(wid.y * 4u);
  let n = j / u.heightOut;
  let h = j % u.heightOut;
  let pad = i32(K / 2u);
  // First input texel this invocation reads: one texel of left halo for K = 3.
  let first = select(i32(tx), i32(tx) * 2, STRIDE == 2u) - select(0, 1, K == 3u);
  for (var ci = 0u; ci < u.cin; ci++) {
    for (var kh = 0u; kh < K; kh++) {
      let hin = i32(h * STRIDE + kh) - pad;
      let rowOk = hin >= 0 && hin < i32(u.heightIn);
      let yy = hin * i32(u.cin) + i32(ci);
      let wrow = i32((ci * K + kh) * K);
      if (K == 1u && STRIDE == 1u) {
        tap(wrow, co4, Win(
          texel(first, yy, n, rowOk),
          texel(first + 1, yy, n, rowOk),
          texel(first + 2, yy, n, rowOk),
          texel(first + 3, yy, n, rowOk),
        ));
      } else if (K == 1u) {
        let f0 = texel(first, yy, n, rowOk);
        let f1 = texel(first + 1, yy, n, rowOk);
        let f2 = texel(first + 2, yy, n, rowOk);
        let f3 = texel(first + 3, yy, n, rowOk);
        let f4 = texel(first + 4, yy, n, rowOk);
        let f5 = texel(first + 5, yy, n, rowOk);
        let f6 = texel(first + 6, yy, n, rowOk);
        let f7 = texel(first + 7, yy, n, rowOk);
        tap(wrow, co4, Win(vec4f(f0.xz, f1.xz), vec4f(f2.xz, f3.xz), vec4f(f4.xz, f5.xz), vec4f(f6.xz, f7.xz)));
      } else if (STRIDE == 1u) {
        // Texels tx-1 .. tx+4; output texel p uses e[p], e[p+1], e[p+2].
        let e0 = texel(first, yy, n, rowOk);
        let e1 = texel(first + 1, yy, n, rowOk);
        let e2 = texel(first + 2, yy, n, rowOk);
        let e3 = texel(first + 3, yy, n, rowOk);
        let e4 = texel(first + 4, yy, n, rowOk);
        let e5 = texel(first + 5, yy, n, rowOk);
        tap(wrow, co4, Win(vec4f(e0.w, e1.xyz), vec4f(e1.w, e2.xyz), vec4f(e2.w, e3.xyz), vec4f(e3.w, e4.xyz)));
        tap(wrow + 1, co4, Win(e1, e2, e3, e4));
        tap(wrow + 2, co4, Win(vec4f(e1.yzw, e2.x), vec4f(e2.yzw, e3.x), vec4f(e3.yzw, e4.x), vec4f(e4.yzw, e5.x)));
      } else {
        // Texels 2tx-1 .. 2tx+7; output texel p uses f[2p], f[2p+1], f[2p+2].
        let f0 = texel(first, yy, n, rowOk);
        let f1 = texel(first + 1, yy, n, rowOk);
        let f2 = texel(first + 2, yy, n, rowOk);
        let f3 = texel(first + 3, yy, n, rowOk);
        let f4 = texel(first + 4, yy, n, rowOk);
        let f5 = texel(first + 5, yy, n, rowOk);
        let f6 = texel(first + 6, yy, n, rowOk);
        let f7 = texel(first + 7, yy, n, rowOk);
        let f8 = texel(first + 8, yy, n, rowOk);
        tap(wrow, co4, Win(
          vec4f(f0.w, f1.y, f1.w, f2.y),
          vec4f(f2.w, f3.y, f3.w, f4.y),
          vec4f(f4.w, f5.y, f5.w, f6.y),
          vec4f(f6.w, f7.y, f7.w, f8.y),
        ));
        tap(wrow + 1, co4, Win(vec4f(f1.xz, f2.xz), vec4f(f3.xz, f4.xz), vec4f(f5.xz, f6.xz), vec4f(f7.xz, f8.xz)));
        tap(wrow + 2, co4, Win(vec4f(f1.yw, f2.yw), vec4f(f3.yw, f4.yw), vec4f(f5.yw, f6.yw), vec4f(f7.yw, f8.yw)));
      }
    }
  }
  let co = u32(co4) * 4u;
  let row0 = j * u.cout + co;
  finish(c0, co, n, h, row0, tx);
  finish(c1, co + 4u, n, h, row0 + 4u, tx);
  finish(c2, co + 8u, n, h, row0 + 8u, tx);
  finish(c3, co + 12u, n, h, row0 + 12u, tx);
}
