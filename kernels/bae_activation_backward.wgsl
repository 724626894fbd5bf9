// bae_activation_backward: gradient through a pointwise map, given the map's output y.
//   MODE 0 relu: gx = g * (y > 0);  MODE 1 tanh: gx = g * (1 - y*y);
//   MODE 2 ste (straight-through binarisation): gx = clamp(g, -1, 1) (hardtanh of the incoming gradient)
// Bindings (group 0):
//   0 y  storage read       array<vec4f> [rows * ld / 4] (not read in MODE 2)
//   1 g  storage read       array<vec4f> [rows * ld / 4]
//   2 gx storage read_write array<vec4f> [rows * ld / 4]
//   3 u  uniform            Uniforms {rows, cols, ld}
// Workgroup: WG = 256 (override); one invocation per vec4 of the matrix (cols % 4 == 0)
//   Dispatch: ceil(rows*cols/4/WG) over x, folded into y past 65535
// Numerics: f32, as PyTorch's relu/tanh backward and F.hardtanh; exact up to rounding (atol 1e-6)
// Reference: src/reference/bae_activation_backward.ts

override WG: u32 = 256u;
override MODE: u32 = 0u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
}

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> g: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let nb = u.cols / 4u;
  if (t >= u.rows * nb) { return; }
  let i = t / nb;
  let k = i * (u.ld / 4u) + (t - i * nb);
  let gv = g[k];
  if (MODE == 2u) {
    gx[k] = clamp(gv, vec4f(-1.0), vec4f(1.0));
    return;
  }
  let yv = y[k];
  if (MODE == 0u) {
    gx[k] = select(vec4f(0.0), gv, yv > vec4f(0.0));
  } else {
    gx[k] = gv * (1.0 - yv * yv);
  }
}
