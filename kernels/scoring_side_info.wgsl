// scoring_side_info: validates count rows and packs activation bits, one thread per side.
//   flags[s] = NEGATIVE | FRACTION | NONFINITE (any count of side s) | ONE_HOT (every attribute row
//              is one category with count 1, i.e. a single recording); bits[s, w] bit b = counts[s, 32w+b, 0] > 0
//   info[s] = (flags, largest count, largest attribute-row total, 0)
// Bindings (group 0):
//   0 counts storage read       array<f32> [n_sides, n_attr, n_cat]
//   1 bits   storage read_write array<u32> [n_sides, n_words]   (untouched when n_words = 0)
//   2 info   storage read_write array<u32> [n_sides, 4]
//   3 u      uniform            Uniforms {n_sides, n_attr, n_cat, n_words}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_sides/WG) over x, folded into y past 65535
// Numerics: exact (comparisons and integer maxima); non-finite values are detected from their bits so
//   fast-math compilers cannot drop the test; loop budget n_attr*n_cat <= 60000
// Reference: src/reference/scoring_side_info.ts

override WG: u32 = 64u;

const NEGATIVE: u32 = 1u;
const FRACTION: u32 = 2u;
const NONFINITE: u32 = 4u;
const ONE_HOT: u32 = 8u;

struct Uniforms {
  n_sides: u32,
  n_attr: u32,
  n_cat: u32,
  n_words: u32,
}

@group(0) @binding(0) var<storage, read> counts: array<f32>;
@group(0) @binding(1) var<storage, read_write> bits: array<u32>;
@group(0) @binding(2) var<storage, read_write> info: array<u32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let s = (wid.x + wid.y * nwg.x) * WG + lid;
  if (s >= u.n_sides) { return; }
  let base = s * u.n_attr * u.n_cat;
  var flags = ONE_HOT;
  var max_count = 0u;
  var max_total = 0u;
  var word = 0u;
  for (var a = 0u; a < u.n_attr; a++) {
    var total = 0u;
    var largest = 0.0;
    for (var c = 0u; c < u.n_cat; c++) {
      let x = counts[base + a * u.n_cat + c];
      if ((bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u) {
        flags |= NONFINITE;
        continue;
      }
      if (x < 0.0) { flags |= NEGATIVE; continue; }
      if (x != floor(x)) { flags |= FRACTION; }
      let k = u32(x);
      total += k;
      max_count = max(max_count, k);
      largest = max(largest, x);
    }
    max_total = max(max_total, total);
    if (total != 1u || largest != 1.0) { flags &= ~ONE_HOT; }
    if (u.n_words > 0u) {
      if (counts[base + a * u.n_cat] > 0.0) { word |= 1u << (a % 32u); }
      if (a % 32u == 31u || a + 1u == u.n_attr) {
        bits[s * u.n_words + a / 32u] = word;
        word = 0u;
      }
    }
  }
  if ((flags & (NEGATIVE | FRACTION | NONFINITE)) != 0u) { flags &= ~ONE_HOT; }
  info[4u * s] = flags;
  info[4u * s + 1u] = max_count;
  info[4u * s + 2u] = max_total;
  info[4u * s + 3u] = 0u;
}
