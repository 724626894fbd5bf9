// scoring_table_trials: LLR of single-recording trials from a per-attribute table (beta with K = 2,
//   DNA, Speech, MaxLLR): every attribute of such a side is active or not, so its LLR is one of four.
//   MODE 0: out[t] = sum_a llrs[1 - x_a, a, 1 - y_a]   MODE 1: out[t, a] = llrs[1 - x_a, a, 1 - y_a]
//   both as (hi, lo) pairs: the running sum and its accumulated rounding errors, or (value, 0)
//   x_a, y_a = activation bits of the trial's test and enrolment sides (upstream's einsum puts the test
//   side on the first axis; the tables are symmetric except for crafted checkpoints)
// Bindings (group 0):
//   0 bits  storage read       array<u32> [n_sides, n_words]   (scoring_side_info)
//   1 pairs storage read       array<u32> [n_trials_total, 2]  (enrolment side, test side)
//   2 llrs  storage read       array<f32> [2, n_attr, 2]
//   3 out   storage read_write array<f32> [n_trials, 2] (MODE 0) or [n_trials, n_attr, 2] (MODE 1)
//   4 u     uniform            Uniforms {n_trials, n_attr, n_words, first, zero}
// Workgroup: WG = 64 (override), MODE (override)   Dispatch: ceil(n_trials / WG) over x, folded into y past 65535
// Numerics: f32 table lookups; MODE 0 adds them with two-sums whose errors are summed apart
//   (about 1e-7 relative to the largest partial sum; hidden from fast-math by u.zero);
//   loop budget n_words + n_attr <= 60000
// Reference: src/reference/scoring_table_trials.ts

override WG: u32 = 64u;
override MODE: u32 = 0u;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  n_words: u32,
  first: u32,
  zero: u32,
}

@group(0) @binding(0) var<storage, read> bits: array<u32>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read> llrs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

fn opaque(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ u.zero);
}

// a + b = s + e exactly (Knuth's two-sum; opaque() stops reassociation).
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, opaque(a - opaque(s - bb)) + opaque(b - bb));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  if (t >= u.n_trials) { return; }
  let e_base = pairs[2u * (u.first + t)] * u.n_words;
  let t_base = pairs[2u * (u.first + t) + 1u] * u.n_words;
  let plane = 2u * u.n_attr;
  var hi = 0.0;
  var lo = 0.0;
  for (var w = 0u; w < u.n_words; w++) {
    let eb = bits[e_base + w];
    let tb = bits[t_base + w];
    let count = min(32u, u.n_attr - 32u * w);
    for (var b = 0u; b < count; b++) {
      let a = 32u * w + b;
      let v = llrs[(1u - ((tb >> b) & 1u)) * plane + 2u * a + (1u - ((eb >> b) & 1u))];
      if (MODE == 1u) {
        out[2u * (t * u.n_attr + a)] = v;
        out[2u * (t * u.n_attr + a) + 1u] = 0.0;
      } else {
        let s = two_sum(hi, v);
        hi = s.x;
        lo += s.y;
      }
    }
  }
  if (MODE == 0u) {
    out[2u * t] = hi;
    out[2u * t + 1u] = lo;
  }
}
