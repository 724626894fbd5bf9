// bae_l2_normalize_backward: gradient through bae_l2_normalize (rows, AXIS 0, or columns, AXIS 1).
//   gh_v = c[v] * xhat_v + s * p_v            (the gradient w.r.t. xhat_v; c is read when COEF = 1)
//   gx_v = (gh_v - xhat_v * dot(xhat_v, gh_v)) / norm_v   if norm_v > 1e-12
//   gx_v = gh_v / 1e-12                                  otherwise (clamp_min cuts the norm's path)
//   out_v = (ACCUMULATE ? out_v : 0) + scale * gx_v
// Bindings (group 0):
//   0 xhat  storage read       array<vec4f> [rows * ld / 4]
//   1 norms storage read       array<f32>   [vectors]
//   2 p     storage read       array<vec4f> [rows * ld / 4]
//   3 coef  storage read       array<f32>   [vectors] (read when COEF = 1)
//   4 out   storage read_write array<vec4f> [rows * ld / 4]
//   5 u     uniform            Uniforms {rows, cols, ld, s, scale}
// Workgroup: WG = 64 (override). AXIS 0: one invocation per row; AXIS 1: one per vec4 of columns.
//   Lanes past cols read as 0 and out's are left as they are (written 0 when not accumulating).
//   Dispatch: ceil(rows/WG) or ceil(ceil(cols/4)/WG) over x, folded into y past 65535
// Numerics: f32, dot product in order; parity atol 1e-5 rtol 1e-4 against a float64 reference,
//   and the float64 reference against finite differences
// Reference: src/reference/bae_l2_normalize_backward.ts

override WG: u32 = 64u;
override AXIS: u32 = 0u;
override COEF: u32 = 0u;
override ACCUMULATE: u32 = 0u;

struct Uniforms {
  rows: u32,
  cols: u32,
  ld: u32,
  s: f32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> xhat: array<vec4f>;
@group(0) @binding(1) var<storage, read> norms: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<vec4f>;
@group(0) @binding(3) var<storage, read> coef: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> u: Uniforms;

const EPS = 1e-12;

fn live(jb: u32) -> vec4<bool> {
  let j0 = 4u * jb;
  return vec4<bool>(j0 < u.cols, j0 + 1u < u.cols, j0 + 2u < u.cols, j0 + 3u < u.cols);
}

// The vec4 at column block jb with its lanes past cols set to 0.
fn lanes(v: vec4f, jb: u32) -> vec4f { return select(vec4f(0.0), v, live(jb)); }

fn put(k: u32, jb: u32, v: vec4f) {
  if (ACCUMULATE == 1u) {
    out[k] = select(out[k], out[k] + u.scale * v, live(jb));
  } else {
    out[k] = lanes(u.scale * v, jb);
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  let ld4 = u.ld / 4u;
  let nb = (u.cols + 3u) / 4u;
  if (AXIS == 0u) {
    if (t >= u.rows) { return; }
    var c = 0.0;
    if (COEF == 1u) { c = coef[t]; }
    var dv = vec4f(0.0);
    for (var jb = 0u; jb < nb; jb++) {
      let k = t * ld4 + jb;
      let xh = lanes(xhat[k], jb);
      dv += xh * (c * xh + u.s * lanes(p[k], jb));
    }
    let dt = dv.x + dv.y + dv.z + dv.w;
    let n = norms[t];
    for (var jb = 0u; jb < nb; jb++) {
      let k = t * ld4 + jb;
      let xh = lanes(xhat[k], jb);
      let gh = c * xh + u.s * lanes(p[k], jb);
      if (n > EPS) { put(k, jb, (gh - xh * dt) / n); } else { put(k, jb, gh / EPS); }
    }
  } else {
    if (t >= nb) { return; }
    let last = u.cols - 1u;
    var c = vec4f(0.0);
    if (COEF == 1u) {
      c = lanes(vec4f(coef[4u * t], coef[min(4u * t + 1u, last)], coef[min(4u * t + 2u, last)],
                      coef[min(4u * t + 3u, last)]), t);
    }
    var dt = vec4f(0.0);
    for (var i = 0u; i < u.rows; i++) {
      let k = i * ld4 + t;
      let xh = lanes(xhat[k], t);
      dt += xh * (c * xh + u.s * lanes(p[k], t));
    }
    let n = vec4f(norms[4u * t], norms[min(4u * t + 1u, last)], norms[min(4u * t + 2u, last)],
                  norms[min(4u * t + 3u, last)]);
    let big = n > vec4f(EPS);
    for (var i = 0u; i < u.rows; i++) {
      let k = i * ld4 + t;
      let xh = lanes(xhat[k], t);
      let gh = c * xh + u.s * lanes(p[k], t);
      put(k, t, select(gh / EPS, (gh - xh * dt) / n, big));
    }
  }
}
