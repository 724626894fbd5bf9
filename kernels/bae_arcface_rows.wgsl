// bae_arcface_rows: ArcFace cross-entropy per sample (pytorch-metric-learning ArcFaceLoss) and its gradient.
//   cos = normalised b times normalised class weights; y = label; c = clamp(cos[i,y], -1, 1)
//   t = cos(acos(c) + m) = c cos(m) - sqrt(1 - c^2) sin(m)  if acos(c) <= pi - m (c >= -cos(m)),
//   t = c - m sin(m) otherwise  (m in radians; cos m, sin m, m sin m come from the CPU in f64, and
//   the acos-free form avoids WGSL's loosely specified acos)
//   logits[c] = s * cos[i,c] (c != y), s * t (c = y);  ce = logsumexp(logits) - logits[y]
//   rowLoss[i] = weight[i] * ce     (the loss is the mean over the batch)
//   GRAD 1: g[i,c] = gscale * weight[i] * s * (softmax[c] - [c = y]) * (c = y ? dt/dcos : 1),
//   dt/dcos = cos(m) + sin(m) c / max(sqrt(1 - c^2), 1e-7) on the first branch, 1 on the second
//   (gscale = loss weight / batch)
// Bindings (group 0):
//   0 cosine  storage read       array<f32> [rows * ld]
//   1 labels  storage read       array<u32> [rows]
//   2 weights storage read       array<f32> [rows]
//   3 rowLoss storage read_write array<f32> [rows]
//   4 g       storage read_write array<f32> [rows * ld] (not written when GRAD = 0)
//   5 u       uniform            Uniforms {rows, classes, ld, cosM, sinM, mSinM, scale, gscale}
// Workgroup: WG = 64 (override); one invocation per sample, three passes over the classes
//   Dispatch: ceil(rows/WG) over x, folded into y past 65535
// Numerics: f32 log-sum-exp with the row maximum subtracted and the non-target mass kept apart
//   (no 1 - p cancellation for confident rows, where PyTorch's f32 loses digits); parity atol 1e-4
//   rtol 1e-4 for |cos| < 0.999; the acos derivative is capped at |cos| -> 1 where PyTorch's is infinite
// Reference: src/reference/bae_arcface_rows.ts

override WG: u32 = 64u;
override GRAD: u32 = 1u;

struct Uniforms {
  rows: u32,
  classes: u32,
  ld: u32,
  cosM: f32,
  sinM: f32,
  mSinM: f32,
  scale: f32,
  gscale: f32,
}

@group(0) @binding(0) var<storage, read> cosine: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(4) var<storage, read_write> g: array<f32>;
@group(0) @binding(5) var<uniform> u: Uniforms;

// log(1 + x) for x >= 0 without losing small x (WGSL has no log1p).
fn log1p(x: f32) -> f32 {
  if (x < 1e-3) { return x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))); }
  return log(1.0 + x);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= u.rows) { return; }
  let row = i * u.ld;
  let y = labels[i];
  let cy = clamp(cosine[row + y], -1.0, 1.0);
  var t = cy - u.mSinM;
  var dt = 1.0;
  if (cy >= -u.cosM) {
    let sinTheta = sqrt(max(1.0 - cy * cy, 0.0));
    t = cy * u.cosM - sinTheta * u.sinM;
    dt = u.cosM + u.sinM * cy / max(sinTheta, 1e-7);
  }
  let ly = u.scale * t;
  var mx = ly;
  for (var c = 0u; c < u.classes; c++) {
    if (c != y) { mx = max(mx, u.scale * cosine[row + c]); }
  }
  // The other classes' mass is summed apart from the target's, so confident rows keep
  // softmax_y - 1 = -other / total and the cross-entropy log1p(other) without cancellation.
  var other = 0.0;
  for (var c = 0u; c < u.classes; c++) {
    if (c != y) { other += exp(u.scale * cosine[row + c] - mx); }
  }
  let ey = exp(ly - mx);
  let total = ey + other;
  var ce = mx - ly + log(total);
  if (ly == mx) { ce = log1p(other); }
  let lse = mx + log(total);
  let w = weights[i];
  rowLoss[i] = w * ce;
  if (GRAD == 1u) {
    let k = u.gscale * w * u.scale;
    for (var c = 0u; c < u.classes; c++) {
      if (c == y) {
        g[row + c] = -k * (other / total) * dt;
      } else {
        g[row + c] = k * exp(u.scale * cosine[row + c] - lse);
      }
    }
  }
}
