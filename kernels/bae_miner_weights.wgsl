// bae_miner_weights: per-sample weights from mined triplets (pytorch-metric-learning convert_to_weights).
//   count[i] = sum over positives p of i of kept[i,p]   (triplets with anchor i)
//            + sum_a kept[a,i]                          (triplets with i as positive or negative)
//   weight[i] = count[i] / max_k count[k]; every weight is 1 when no triplet was kept
// Bindings (group 0):
//   0 kept    storage read       array<f32> [n * ld] (from bae_triplet_mine)
//   1 labels  storage read       array<u32> [n]
//   2 weights storage read_write array<f32> [n]
//   3 u       uniform            Uniforms {n, ld}
// Workgroup: WG = 256 (override); a single workgroup (dispatch 1) strides over the samples and
//   reduces the maximum in workgroup memory
// Numerics: counts are exact f32 integers (< 2^24); one division per weight
// Reference: src/reference/bae_miner_weights.ts

override WG: u32 = 256u;

struct Uniforms {
  n: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> kept: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

var<workgroup> best: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  if (wid.x + wid.y * nwg.x != 0u) { return; }
  var m = 0.0;
  for (var i = lid; i < u.n; i += WG) {
    let li = labels[i];
    var c = 0.0;
    for (var j = 0u; j < u.n; j++) {
      if (j != i && labels[j] == li) { c += kept[i * u.ld + j]; }
      c += kept[j * u.ld + i];
    }
    weights[i] = c;
    m = max(m, c);
  }
  best[lid] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { best[lid] = max(best[lid], best[lid + s]); }
    workgroupBarrier();
  }
  let top = best[0];
  for (var i = lid; i < u.n; i += WG) {
    weights[i] = select(1.0, weights[i] / top, top > 0.0);
  }
}
