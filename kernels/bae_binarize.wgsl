// bae_binarize: binary attributes from the encoder output Z.
//   MODE 0: b[i,j] = 1 if z[i,j] > 0 else 0                       (matrix with stride ld)
//   MODE 1: ba[i,j,0] = b[i,j], ba[i,j,1] = 1 - b[i,j]             (dense BA vectors [rows, cols, 2])
// Bindings (group 0):
//   0 z   storage read       array<vec4f> [rows * ld / 4]
//   1 out storage read_write array<vec4f> [rows * ld / 4] (MODE 0) or [rows * cols / 2] (MODE 1)
//   2 u   uniform            Uniforms {rows, cols, ld}
// Workgroup: WG = 256 (override); one invocation per vec4 of z (cols % 4 == 0)
//   Dispatch: ceil(rows*cols/4/WG) over x, folded into y past 65535
// Numerics: exact (a comparison); NaN compares false and gives 0, as in PyTorch
// Reference: src/reference/bae_binarize.ts

override WG: u32 = 256u;
override MODE: u32 = 0u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> z: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (t >= u.rows * nb) { return; }
  let i = t / nb;
  let k = i * (u.ld / 4u) + (t - i * nb);
  let b = select(vec4f(0.0), vec4f(1.0), z[k] > vec4f(0.0));
  if (MODE == 0u) {
    out[k] = b;
  } else {
    out[2u * t] = vec4f(b.x, 1.0 - b.x, b.y, 1.0 - b.y);
    out[2u * t + 1u] = vec4f(b.z, 1.0 - b.z, b.w, 1.0 - b.w);
  }
}
