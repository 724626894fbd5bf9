// scoring_beta_moments: per (attribute, category) mean and unbiased variance over speakers of the
//   proportions p[l, j] = R[l, a, c] / (sum_c' R[l, a, c'] + eps), entry j = a * n_cat + c
//   phase 0: stats[j, 0] = sum_l p[l, j] / S
//   phase 1: stats[j, 1] = sum_l (p[l, j] - stats[j, 0])^2 / (S - 1)
// Bindings (group 0):
//   0 counts storage read       array<f32> [S, n_attr, n_cat]
//   1 stats  storage read_write array<f32> [n_attr * n_cat, 2]
//   2 u      uniform            Uniforms {n_entries, n_cat, n_speakers, phase, eps, zero}
// Workgroup: WG = 64 (override), TPA = threads per entry (override, power of two dividing WG)
//   Dispatch: ceil(n_entries * TPA / WG) over x, folded into y past 65535
// Numerics: f32; each thread keeps a compensated (two-sum) sum over its speakers (u.zero = 0 hides the compensation
//   from fast-math compilers), the TPA lanes are added as a tree; two passes, so the variance has no
//   cancellation; loop budget (S / TPA) * (n_cat + 1) <= 60000 (llvmpipe)
// Reference: src/reference/scoring_beta_moments.ts

override WG: u32 = 64u;
override TPA: u32 = 1u;

struct Uniforms {
  n_entries: u32,
  n_cat: u32,
  n_speakers: u32,
  phase: u32,
  eps: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

var<workgroup> red: array<f32, WG>;

fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ u.zero);
}

// a + b = s + e exactly (Knuth's two-sum); opaque() keeps compilers from reassociating it away.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, opaque(a - opaque(s - bb)) + opaque(b - bb));
}

// Running sum (hi, lo) with value hi + lo: lo collects the exact rounding errors of hi.
fn sum_add(acc: vec2f, x: f32) -> vec2f {
  let s = two_sum(acc.x, x);
  return vec2f(s.x, acc.y + s.y);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;
  // Whole workgroups only, so every lane reaches the barriers below.
  if (group * (WG / TPA) >= u.n_entries) { return; }
  let j = group * (WG / TPA) + lid / TPA;
  let lane = lid % TPA;
  let live = j < u.n_entries;
  var acc = vec2f(0.0);
  if (live) {
    let a = j / u.n_cat;
    let mean = stats[2u * j];
    for (var l = lane; l < u.n_speakers; l += TPA) {
      let row = l * u.n_entries + a * u.n_cat;
      var total = 0.0;
      for (var c = 0u; c < u.n_cat; c++) { total += counts[row + c]; }
      let p = counts[row + j % u.n_cat] / (total + u.eps);
      if (u.phase == 0u) {
        acc = sum_add(acc, p);
      } else {
        acc = sum_add(acc, (p - mean) * (p - mean));
      }
    }
  }
  red[lid] = acc.x + acc.y;
  for (var s = TPA / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lane < s) { red[lid] += red[lid + s]; }
  }
  if (live && lane == 0u) {
    if (u.phase == 0u) {
      stats[2u * j] = red[lid] / f32(u.n_speakers);
    } else {
      stats[2u * j + 1u] = red[lid] / f32(u.n_speakers - 1u);
    }
  }
}
