// bae_triplet_mine: the miner's per-pair counts as n x n matrices (negatives counted over positives).
//   kept[a,j] / nonzero[a,j] = kept / nonzero triplets (a, j, .) for a positive j (from the pairs of
//   bae_triplet_pairs) and (a, ., j) for a negative j, counted over the anchor's positives p with the
//   rule of bae_triplet_pairs on m = d[a,j] - d[a,p]; 0 for j = a and for lanes past n
// Bindings (group 0):
//   0 d        texture            texture_2d_array<f32> [x = n/4, y = a, layer = 0] (the n x n distances)
//   1 labels   storage read       array<u32>   [n]
//   2 posStart storage read       array<u32>   [n] (first pair of each anchor)
//   3 posCount storage read       array<u32>   [n] (pairs of each anchor)
//   4 positive storage read       array<u32>   [pairs] (p of each pair)
//   5 pairs    storage read       array<vec4f> [pairs] (from bae_triplet_pairs)
//   6 kept     storage read_write array<vec4f> [n * ld / 4]
//   7 nonzero  storage read_write array<vec4f> [n * ld / 4]
//   8 u        uniform            Uniforms {n, ld, margin, lossMargin}
// Workgroup: WG = 64 (override); one invocation per (anchor, 4 columns): one texel fetch of the
//   four distances, then a walk over the anchor's positives. Dispatch: ceil(n*ceil(n/4)/WG) over x,
//   folded into y past 65535
// Numerics: exact counts (f32 integers < 2^24)
// Reference: src/reference/bae_triplet_mine.ts

override WG: u32 = 64u;
override TYPE: u32 = 0u;

struct Uniforms {
  n: u32,
  ld: u32,
  margin: f32,
  lossMargin: f32,
}

@group(0) @binding(0) var d: texture_2d_array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> posStart: array<u32>;
@group(0) @binding(3) var<storage, read> posCount: array<u32>;
@group(0) @binding(4) var<storage, read> positive: array<u32>;
@group(0) @binding(5) var<storage, read> pairs: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> kept: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> nonzero: array<vec4f>;
@group(0) @binding(8) var<uniform> u: Uniforms;

fn keeps(m: vec4f) -> vec4<bool> {
  let inside = m <= vec4f(u.margin);
  if (TYPE == 3u) { return !inside; }
  if (TYPE == 1u) { return inside & (m <= vec4f(0.0)); }
  if (TYPE == 2u) { return inside & (m > vec4f(0.0)); }
  return inside;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = (u.n + 3u) / 4u;
  if (t >= u.n * nb) { return; }
  let a = t / nb;
  let jb = t - a * nb;
  let j = 4u * jb;
  let last = u.n - 1u;
  let la = labels[a];
  let cols = vec4u(j, j + 1u, j + 2u, j + 3u);
  let lab = vec4u(labels[j], labels[min(j + 1u, last)], labels[min(j + 2u, last)],
                  labels[min(j + 3u, last)]);
  let live = cols < vec4u(u.n);
  let negative = (lab != vec4u(la)) & live;
  let dan = textureLoad(d, vec2u(jb, a), 0u, 0u);
  var k = vec4f(0.0);
  var nz = vec4f(0.0);
  let p0 = posStart[a];
  for (var q = 0u; q < posCount[a]; q++) {
    let pr = pairs[p0 + q];
    // A positive column takes its pair's counts; negatives count this positive's triplet.
    let isPair = cols == vec4u(positive[p0 + q]);
    let kk = negative & keeps(dan - vec4f(pr.x));
    let l = vec4f(pr.x) - dan + vec4f(u.lossMargin);
    k = select(k + select(vec4f(0.0), vec4f(1.0), kk), vec4f(pr.y), isPair);
    nz = select(nz + select(vec4f(0.0), vec4f(1.0), kk & (l > vec4f(0.0))), vec4f(pr.z), isPair);
  }
  let at = a * (u.ld / 4u) + jb;
  kept[at] = select(vec4f(0.0), k, live);
  nonzero[at] = select(vec4f(0.0), nz, live);
}
