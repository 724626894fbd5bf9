// bae_matmul: register-tiled matrix product with a bias/activation epilogue (the BAE's Linear layers).
//   LAYOUT 0 (NT): C[i,j] = act(sum_k A[i,k] * B[j,k] + bias[j])   A [M,K], B [N,K]  (forward, W is [out,in])
//   LAYOUT 1 (NN): C[i,j] = act(sum_k A[i,k] * B[k,j] + bias[j])   A [M,K], B [K,N]  (dX = dY * W)
//   LAYOUT 2 (TN): C[i,j] = act(sum_k A[k,i] * B[k,j] + bias[j])   A [K,M], B [K,N]  (dW = dY^T * X)
//   act per EPILOGUE: 0 identity (bias ignored), 1 +bias, 2 relu(+bias), 3 tanh(+bias)
//   A and B are row-major matrices staged in textures (texel (x, y) = columns 4x..4x+3 of row y).
//   Lanes past a logical extent read as 0; the lanes of C's last vec4 past n are written as 0
//   (columns past ceil(n/4)*4 are not touched). C rows are strided by ldc (a multiple of 4).
// Bindings (group 0):
//   0 a    texture            texture_2d_array<f32> [x = column/4, y = row, layer = 0]
//   1 b    texture            texture_2d_array<f32> [x = column/4, y = row, layer = 0]
//   2 bias storage read       array<f32>   [n] (any buffer when EPILOGUE = 0)
//   3 c    storage read_write array<vec4f> [m * ldc / 4]
//   4 u    uniform            Uniforms {m, n, k, ldc}
// Workgroup: WG = 32 (override); each invocation owns a TM x 16 tile of C (TM = 16, override: 4).
//   On llvmpipe a storage load costs tens of cycles per lane and a texel fetch a fraction of that,
//   while arithmetic is cheap: operands come from textures and a 16x16 tile (64 vec4 registers,
//   32 fetches per 1024 multiply-adds) pays. GPUs spill that many registers, so their variant is
//   TM = 4 (16 vec4 registers) with more invocations. The loops are unrolled by hand (the compiler
//   leaves them rolled); rows 4..15 sit behind TM checks that the pipeline's constant removes.
//   Dispatch: ceil(ceil(m/TM) * ceil(n/16) / WG) over x, folded into y past 65535.
// Numerics: f32, each output accumulated in k order; parity atol 1e-5 rtol 1e-5 against a float64
//   reference for |values| <= 1 and k <= 1024
// Reference: src/reference/bae_matmul.ts

override WG: u32 = 32u;
override TM: u32 = 16u;
override LAYOUT: u32 = 0u;
override EPILOGUE: u32 = 0u;

struct Uniforms {
  m: u32,
  n: u32,
  k: u32,
  ldc: u32,
}

@group(0) @binding(0) var a: texture_2d_array<f32>;
@group(0) @binding(1) var b: texture_2d_array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Uniforms;

const Z = vec4f(0.0);

fn ta(x: u32, y: u32) -> vec4f { return textureLoad(a, vec2u(x, y), 0u, 0u); }
fn tb(x: u32, y: u32) -> vec4f { return textureLoad(b, vec2u(x, y), 0u, 0u); }

// Lanes of the k-block starting at k0 that lie inside k.
fn kMask(k0: u32) -> vec4<bool> {
  return vec4<bool>(k0 < u.k, k0 + 1u < u.k, k0 + 2u < u.k, k0 + 3u < u.k);
}

// Four dot products of x with y0..y3 (one output vec4 of the NT layout).
fn dots(x: vec4f, y0: vec4f, y1: vec4f, y2: vec4f, y3: vec4f) -> vec4f {
  return vec4f(dot(x, y0), dot(x, y1), dot(x, y2), dot(x, y3));
}

// x.x*y0 + x.y*y1 + x.z*y2 + x.w*y3 (one output vec4 of the NN layout).
fn combo(x: vec4f, y0: vec4f, y1: vec4f, y2: vec4f, y3: vec4f) -> vec4f {
  return x.x * y0 + x.y * y1 + x.z * y2 + x.w * y3;
}

// Epilogue, pad-lane masking and bounds check for the vec4 at row i, column block jb.
fn put(i: u32, jb: u32, v: vec4f) {
  let j0 = 4u * jb;
  if (j0 >= u.n) { return; }
  var s = v;
  if (EPILOGUE != 0u) {
    let last = u.n - 1u;
    s += vec4f(bias[j0], bias[min(j0 + 1u, last)], bias[min(j0 + 2u, last)], bias[min(j0 + 3u, last)]);
    if (EPILOGUE == 2u) { s = max(s, Z); }
    if (EPILOGUE == 3u) { s = tanh(s); }
  }
  let keep = vec4<bool>(true, j0 + 1u < u.n, j0 + 2u < u.n, j0 + 3u < u.n);
  c[i * (u.ldc / 4u) + jb] = select(Z, s, keep);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let tilesN = (u.n + 15u) / 16u;
  let tilesM = (u.m + TM - 1u) / TM;
  if (t >= tilesM * tilesN) { return; }
  let ti = t / tilesN;
  let i0 = TM * ti;
  let j0 = 16u * (t - ti * tilesN);
  let jb = j0 / 4u;
  // Rows and column blocks past the end are clamped for loading; their results are not stored.
  let lastRowA = select(u.m, u.k, LAYOUT == 2u) - 1u;
  let lastBlockB = (u.n + 3u) / 4u - 1u;

  var c0_0 = Z; var c0_1 = Z; var c0_2 = Z; var c0_3 = Z;
  var c1_0 = Z; var c1_1 = Z; var c1_2 = Z; var c1_3 = Z;
  var c2_0 = Z; var c2_1 = Z; var c2_2 = Z; var c2_3 = Z;
  var c3_0 = Z; var c3_1 = Z; var c3_2 = Z; var c3_3 = Z;
  var c4_0 = Z; var c4_1 = Z; var c4_2 = Z; var c4_3 = Z;
  var c5_0 = Z; var c5_1 = Z; var c5_2 = Z; var c5_3 = Z;
  var c6_0 = Z; var c6_1 = Z; var c6_2 = Z; var c6_3 = Z;
  var c7_0 = Z; var c7_1 = Z; var c7_2 = Z; var c7_3 = Z;
  var c8_0 = Z; var c8_1 = Z; var c8_2 = Z; var c8_3 = Z;
  var c9_0 = Z; var c9_1 = Z; var c9_2 = Z; var c9_3 = Z;
  var c10_0 = Z; var c10_1 = Z; var c10_2 = Z; var c10_3 = Z;
  var c11_0 = Z; var c11_1 = Z; var c11_2 = Z; var c11_3 = Z;
  var c12_0 = Z; var c12_1 = Z; var c12_2 = Z; var c12_3 = Z;
  var c13_0 = Z; var c13_1 = Z; var c13_2 = Z; var c13_3 = Z;
  var c14_0 = Z; var c14_1 = Z; var c14_2 = Z; var c14_3 = Z;
  var c15_0 = Z; var c15_1 = Z; var c15_2 = Z; var c15_3 = Z;
  if (LAYOUT == 0u) {
    // NT: per k-block, 16 rows of A and 16 rows of B, 256 dot products.
    let ra0 = min(i0 + 0u, lastRowA); let ra1 = min(i0 + 1u, lastRowA); let ra2 = min(i0 + 2u, lastRowA); let ra3 = min(i0 + 3u, lastRowA);
    let ra4 = min(i0 + 4u, lastRowA); let ra5 = min(i0 + 5u, lastRowA); let ra6 = min(i0 + 6u, lastRowA); let ra7 = min(i0 + 7u, lastRowA);
    let ra8 = min(i0 + 8u, lastRowA); let ra9 = min(i0 + 9u, lastRowA); let ra10 = min(i0 + 10u, lastRowA); let ra11 = min(i0 + 11u, lastRowA);
    let ra12 = min(i0 + 12u, lastRowA); let ra13 = min(i0 + 13u, lastRowA); let ra14 = min(i0 + 14u, lastRowA); let ra15 = min(i0 + 15u, lastRowA);
    let rb0 = min(j0 + 0u, u.n - 1u); let rb1 = min(j0 + 1u, u.n - 1u); let rb2 = min(j0 + 2u, u.n - 1u); let rb3 = min(j0 + 3u, u.n - 1u);
    let rb4 = min(j0 + 4u, u.n - 1u); let rb5 = min(j0 + 5u, u.n - 1u); let rb6 = min(j0 + 6u, u.n - 1u); let rb7 = min(j0 + 7u, u.n - 1u);
    let rb8 = min(j0 + 8u, u.n - 1u); let rb9 = min(j0 + 9u, u.n - 1u); let rb10 = min(j0 + 10u, u.n - 1u); let rb11 = min(j0 + 11u, u.n - 1u);
    let rb12 = min(j0 + 12u, u.n - 1u); let rb13 = min(j0 + 13u, u.n - 1u); let rb14 = min(j0 + 14u, u.n - 1u); let rb15 = min(j0 + 15u, u.n - 1u);
    for (var kk = 0u; kk < (u.k + 3u) / 4u; kk++) {
      let m = kMask(4u * kk);
      let y0 = select(Z, tb(kk, rb0), m); let y1 = select(Z, tb(kk, rb1), m); let y2 = select(Z, tb(kk, rb2), m); let y3 = select(Z, tb(kk, rb3), m);
      let y4 = select(Z, tb(kk, rb4), m); let y5 = select(Z, tb(kk, rb5), m); let y6 = select(Z, tb(kk, rb6), m); let y7 = select(Z, tb(kk, rb7), m);
      let y8 = select(Z, tb(kk, rb8), m); let y9 = select(Z, tb(kk, rb9), m); let y10 = select(Z, tb(kk, rb10), m); let y11 = select(Z, tb(kk, rb11), m);
      let y12 = select(Z, tb(kk, rb12), m); let y13 = select(Z, tb(kk, rb13), m); let y14 = select(Z, tb(kk, rb14), m); let y15 = select(Z, tb(kk, rb15), m);
      let x0 = select(Z, ta(kk, ra0), m);
      c0_0 += dots(x0, y0, y1, y2, y3); c0_1 += dots(x0, y4, y5, y6, y7); c0_2 += dots(x0, y8, y9, y10, y11); c0_3 += dots(x0, y12, y13, y14, y15);
      let x1 = select(Z, ta(kk, ra1), m);
      c1_0 += dots(x1, y0, y1, y2, y3); c1_1 += dots(x1, y4, y5, y6, y7); c1_2 += dots(x1, y8, y9, y10, y11); c1_3 += dots(x1, y12, y13, y14, y15);
      let x2 = select(Z, ta(kk, ra2), m);
      c2_0 += dots(x2, y0, y1, y2, y3); c2_1 += dots(x2, y4, y5, y6, y7); c2_2 += dots(x2, y8, y9, y10, y11); c2_3 += dots(x2, y12, y13, y14, y15);
      let x3 = select(Z, ta(kk, ra3), m);
      c3_0 += dots(x3, y0, y1, y2, y3); c3_1 += dots(x3, y4, y5, y6, y7); c3_2 += dots(x3, y8, y9, y10, y11); c3_3 += dots(x3, y12, y13, y14, y15);
      if (TM > 4u) {
        let x4 = select(Z, ta(kk, ra4), m);
        c4_0 += dots(x4, y0, y1, y2, y3); c4_1 += dots(x4, y4, y5, y6, y7); c4_2 += dots(x4, y8, y9, y10, y11); c4_3 += dots(x4, y12, y13, y14, y15);
        let x5 = select(Z, ta(kk, ra5), m);
        c5_0 += dots(x5, y0, y1, y2, y3); c5_1 += dots(x5, y4, y5, y6, y7); c5_2 += dots(x5, y8, y9, y10, y11); c5_3 += dots(x5, y12, y13, y14, y15);
        let x6 = select(Z, ta(kk, ra6), m);
        c6_0 += dots(x6, y0, y1, y2, y3); c6_1 += dots(x6, y4, y5, y6, y7); c6_2 += dots(x6, y8, y9, y10, y11); c6_3 += dots(x6, y12, y13, y14, y15);
        let x7 = select(Z, ta(kk, ra7), m);
        c7_0 += dots(x7, y0, y1, y2, y3); c7_1 += dots(x7, y4, y5, y6, y7); c7_2 += dots(x7, y8, y9, y10, y11); c7_3 += dots(x7, y12, y13, y14, y15);
        let x8 = select(Z, ta(kk, ra8), m);
        c8_0 += dots(x8, y0, y1, y2, y3); c8_1 += dots(x8, y4, y5, y6, y7); c8_2 += dots(x8, y8, y9, y10, y11); c8_3 += dots(x8, y12, y13, y14, y15);
        let x9 = select(Z, ta(kk, ra9), m);
        c9_0 += dots(x9, y0, y1, y2, y3); c9_1 += dots(x9, y4, y5, y6, y7); c9_2 += dots(x9, y8, y9, y10, y11); c9_3 += dots(x9, y12, y13, y14, y15);
        let x10 = select(Z, ta(kk, ra10), m);
        c10_0 += dots(x10, y0, y1, y2, y3); c10_1 += dots(x10, y4, y5, y6, y7); c10_2 += dots(x10, y8, y9, y10, y11); c10_3 += dots(x10, y12, y13, y14, y15);
        let x11 = select(Z, ta(kk, ra11), m);
        c11_0 += dots(x11, y0, y1, y2, y3); c11_1 += dots(x11, y4, y5, y6, y7); c11_2 += dots(x11, y8, y9, y10, y11); c11_3 += dots(x11, y12, y13, y14, y15);
        let x12 = select(Z, ta(kk, ra12), m);
        c12_0 += dots(x12, y0, y1, y2, y3); c12_1 += dots(x12, y4, y5, y6, y7); c12_2 += dots(x12, y8, y9, y10, y11); c12_3 += dots(x12, y12, y13, y14, y15);
        let x13 = select(Z, ta(kk, ra13), m);
        c13_0 += dots(x13, y0, y1, y2, y3); c13_1 += dots(x13, y4, y5, y6, y7); c13_2 += dots(x13, y8, y9, y10, y11); c13_3 += dots(x13, y12, y13, y14, y15);
        let x14 = select(Z, ta(kk, ra14), m);
        c14_0 += dots(x14, y0, y1, y2, y3); c14_1 += dots(x14, y4, y5, y6, y7); c14_2 += dots(x14, y8, y9, y10, y11); c14_3 += dots(x14, y12, y13, y14, y15);
        let x15 = select(Z, ta(kk, ra15), m);
        c15_0 += dots(x15, y0, y1, y2, y3); c15_1 += dots(x15, y4, y5, y6, y7); c15_2 += dots(x15, y8, y9, y10, y11); c15_3 += dots(x15, y12, y13, y14, y15);
      }
    }
  } else if (LAYOUT == 1u) {
    // NN: per k-block, 16 rows of A and a 4x16 panel of B (rows past k read as 0).
    let ra0 = min(i0 + 0u, lastRowA); let ra1 = min(i0 + 1u, lastRowA); let ra2 = min(i0 + 2u, lastRowA); let ra3 = min(i0 + 3u, lastRowA);
    let ra4 = min(i0 + 4u, lastRowA); let ra5 = min(i0 + 5u, lastRowA); let ra6 = min(i0 + 6u, lastRowA); let ra7 = min(i0 + 7u, lastRowA);
    let ra8 = min(i0 + 8u, lastRowA); let ra9 = min(i0 + 9u, lastRowA); let ra10 = min(i0 + 10u, lastRowA); let ra11 = min(i0 + 11u, lastRowA);
    let ra12 = min(i0 + 12u, lastRowA); let ra13 = min(i0 + 13u, lastRowA); let ra14 = min(i0 + 14u, lastRowA); let ra15 = min(i0 + 15u, lastRowA);
    let cb0 = jb; let cb1 = min(jb + 1u, lastBlockB); let cb2 = min(jb + 2u, lastBlockB); let cb3 = min(jb + 3u, lastBlockB);
    for (var kk = 0u; kk < (u.k + 3u) / 4u; kk++) {
      let m = kMask(4u * kk);
      let kr0 = min(4u * kk + 0u, u.k - 1u);
      let kr1 = min(4u * kk + 1u, u.k - 1u);
      let kr2 = min(4u * kk + 2u, u.k - 1u);
      let kr3 = min(4u * kk + 3u, u.k - 1u);
      let p00 = select(Z, tb(cb0, kr0), m[0]); let p01 = select(Z, tb(cb1, kr0), m[0]); let p02 = select(Z, tb(cb2, kr0), m[0]); let p03 = select(Z, tb(cb3, kr0), m[0]);
      let p10 = select(Z, tb(cb0, kr1), m[1]); let p11 = select(Z, tb(cb1, kr1), m[1]); let p12 = select(Z, tb(cb2, kr1), m[1]); let p13 = select(Z, tb(cb3, kr1), m[1]);
      let p20 = select(Z, tb(cb0, kr2), m[2]); let p21 = select(Z, tb(cb1, kr2), m[2]); let p22 = select(Z, tb(cb2, kr2), m[2]); let p23 = select(Z, tb(cb3, kr2), m[2]);
      let p30 = select(Z, tb(cb0, kr3), m[3]); let p31 = select(Z, tb(cb1, kr3), m[3]); let p32 = select(Z, tb(cb2, kr3), m[3]); let p33 = select(Z, tb(cb3, kr3), m[3]);
      let x0 = select(Z, ta(kk, ra0), m);
      c0_0 += combo(x0, p00, p10, p20, p30); c0_1 += combo(x0, p01, p11, p21, p31); c0_2 += combo(x0, p02, p12, p22, p32); c0_3 += combo(x0, p03, p13, p23, p33);
      let x1 = select(Z, ta(kk, ra1), m);
      c1_0 += combo(x1, p00, p10, p20, p30); c1_1 += combo(x1, p01, p11, p21, p31); c1_2 += combo(x1, p02, p12, p22, p32); c1_3 += combo(x1, p03, p13, p23, p33);
      let x2 = select(Z, ta(kk, ra2), m);
      c2_0 += combo(x2, p00, p10, p20, p30); c2_1 += combo(x2, p01, p11, p21, p31); c2_2 += combo(x2, p02, p12, p22, p32); c2_3 += combo(x2, p03, p13, p23, p33);
      let x3 = select(Z, ta(kk, ra3), m);
      c3_0 += combo(x3, p00, p10, p20, p30); c3_1 += combo(x3, p01, p11, p21, p31); c3_2 += combo(x3, p02, p12, p22, p32); c3_3 += combo(x3, p03, p13, p23, p33);
      if (TM > 4u) {
        let x4 = select(Z, ta(kk, ra4), m);
        c4_0 += combo(x4, p00, p10, p20, p30); c4_1 += combo(x4, p01, p11, p21, p31); c4_2 += combo(x4, p02, p12, p22, p32); c4_3 += combo(x4, p03, p13, p23, p33);
        let x5 = select(Z, ta(kk, ra5), m);
        c5_0 += combo(x5, p00, p10, p20, p30); c5_1 += combo(x5, p01, p11, p21, p31); c5_2 += combo(x5, p02, p12, p22, p32); c5_3 += combo(x5, p03, p13, p23, p33);
        let x6 = select(Z, ta(kk, ra6), m);
        c6_0 += combo(x6, p00, p10, p20, p30); c6_1 += combo(x6, p01, p11, p21, p31); c6_2 += combo(x6, p02, p12, p22, p32); c6_3 += combo(x6, p03, p13, p23, p33);
        let x7 = select(Z, ta(kk, ra7), m);
        c7_0 += combo(x7, p00, p10, p20, p30); c7_1 += combo(x7, p01, p11, p21, p31); c7_2 += combo(x7, p02, p12, p22, p32); c7_3 += combo(x7, p03, p13, p23, p33);
        let x8 = select(Z, ta(kk, ra8), m);
        c8_0 += combo(x8, p00, p10, p20, p30); c8_1 += combo(x8, p01, p11, p21, p31); c8_2 += combo(x8, p02, p12, p22, p32); c8_3 += combo(x8, p03, p13, p23, p33);
        let x9 = select(Z, ta(kk, ra9), m);
        c9_0 += combo(x9, p00, p10, p20, p30); c9_1 += combo(x9, p01, p11, p21, p31); c9_2 += combo(x9, p02, p12, p22, p32); c9_3 += combo(x9, p03, p13, p23, p33);
        let x10 = select(Z, ta(kk, ra10), m);
        c10_0 += combo(x10, p00, p10, p20, p30); c10_1 += combo(x10, p01, p11, p21, p31); c10_2 += combo(x10, p02, p12, p22, p32); c10_3 += combo(x10, p03, p13, p23, p33);
        let x11 = select(Z, ta(kk, ra11), m);
        c11_0 += combo(x11, p00, p10, p20, p30); c11_1 += combo(x11, p01, p11, p21, p31); c11_2 += combo(x11, p02, p12, p22, p32); c11_3 += combo(x11, p03, p13, p23, p33);
        let x12 = select(Z, ta(kk, ra12), m);
        c12_0 += combo(x12, p00, p10, p20, p30); c12_1 += combo(x12, p01, p11, p21, p31); c12_2 += combo(x12, p02, p12, p22, p32); c12_3 += combo(x12, p03, p13, p23, p33);
        let x13 = select(Z, ta(kk, ra13), m);
        c13_0 += combo(x13, p00, p10, p20, p30); c13_1 += combo(x13, p01, p11, p21, p31); c13_2 += combo(x13, p02, p12, p22, p32); c13_3 += combo(x13, p03, p13, p23, p33);
        let x14 = select(Z, ta(kk, ra14), m);
        c14_0 += combo(x14, p00, p10, p20, p30); c14_1 += combo(x14, p01, p11, p21, p31); c14_2 += combo(x14, p02, p12, p22, p32); c14_3 += combo(x14, p03, p13, p23, p33);
        let x15 = select(Z, ta(kk, ra15), m);
        c15_0 += combo(x15, p00, p10, p20, p30); c15_1 += combo(x15, p01, p11, p21, p31); c15_2 += combo(x15, p02, p12, p22, p32); c15_3 += combo(x15, p03, p13, p23, p33);
      }
    }
  } else {
    // TN: per k, 16 values of A's row k (rows of C) times 16 of B's row k (columns of C).
    let lastBlockA = (u.m + 3u) / 4u - 1u;
    let ab0 = i0 / 4u; let ab1 = min(ab0 + 1u, lastBlockA); let ab2 = min(ab0 + 2u, lastBlockA); let ab3 = min(ab0 + 3u, lastBlockA);
    let cb0 = jb; let cb1 = min(jb + 1u, lastBlockB); let cb2 = min(jb + 2u, lastBlockB); let cb3 = min(jb + 3u, lastBlockB);
    for (var k = 0u; k < u.k; k++) {
      let xa0 = ta(ab0, k);
      let y0 = tb(cb0, k); let y1 = tb(cb1, k); let y2 = tb(cb2, k); let y3 = tb(cb3, k);
      c0_0 += xa0.x * y0; c0_1 += xa0.x * y1; c0_2 += xa0.x * y2; c0_3 += xa0.x * y3;
      c1_0 += xa0.y * y0; c1_1 += xa0.y * y1; c1_2 += xa0.y * y2; c1_3 += xa0.y * y3;
      c2_0 += xa0.z * y0; c2_1 += xa0.z * y1; c2_2 += xa0.z * y2; c2_3 += xa0.z * y3;
      c3_0 += xa0.w * y0; c3_1 += xa0.w * y1; c3_2 += xa0.w * y2; c3_3 += xa0.w * y3;
      if (TM > 4u) {
        let xa1 = ta(ab1, k); let xa2 = ta(ab2, k); let xa3 = ta(ab3, k);
        c4_0 += xa1.x * y0; c4_1 += xa1.x * y1; c4_2 += xa1.x * y2; c4_3 += xa1.x * y3;
        c5_0 += xa1.y * y0; c5_1 += xa1.y * y1; c5_2 += xa1.y * y2; c5_3 += xa1.y * y3;
        c6_0 += xa1.z * y0; c6_1 += xa1.z * y1; c6_2 += xa1.z * y2; c6_3 += xa1.z * y3;
        c7_0 += xa1.w * y0; c7_1 += xa1.w * y1; c7_2 += xa1.w * y2; c7_3 += xa1.w * y3;
        c8_0 += xa2.x * y0; c8_1 += xa2.x * y1; c8_2 += xa2.x * y2; c8_3 += xa2.x * y3;
        c9_0 += xa2.y * y0; c9_1 += xa2.y * y1; c9_2 += xa2.y * y2; c9_3 += xa2.y * y3;
        c10_0 += xa2.z * y0; c10_1 += xa2.z * y1; c10_2 += xa2.z * y2; c10_3 += xa2.z * y3;
        c11_0 += xa2.w * y0; c11_1 += xa2.w * y1; c11_2 += xa2.w * y2; c11_3 += xa2.w * y3;
        c12_0 += xa3.x * y0; c12_1 += xa3.x * y1; c12_2 += xa3.x * y2; c12_3 += xa3.x * y3;
        c13_0 += xa3.y * y0; c13_1 += xa3.y * y1; c13_2 += xa3.y * y2; c13_3 += xa3.y * y3;
        c14_0 += xa3.z * y0; c14_1 += xa3.z * y1; c14_2 += xa3.z * y2; c14_3 += xa3.z * y3;
        c15_0 += xa3.w * y0; c15_1 += xa3.w * y1; c15_2 += xa3.w * y2; c15_3 += xa3.w * y3;
      }
    }
  }
  { put(i0 + 0u, jb, c0_0); put(i0 + 0u, jb + 1u, c0_1); put(i0 + 0u, jb + 2u, c0_2); put(i0 + 0u, jb + 3u, c0_3); }
  if (i0 + 1u < u.m) { put(i0 + 1u, jb, c1_0); put(i0 + 1u, jb + 1u, c1_1); put(i0 + 1u, jb + 2u, c1_2); put(i0 + 1u, jb + 3u, c1_3); }
  if (i0 + 2u < u.m) { put(i0 + 2u, jb, c2_0); put(i0 + 2u, jb + 1u, c2_1); put(i0 + 2u, jb + 2u, c2_2); put(i0 + 2u, jb + 3u, c2_3); }
  if (i0 + 3u < u.m) { put(i0 + 3u, jb, c3_0); put(i0 + 3u, jb + 1u, c3_1); put(i0 + 3u, jb + 2u, c3_2); put(i0 + 3u, jb + 3u, c3_3); }
  if (TM > 4u) {
    if (i0 + 4u < u.m) { put(i0 + 4u, jb, c4_0); put(i0 + 4u, jb + 1u, c4_1); put(i0 + 4u, jb + 2u, c4_2); put(i0 + 4u, jb + 3u, c4_3); }
    if (i0 + 5u < u.m) { put(i0 + 5u, jb, c5_0); put(i0 + 5u, jb + 1u, c5_1); put(i0 + 5u, jb + 2u, c5_2); put(i0 + 5u, jb + 3u, c5_3); }
    if (i0 + 6u < u.m) { put(i0 + 6u, jb, c6_0); put(i0 + 6u, jb + 1u, c6_1); put(i0 + 6u, jb + 2u, c6_2); put(i0 + 6u, jb + 3u, c6_3); }
    if (i0 + 7u < u.m) { put(i0 + 7u, jb, c7_0); put(i0 + 7u, jb + 1u, c7_1); put(i0 + 7u, jb + 2u, c7_2); put(i0 + 7u, jb + 3u, c7_3); }
    if (i0 + 8u < u.m) { put(i0 + 8u, jb, c8_0); put(i0 + 8u, jb + 1u, c8_1); put(i0 + 8u, jb + 2u, c8_2); put(i0 + 8u, jb + 3u, c8_3); }
    if (i0 + 9u < u.m) { put(i0 + 9u, jb, c9_0); put(i0 + 9u, jb + 1u, c9_1); put(i0 + 9u, jb + 2u, c9_2); put(i0 + 9u, jb + 3u, c9_3); }
    if (i0 + 10u < u.m) { put(i0 + 10u, jb, c10_0); put(i0 + 10u, jb + 1u, c10_1); put(i0 + 10u, jb + 2u, c10_2); put(i0 + 10u, jb + 3u, c10_3); }
    if (i0 + 11u < u.m) { put(i0 + 11u, jb, c11_0); put(i0 + 11u, jb + 1u, c11_1); put(i0 + 11u, jb + 2u, c11_2); put(i0 + 11u, jb + 3u, c11_3); }
    if (i0 + 12u < u.m) { put(i0 + 12u, jb, c12_0); put(i0 + 12u, jb + 1u, c12_1); put(i0 + 12u, jb + 2u, c12_2); put(i0 + 12u, jb + 3u, c12_3); }
    if (i0 + 13u < u.m) { put(i0 + 13u, jb, c13_0); put(i0 + 13u, jb + 1u, c13_1); put(i0 + 13u, jb + 2u, c13_2); put(i0 + 13u, jb + 3u, c13_3); }
    if (i0 + 14u < u.m) { put(i0 + 14u, jb, c14_0); put(i0 + 14u, jb + 1u, c14_1); put(i0 + 14u, jb + 2u, c14_2); put(i0 + 14u, jb + 3u, c14_3); }
    if (i0 + 15u < u.m) { put(i0 + 15u, jb, c15_0); put(i0 + 15u, jb + 1u, c15_1); put(i0 + 15u, jb + 2u, c15_2); put(i0 + 15u, jb + 3u, c15_3); }
  }
}
