// bae_sparsity: the sparsity loss on groups of M samples of one speaker, and its gradient w.r.t. Z.
//   s[g,j] = sum_{q < M} Z[members[g*M + q], j];  e = clamp(s[g,j] - V[j], 0, 1)
//   terms[g, j/4] = sum over the 4 lanes of e^2       (the loss is sum(terms) / groups)
//   GRAD 1: gZ[i,j] += scale * 2 e / groups * [0 <= s - V <= 1] for every member i of group g
//   (differentiable, unlike upstream's numpy version: a documented divergence)
// Bindings (group 0):
//   0 z       storage read       array<vec4f> [rows * ld / 4]
//   1 members storage read       array<u32>   [groups * M]
//   2 quota  storage read       array<vec4f> [cols / 4] (V, integers in [0, M))
//   3 terms   storage read_write array<f32>   [groups * cols / 4] (one value per (group, vec4))
//   4 gz      storage read_write array<vec4f> [rows * ld / 4]
//   5 u       uniform            Uniforms {groups, m, cols, ld, scale}
// Workgroup: WG = 64 (override); one invocation per (group, vec4 of attributes); groups partition
//   the rows, so every gz element has one writer. Dispatch: ceil(groups*cols/4/WG), folded past 65535
// Numerics: f32 sums over the M members in order; parity atol 1e-5 rtol 1e-5
// Reference: src/reference/bae_sparsity.ts

override WG: u32 = 64u;
override GRAD: u32 = 1u;

struct Uniforms {
  groups: u32,
  m: u32,
  cols: u32,
  ld: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> z: array<vec4f>;
@group(0) @binding(1) var<storage, read> members: array<u32>;
@group(0) @binding(2) var<storage, read> quota: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> terms: array<f32>;
@group(0) @binding(4) var<storage, read_write> gz: array<vec4f>;
@group(0) @binding(5) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (t >= u.groups * nb) { return; }
  let grp = t / nb;
  let jb = t - grp * nb;
  let ld4 = u.ld / 4u;
  var s = vec4f(0.0);
  for (var q = 0u; q < u.m; q++) {
    s += z[members[grp * u.m + q] * ld4 + jb];
  }
  let over = s - quota[jb];
  let e = clamp(over, vec4f(0.0), vec4f(1.0));
  terms[t] = dot(e, e);
  if (GRAD == 1u) {
    let inside = over >= vec4f(0.0) & over <= vec4f(1.0);
    let gv = select(vec4f(0.0), (2.0 * u.scale / f32(u.groups)) * e, inside);
    for (var q = 0u; q < u.m; q++) {
      let k = members[grp * u.m + q] * ld4 + jb;
      gz[k] += gv;
    }
  }
}
