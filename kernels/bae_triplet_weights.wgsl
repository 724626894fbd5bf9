// bae_triplet_weights: the triplet loss value and its gradient as pair weights over the batch.
//   S = stats[0] (sum of nonzero losses), T = stats[1] (nonzero triplets); loss[slot] = S / T (0 if T = 0)
//   dL/dd[a,j] = +nonzero[a,j] / T for a positive j, -nonzero[a,j] / T for a negative j
//   w[i,j] = scale * (dL/dd[i,j] + dL/dd[j,i]) / d[i,j]  (0 where d[i,j] <= 1e-6: coincident rows);
//   rs[i] = sum_j w[i,j].  Then dL/dxhat_i = rs[i] xhat_i - sum_j w[i,j] xhat_j.
// Bindings (group 0):
//   0 d      storage read       array<f32> [n * ld]
//   1 nonzero storage read       array<f32> [n * ld]
//   2 labels storage read       array<u32> [n]
//   3 stats  storage read       array<f32> [2] (S, T)
//   4 w      storage read_write array<f32> [n * ld]
//   5 rs     storage read_write array<f32> [n]
//   6 loss   storage read_write array<f32> [slot + 1]
//   7 u      uniform            Uniforms {n, ld, slot, scale}
// Workgroup: WG = 64 (override); one invocation per row i. Dispatch: ceil(n/WG), folded past 65535
// Numerics: f32; row sums in column order; parity atol 1e-6 rtol 1e-5
// Reference: src/reference/bae_triplet_weights.ts

override WG: u32 = 64u;

struct Uniforms {
  n: u32,
  ld: u32,
  slot: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> d: array<f32>;
@group(0) @binding(1) var<storage, read> nonzero: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> w: array<f32>;
@group(0) @binding(5) var<storage, read_write> rs: array<f32>;
@group(0) @binding(6) var<storage, read_write> loss: array<f32>;
@group(0) @binding(7) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n) { return; }
  let total = stats[1];
  if (i == 0u) { loss[u.slot] = select(0.0, stats[0] / total, total > 0.0); }
  let coef = select(0.0, u.scale / total, total > 0.0);
  let li = labels[i];
  var sum = 0.0;
  for (var j = 0u; j < u.n; j++) {
    let sgn = select(-1.0, 1.0, labels[j] == li);
    let dij = d[i * u.ld + j];
    var wij = 0.0;
    if (dij > 1e-6) {
      wij = coef * sgn * (nonzero[i * u.ld + j] + nonzero[j * u.ld + i]) / dij;
    }
    w[i * u.ld + j] = wij;
    sum += wij;
  }
  rs[i] = sum;
}
