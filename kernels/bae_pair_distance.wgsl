// bae_pair_distance: Euclidean distances between the rows of a matrix from their Gram matrix.
//   d[i,j] = sqrt(max(G[i,i] + G[j,j] - 2 G[i,j], 0))   for i, j < n (G = X X^T, rows of X L2-normalised)
//   (the same expansion torch.cdist uses for batches over 25 rows); lanes past n in d's last vec4 are 0
// Bindings (group 0):
//   0 gram storage read       array<f32>   [n * ld]
//   1 d    storage read_write array<vec4f> [n * ld / 4]
//   2 u    uniform            Uniforms {n, ld}
// Workgroup: WG = 256 (override); one invocation per vec4 of d
//   Dispatch: ceil(n*ceil(n/4)/WG) over x, folded into y past 65535
// Numerics: f32; exact 0 on the diagonal and exactly symmetric when G is; the cancellation in
//   G[i,i] + G[j,j] - 2 G[i,j] limits small distances to ~1e-7 / d relative error
// Reference: src/reference/bae_pair_distance.ts

override WG: u32 = 256u;

struct Uniforms {
  n: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> gram: array<f32>;
@group(0) @binding(1) var<storage, read_write> d: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = (u.n + 3u) / 4u;
  if (t >= u.n * nb) { return; }
  let i = t / nb;
  let j0 = 4u * (t - i * nb);
  let gii = gram[i * u.ld + i];
  var out = vec4f(0.0);
  for (var q = 0u; q < 4u; q++) {
    let j = j0 + q;
    if (j < u.n) {
      let d2 = gii + gram[j * u.ld + j] - 2.0 * gram[i * u.ld + j];
      out[q] = sqrt(max(d2, 0.0));
    }
  }
  d[i * (u.ld / 4u) + j0 / 4u] = out;
}
