// scoring_group_sum: adds rows of a count matrix into groups (speaker referentials, trial sides).
//   dst[g_i, k] += sum_{m in [first_i, end_i)} src[members[m], k]   for every group entry i, k < row_len
// Bindings (group 0):
//   0 src     storage read       array<f32> [n_rows, row_len]
//   1 members storage read       array<u32> [n_members]      rows of src, listed group by group
//   2 groups  storage read       array<u32> [n_groups, 3]    (destination row g_i, first member, end member)
//   3 dst     storage read_write array<f32> [n_dst, row_len]
//   4 u       uniform            Uniforms {n_groups, row_len}
// Workgroup: WG = 256 (override)   Dispatch: ceil(n_groups*row_len/WG) over x, folded into y past 65535
// Numerics: f32 adds of integer counts (exact below 2^24), members summed in listed order, so results
//   are deterministic; a destination row appears at most once per dispatch (the host splits larger
//   groups across dispatches), and no group lists more than 60000 members (llvmpipe loop budget)
// Reference: src/reference/scoring_group_sum.ts

override WG: u32 = 256u;

struct Uniforms {
  n_groups: u32,
  row_len: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> members: array<u32>;
@group(0) @binding(2) var<storage, read> groups: array<u32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.n_groups * u.row_len) { return; }
  let g = i / u.row_len;
  let k = i % u.row_len;
  let row = groups[3u * g];
  let end = groups[3u * g + 2u];
  var acc = 0.0;
  for (var m = groups[3u * g + 1u]; m < end; m++) {
    acc += src[members[m] * u.row_len + k];
  }
  dst[row * u.row_len + k] += acc;
}
