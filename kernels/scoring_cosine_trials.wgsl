// scoring_cosine_trials: cosine-similarity score of each trial (the cosine scorer; no fitting).
//   DIM = 1: out[t] = prod_c  sum_a e[a,c] x[a,c] / (max(|e[:,c]|, eps) max(|x[:,c]|, eps))
//   DIM = 2: out[t] = prod_a  sum_c e[a,c] x[a,c] / (max(|e[a,:]|, eps) max(|x[a,:]|, eps))
//   e, x = count matrices of the trial's enrolment and test sides (torch.nn.CosineSimilarity, then
//   torch.prod over dim 1)
// Bindings (group 0):
//   0 sides storage read       array<f32> [n_sides, n_attr, n_cat]
//   1 pairs storage read       array<u32> [n_trials_total, 2]   (enrolment side, test side)
//   2 out   storage read_write array<f32> [n_trials, 2]   (score, 0): the pair layout of the LLR scorers
//   3 u     uniform            Uniforms {n_trials, n_attr, n_cat, first, eps, zero}
// Workgroup: WG = 64 (override), DIM = 1 | 2 (override)   Dispatch: ceil(n_trials / WG) over x, folded into y past 65535
// Numerics: f32; the dot products and squared norms are compensated (two-sum) sums (hidden from fast-math by
//   u.zero); loop budget n_attr * n_cat + n_cat <= 60000
// Reference: src/reference/scoring_cosine_trials.ts

override WG: u32 = 64u;
override DIM: u32 = 1u;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  n_cat: u32,
  first: u32,
  eps: f32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> sides: array<f32>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ u.zero);
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

fn cosine(dp: vec2f, ee: vec2f, xx: vec2f) -> f32 {
  let ne = max(sqrt(ee.x + ee.y), u.eps);
  let nx = max(sqrt(xx.x + xx.y), u.eps);
  return (dp.x + dp.y) / (ne * nx);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  if (t >= u.n_trials) { return; }
  let side_len = u.n_attr * u.n_cat;
  let e_base = pairs[2u * (u.first + t)] * side_len;
  let x_base = pairs[2u * (u.first + t) + 1u] * side_len;
  var score = 1.0;
  if (DIM == 1u) {
    for (var c = 0u; c < u.n_cat; c++) {
      var dp = vec2f(0.0);
      var ee = vec2f(0.0);
      var xx = vec2f(0.0);
      for (var a = 0u; a < u.n_attr; a++) {
        let e = sides[e_base + a * u.n_cat + c];
        let x = sides[x_base + a * u.n_cat + c];
        dp = sum_add(dp, e * x);
        ee = sum_add(ee, e * e);
        xx = sum_add(xx, x * x);
      }
      score *= cosine(dp, ee, xx);
    }
  } else {
    for (var a = 0u; a < u.n_attr; a++) {
      var dp = vec2f(0.0);
      var ee = vec2f(0.0);
      var xx = vec2f(0.0);
      for (var c = 0u; c < u.n_cat; c++) {
        let e = sides[e_base + a * u.n_cat + c];
        let x = sides[x_base + a * u.n_cat + c];
        dp = sum_add(dp, e * x);
        ee = sum_add(ee, e * e);
        xx = sum_add(xx, x * x);
      }
      score *= cosine(dp, ee, xx);
    }
  }
  out[2u * (u.first + t)] = score;
  out[2u * (u.first + t) + 1u] = 0.0;
}
