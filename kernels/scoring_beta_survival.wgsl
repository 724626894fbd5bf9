// scoring_beta_survival: survival counts of the referential's integer counts, per (attribute, column).
//   column c < n_cat is category c, column n_cat the row total: x[l] = R[l, a, c] or sum_c R[l, a, c]
//   finalize = 0: hist[s, min(x[l], L)] += 1 for speakers l in [first, end)   (s = a * (n_cat + 1) + c)
//   finalize = 1: hist[s, j] = #{l : x[l] > j} for j < L (suffix sums in place; hist[s, L] kept)
//   so that sum_l [psi(x[l] + alpha) - psi(alpha)] = sum_{j<L} hist[s, j] / (alpha + j) + tail
// Bindings (group 0):
//   0 counts storage read       array<f32> [S, n_attr, n_cat]
//   1 hist   storage read_write array<u32> [n_attr * (n_cat + 1), L + 1]
//   2 u      uniform            Uniforms {n_attr, n_cat, first, end, len, finalize}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_attr * (n_cat + 1) / WG) over x, folded into y past 65535
// Numerics: exact integer counting, one thread per series (no atomics, deterministic); the host keeps
//   (end - first) * (n_cat + 2) and L under the 60000-step loop budget of llvmpipe
// Reference: src/reference/scoring_beta_survival.ts

override WG: u32 = 64u;

struct Uniforms {
  n_attr: u32,
  n_cat: u32,
  first: u32,
  end: u32,
  len: u32,
  finalize: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read_write> hist: array<u32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let s = (wid.x + wid.y * nwg.x) * WG + lid;
  let cols = u.n_cat + 1u;
  if (s >= u.n_attr * cols) { return; }
  let base = s * (u.len + 1u);
  if (u.finalize == 1u) {
    var running = 0u;
    var next = hist[base + u.len];
    for (var j = u.len; j > 0u; j--) {
      let here = hist[base + j - 1u];
      running += next;
      hist[base + j - 1u] = running;
      next = here;
    }
    return;
  }
  let a = s / cols;
  let c = s % cols;
  let row_len = u.n_attr * u.n_cat;
  for (var l = u.first; l < u.end; l++) {
    let row = l * row_len + a * u.n_cat;
    var x = 0.0;
    if (c < u.n_cat) {
      x = counts[row + c];
    } else {
      for (var k = 0u; k < u.n_cat; k++) { x += counts[row + k]; }
    }
    let bin = min(u32(x), u.len);
    hist[base + bin] += 1u;
  }
}
