// scoring_side_table_trials: LLR of trials that pit one recording against a tabulated side: a K = 2
//   beta or MaxLLR side (e.g. a sum of recordings) whose per-attribute LLRs against an all-active and an
//   all-inactive recording were computed once by the scorer's per-attribute kernel.
//   MODE 0: out[first + i] = sum_a tables[k_i, 1 - x_a, a]   MODE 1: out[first + i, a] = tables[k_i, 1 - x_a, a]
//   k_i = pairs[i, 0] (the trial's table), x_a = activation bit a of side pairs[i, 1] (the recording);
//   table entries and outputs are (hi, lo) pairs with value hi + lo
// Bindings (group 0):
//   0 bits   storage read       array<u32> [n_sides, n_words]   (scoring_side_info)
//   1 pairs  storage read       array<u32> [n_trials, 2]   (table, recording side)
//   2 tables storage read       array<f32> [n_tables, 2, n_attr, 2]   (state 0 = attribute active)
//   3 out    storage read_write array<f32> [first + n_trials, 2] (MODE 0) or [first + n_trials, n_attr, 2] (MODE 1)
//   4 u      uniform            Uniforms {n_trials, n_attr, n_words, first, zero}
// Workgroup: WG = 64 (override), MODE (override)   Dispatch: ceil(n_trials / WG) over x, folded into y past 65535
// Numerics: MODE 1 copies; MODE 0 adds pairs in attribute order with error-free sums (about 2^-44
//   relative to the largest partial sum; u.zero = 0 hides them from fast-math compilers);
//   loop budget n_words + n_attr <= 60000
// Reference: src/reference/scoring_side_table_trials.ts

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
@group(0) @binding(2) var<storage, read> tables: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ u.zero);
}

// a + b = s + e exactly (Knuth's two-sum; opaque() stops reassociation).
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = opaque(a + b);
  let bb = opaque(s - a);
  return vec2f(s, opaque(a - opaque(s - bb)) + opaque(b - bb));
}

fn pair_add(p: vec2f, q: vec2f) -> vec2f {
  let s = two_sum(p.x, q.x);
  let e = opaque(s.y + p.y) + q.y;
  let h = opaque(s.x + e);
  return vec2f(h, e - opaque(h - s.x));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n_trials) { return; }
  let table = pairs[2u * i] * 4u * u.n_attr;
  let side = pairs[2u * i + 1u] * u.n_words;
  let row = u.first + i;
  var acc = vec2f(0.0);
  for (var w = 0u; w < u.n_words; w++) {
    let word = bits[side + w];
    let count = min(32u, u.n_attr - 32u * w);
    for (var b = 0u; b < count; b++) {
      let a = 32u * w + b;
      let at = table + 2u * ((1u - ((word >> b) & 1u)) * u.n_attr + a);
      let v = vec2f(tables[at], tables[at + 1u]);
      if (MODE == 1u) {
        out[2u * (row * u.n_attr + a)] = v.x;
        out[2u * (row * u.n_attr + a) + 1u] = v.y;
      } else {
        acc = pair_add(acc, v);
      }
    }
  }
  if (MODE == 0u) {
    out[2u * row] = acc.x;
    out[2u * row + 1u] = acc.y;
  }
}
