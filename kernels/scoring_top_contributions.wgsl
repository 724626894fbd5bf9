// scoring_top_contributions: the k attributes that speak most for and most against each trial.
//   top_attr[t, 0, r], top_llr[t, 0, r] = the r-th largest positive contribution v[t, a] and its attribute a;
//   top_attr[t, 1, r], top_llr[t, 1, r] = the r-th most negative one; ties: lower attribute first;
//   ranks past the trial's positive (negative) count: attribute 0xffffffff, llr (0, 0).
//   v[t, a] by SOURCE: 0 = values[t, a] (per-attribute rows); 1 = values[1 - x_a, a, 1 - y_a] (the
//   single-recording table, f32: lo = 0; x, y = activation bits of sides pairs[t, 1], pairs[t, 0]);
//   2 = values[pairs[t, 0], 1 - x_a, a] (side tables; x = bits of side pairs[t, 1]).
//   Values are (hi, lo) pairs compared on hi, then lo (the order of hi + lo for normalised pairs).
//   Reading the tables directly (SOURCE 1, 2) spares writing and re-reading per-attribute rows.
// Bindings (group 0):
//   0 values   storage read       array<f32> [n_trials, n_attr, 2] | [2, n_attr, 2] | [n_tables, 2, n_attr, 2]
//   1 bits     storage read       array<u32> [n_sides, n_words]   (SOURCE 1, 2; scoring_side_info)
//   2 pairs    storage read       array<u32> [n_trials, 2]   (SOURCE 1: sides; SOURCE 2: table, side)
//   3 top_attr storage read_write array<u32> [n_trials, 2, k]
//   4 top_llr  storage read_write array<f32> [n_trials, 2, k, 2]
//   5 u        uniform            Uniforms {n_trials, n_attr, n_words, k}
// Workgroup: WG = 64 (override), SOURCE (override)   Dispatch: ceil(n_trials / WG) over x, folded into y past 65535
// Numerics: exact (comparisons and copies); one thread keeps two insertion-sorted lists of k <= MAX_K;
//   loop budget n_words + n_attr * (k + 1) + 2k <= 60000 (every insertion shifts at most k entries)
// Reference: src/reference/scoring_top_contributions.ts

override WG: u32 = 64u;
override SOURCE: u32 = 0u;

const MAX_K: u32 = 32u;
const NONE: u32 = 0xffffffffu;

struct Uniforms {
  n_trials: u32,
  n_attr: u32,
  n_words: u32,
  k: u32,
}

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> bits: array<u32>;
@group(0) @binding(2) var<storage, read> pairs: array<u32>;
@group(0) @binding(3) var<storage, read_write> top_attr: array<u32>;
@group(0) @binding(4) var<storage, read_write> top_llr: array<f32>;
@group(0) @binding(5) var<uniform> u: Uniforms;

// x above y as pairs (hi first).
fn above(x: vec2f, y: vec2f) -> bool {
  return x.x > y.x || (x.x == y.x && x.y > y.y);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  if (t >= u.n_trials) { return; }
  // List 0 holds positive values as they are, list 1 negative values negated: both rank descending.
  var attr: array<array<u32, MAX_K>, 2>;
  var val: array<array<vec2f, MAX_K>, 2>;
  var len = vec2u(0u);
  // What a value must beat to enter each list: 0 until the list is full, then its weakest entry
  // (kept in registers so that most attributes are rejected without touching the lists).
  var bar_pos = vec2f(0.0);
  var bar_neg = vec2f(0.0);
  var base = 0u;
  var e_side = 0u;
  var x_side = 0u;
  if (SOURCE == 0u) {
    base = 2u * t * u.n_attr;
  } else {
    e_side = pairs[2u * t] * u.n_words;
    x_side = pairs[2u * t + 1u] * u.n_words;
    if (SOURCE == 2u) { base = pairs[2u * t] * 4u * u.n_attr; }
  }
  for (var w = 0u; w < u.n_words; w++) {
    var e_word = 0u;
    var x_word = 0u;
    if (SOURCE != 0u) { x_word = bits[x_side + w]; }
    if (SOURCE == 1u) { e_word = bits[e_side + w]; }
    let count = min(32u, u.n_attr - 32u * w);
    for (var b = 0u; b < count; b++) {
      let a = 32u * w + b;
      var v: vec2f;
      if (SOURCE == 0u) {
        v = vec2f(values[base + 2u * a], values[base + 2u * a + 1u]);
      } else if (SOURCE == 1u) {
        let at = (1u - ((x_word >> b) & 1u)) * 2u * u.n_attr + 2u * a + (1u - ((e_word >> b) & 1u));
        v = vec2f(values[at], 0.0);
      } else {
        let at = base + 2u * ((1u - ((x_word >> b) & 1u)) * u.n_attr + a);
        v = vec2f(values[at], values[at + 1u]);
      }
      let pos = above(v, bar_pos);
      if (!pos && !above(-v, bar_neg)) { continue; }
      let list = select(1u, 0u, pos);
      let key = select(-v, v, pos);
      let n = len[list];
      // Insertion: a full list drops its weakest entry; equal values keep the earlier attribute first.
      var j = min(n, u.k - 1u);
      if (n < u.k) { len[list] = n + 1u; }
      while (j > 0u && above(key, val[list][j - 1u])) {
        attr[list][j] = attr[list][j - 1u];
        val[list][j] = val[list][j - 1u];
        j--;
      }
      attr[list][j] = a;
      val[list][j] = key;
      if (len[list] == u.k) {
        if (pos) { bar_pos = val[0][u.k - 1u]; } else { bar_neg = val[1][u.k - 1u]; }
      }
    }
  }
  for (var list = 0u; list < 2u; list++) {
    let sign = select(-1.0, 1.0, list == 0u);
    for (var r = 0u; r < u.k; r++) {
      let o = (t * 2u + list) * u.k + r;
      let kept = r < len[list];
      top_attr[o] = select(NONE, attr[list][min(r, MAX_K - 1u)], kept);
      let v = sign * val[list][min(r, MAX_K - 1u)];
      top_llr[2u * o] = select(0.0, v.x, kept);
      top_llr[2u * o + 1u] = select(0.0, v.y, kept);
    }
  }
}
