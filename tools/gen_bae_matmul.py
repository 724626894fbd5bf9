#!/usr/bin/python3
"""Writes kernels/bae_matmul.wgsl, whose 16 x 16 register tile is unrolled by hand.

The WGSL is static (no WGSL is assembled at run time); this dev-time script only saves typing the
repetitive rows and keeps them consistent. Edit the template here, run
    /usr/bin/python3 tools/gen_bae_matmul.py
and review the diff of kernels/bae_matmul.wgsl.
"""
import os

R = range(16)
L = []
def p(s=""): L.append(s)
p("""// bae_matmul: register-tiled matrix product with a bias/activation epilogue (the BAE's Linear layers).
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
""")
for r in R:
    p(f"  var c{r}_0 = Z; var c{r}_1 = Z; var c{r}_2 = Z; var c{r}_3 = Z;")
p("""  if (LAYOUT == 0u) {
    // NT: per k-block, 16 rows of A and 16 rows of B, 256 dot products.""")
for r in range(0, 16, 4):
    p("    " + " ".join(f"let ra{q} = min(i0 + {q}u, lastRowA);" for q in range(r, r + 4)))
for r in range(0, 16, 4):
    p("    " + " ".join(f"let rb{q} = min(j0 + {q}u, u.n - 1u);" for q in range(r, r + 4)))
p("""    for (var kk = 0u; kk < (u.k + 3u) / 4u; kk++) {
      let m = kMask(4u * kk);""")
for q in range(0, 16, 4):
    p("      " + " ".join(f"let y{w} = select(Z, tb(kk, rb{w}), m);" for w in range(q, q + 4)))
def rows_nt(r, ind):
    p(f"{ind}let x{r} = select(Z, ta(kk, ra{r}), m);")
    p(f"{ind}c{r}_0 += dots(x{r}, y0, y1, y2, y3); c{r}_1 += dots(x{r}, y4, y5, y6, y7); c{r}_2 += dots(x{r}, y8, y9, y10, y11); c{r}_3 += dots(x{r}, y12, y13, y14, y15);")
for r in range(4):
    rows_nt(r, "      ")
p("      if (TM > 4u) {")
for r in range(4, 16):
    rows_nt(r, "        ")
p("      }")
p("""    }
  } else if (LAYOUT == 1u) {
    // NN: per k-block, 16 rows of A and a 4x16 panel of B (rows past k read as 0).""")
for r in range(0, 16, 4):
    p("    " + " ".join(f"let ra{q} = min(i0 + {q}u, lastRowA);" for q in range(r, r + 4)))
p("    let cb0 = jb; let cb1 = min(jb + 1u, lastBlockB); let cb2 = min(jb + 2u, lastBlockB); let cb3 = min(jb + 3u, lastBlockB);")
p("""    for (var kk = 0u; kk < (u.k + 3u) / 4u; kk++) {
      let m = kMask(4u * kk);""")
for kr in range(4):
    p(f"      let kr{kr} = min(4u * kk + {kr}u, u.k - 1u);")
for kr in range(4):
    p("      " + " ".join(f"let p{kr}{q} = select(Z, tb(cb{q}, kr{kr}), m[{kr}]);" for q in range(4)))
def rows_nn(r, ind):
    p(f"{ind}let x{r} = select(Z, ta(kk, ra{r}), m);")
    p(f"{ind}c{r}_0 += combo(x{r}, p00, p10, p20, p30); c{r}_1 += combo(x{r}, p01, p11, p21, p31); c{r}_2 += combo(x{r}, p02, p12, p22, p32); c{r}_3 += combo(x{r}, p03, p13, p23, p33);")
for r in range(4):
    rows_nn(r, "      ")
p("      if (TM > 4u) {")
for r in range(4, 16):
    rows_nn(r, "        ")
p("      }")
p("""    }
  } else {
    // TN: per k, 16 values of A's row k (rows of C) times 16 of B's row k (columns of C).
    let lastBlockA = (u.m + 3u) / 4u - 1u;
    let ab0 = i0 / 4u; let ab1 = min(ab0 + 1u, lastBlockA); let ab2 = min(ab0 + 2u, lastBlockA); let ab3 = min(ab0 + 3u, lastBlockA);
    let cb0 = jb; let cb1 = min(jb + 1u, lastBlockB); let cb2 = min(jb + 2u, lastBlockB); let cb3 = min(jb + 3u, lastBlockB);
    for (var k = 0u; k < u.k; k++) {
      let xa0 = ta(ab0, k);
      let y0 = tb(cb0, k); let y1 = tb(cb1, k); let y2 = tb(cb2, k); let y3 = tb(cb3, k);""")
comp = "xyzw"
def rows_tn(r, ind):
    s = f"xa{r // 4}.{comp[r % 4]}"
    p(f"{ind}c{r}_0 += {s} * y0; c{r}_1 += {s} * y1; c{r}_2 += {s} * y2; c{r}_3 += {s} * y3;")
for r in range(4):
    rows_tn(r, "      ")
p("      if (TM > 4u) {")
p("        let xa1 = ta(ab1, k); let xa2 = ta(ab2, k); let xa3 = ta(ab3, k);")
for r in range(4, 16):
    rows_tn(r, "        ")
p("      }")
p("""    }
  }""")
def store(r, ind):
    guard = "" if r == 0 else f"if (i0 + {r}u < u.m) "
    p(f"{ind}{guard}{{ put(i0 + {r}u, jb, c{r}_0); put(i0 + {r}u, jb + 1u, c{r}_1); put(i0 + {r}u, jb + 2u, c{r}_2); put(i0 + {r}u, jb + 3u, c{r}_3); }}")
for r in range(4):
    store(r, "  ")
p("  if (TM > 4u) {")
for r in range(4, 16):
    store(r, "    ")
p("  }")
p("}")
open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'kernels', 'bae_matmul.wgsl'), 'w').write("\n".join(L) + "\n")
