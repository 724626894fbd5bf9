// scoring_cosine_bits: cosine scores of single-recording trials from activation bits (BA vectors are
//   one-hot rows [b, 1 - b], so every dot product and squared norm is a popcount).
//   DIM = 1: out[t] = c0 c1,  c0 = |e & x| / (max(sqrt|e|, eps) max(sqrt|x|, eps)),
//            c1 the same over the complements (~e & ~x within n_attr bits), |.| = popcount
//   DIM = 2: out[t] = prod_a [e_a == x_a]  (each row's cosine is 1 or 0)
//   e, x = bits of the trial's enrolment and test sides; out holds (score, 0) pairs
// Bindings (group 0):
//   0 bits  storage read       array<u32> [n_sides, n_words]   (scoring_side_info)
//   1 pairs storage read       array<u32> [n_trials_total, 2]  (enrolment side, test side)
//   2 out   storage read_write array<f32> [n_trials, 2]
//   3 u     uniform            Uniforms {n_trials, n_attr, n_words, first, eps}
// Workgroup: WG = 64 (override), DIM = 1 | 2 (override)   Dispatch: ceil(n_trials / WG) over x, folded into y past 65535
// Numerics: exact integer counts; one f32 division and two square roots per column; loop budget n_words
// Reference: src/reference/scoring_cosine_bits.ts

override WG: u32 = 64u;
override DIM: u32 = 1u;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  n_words: u32,
  first: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> bits: array<u32>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

fn cosine(dp: u32, ee: u32, xx: u32) -> f32 {
  return f32(dp) / (max(sqrt(f32(ee)), u.eps) * max(sqrt(f32(xx)), u.eps));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  if (t >= u.n_trials) { return; }
  let e_base = pairs[2u * (u.first + t)] * u.n_words;
  let x_base = pairs[2u * (u.first + t) + 1u] * u.n_words;
  var both = 0u;
  var ones_e = 0u;
  var ones_x = 0u;
  var differ = 0u;
  for (var w = 0u; w < u.n_words; w++) {
    let e = bits[e_base + w];
    let x = bits[x_base + w];
    both += countOneBits(e & x);
    ones_e += countOneBits(e);
    ones_x += countOneBits(x);
    differ += countOneBits(e ^ x);
  }
  var score = 0.0;
  if (DIM == 1u) {
    // Complements within n_attr: |~e & ~x| = n - |e| - |x| + |e & x|.
    let n = u.n_attr;
    score = cosine(both, ones_e, ones_x) * cosine(n - ones_e - ones_x + both, n - ones_e, n - ones_x);
  } else {
    score = select(0.0, 1.0, differ == 0u);
  }
  out[2u * t] = score;
  out[2u * t + 1u] = 0.0;
}
