// bae_triplet_pairs: TripletMarginMiner + TripletMarginLoss over the negatives of each anchor-positive pair.
//   For pair c = (a, p) (the c-th entry of the batch's positive lists) and every negative n
//   (label[n] != label[a]), m = d[a,n] - d[a,p] is kept by TYPE 0 all: m <= margin; 1 hard:
//   m <= margin and m <= 0; 2 semihard: m <= margin and m > 0; 3 easy: m > margin. A kept
//   triplet is nonzero when l = d[a,p] - d[a,n] + lossMargin > 0.
//   pairs[c] = (d[a,p], kept triplets, nonzero triplets, sum of l over nonzero triplets)
// Bindings (group 0):
//   0 d        texture            texture_2d_array<f32> [x = n/4, y = a, layer = 0] (the n x n distances)
//   1 labels   storage read       array<u32>   [n]
//   2 anchor   storage read       array<u32>   [pairs] (a of each pair)
//   3 positive storage read       array<u32>   [pairs] (p of each pair)
//   4 out      storage read_write array<vec4f> [pairs]
//   5 u        uniform            Uniforms {n, pairs, margin, lossMargin}
// Workgroup: WG = 64 (override); one invocation per pair walks the anchor's distance row four
//   columns per texel fetch, branch-free. Dispatch: ceil(pairs/WG) over x, folded into y past 65535
// Numerics: counts exact (f32 integers < 2^24); the loss sum accumulates in f32 per lane of the
//   fetched vec4 then adds the lanes; comparisons on the same f32 distances as the reference
// Reference: src/reference/bae_triplet_pairs.ts

override WG: u32 = 64u;
override TYPE: u32 = 0u;

struct Uniforms {
  n: u32,
  pairs: u32,
  margin: f32,
  lossMargin: f32,
}

@group(0) @binding(0) var d: texture_2d_array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> anchor: array<u32>;
@group(0) @binding(3) var<storage, read> positive: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> u: Uniforms;

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
  let c = (wid.x + wid.y * nwg.x) * WG + lid;
  if (c >= u.pairs) { return; }
  let a = anchor[c];
  let p = positive[c];
  let la = labels[a];
  let dap = textureLoad(d, vec2u(p / 4u, a), 0u, 0u)[p % 4u];
  var kept = vec4f(0.0);
  var nonzero = vec4f(0.0);
  var loss = vec4f(0.0);
  let last = u.n - 1u;
  for (var jb = 0u; jb < (u.n + 3u) / 4u; jb++) {
    let j = 4u * jb;
    let dan = textureLoad(d, vec2u(jb, a), 0u, 0u);
    let lab = vec4u(labels[j], labels[min(j + 1u, last)], labels[min(j + 2u, last)],
                    labels[min(j + 3u, last)]);
    let negative = (lab != vec4u(la)) & (vec4u(j, j + 1u, j + 2u, j + 3u) < vec4u(u.n));
    let k = negative & keeps(dan - vec4f(dap));
    let l = vec4f(dap) - dan + vec4f(u.lossMargin);
    let nz = k & (l > vec4f(0.0));
    kept += select(vec4f(0.0), vec4f(1.0), k);
    nonzero += select(vec4f(0.0), vec4f(1.0), nz);
    loss += select(vec4f(0.0), l, nz);
  }
  out[c] = vec4f(dap, dot(kept, vec4f(1.0)), dot(nonzero, vec4f(1.0)),
                 (loss.x + loss.y) + (loss.z + loss.w));
}
