// bae_adam_step: one in-place Adam update of a flat f32 parameter vector (torch.optim.Adam, no weight decay).
//   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g;  p -= stepSize * m / (sqrt(v) / bc2Sqrt + eps)
//   stepSize = lr / (1 - b1^t), bc2Sqrt = sqrt(1 - b2^t): bias corrections computed on the CPU in f64
// Bindings (group 0):
//   0 params storage read_write array<vec4f> [ceil(n/4)]
//   1 grads  storage read       array<vec4f> [ceil(n/4)]
//   2 m      storage read_write array<vec4f> [ceil(n/4)]
//   3 v      storage read_write array<vec4f> [ceil(n/4)]
//   4 u      uniform            Uniforms {n, b1, b2, eps, stepSize, bc2Sqrt}
// Workgroup: WG = 256 (override)   Dispatch: ceil(ceil(n/4)/WG) over x, folded into y past 65535
// Numerics: f32 with PyTorch's operation order; parity atol 1e-7 rtol 1e-6 against a float64 reference
// Reference: src/reference/bae_adam_step.ts

override WG: u32 = 256u;

struct Uniforms {
  n: u32,
  b1: f32,
  b2: f32,
  eps: f32,
  stepSize: f32,
  bc2Sqrt: f32,
}

@group(0) @binding(0) var<storage, read_write> params: array<vec4f>;
@group(0) @binding(1) var<storage, read> grads: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> v: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid;
  if (i >= (u.n + 3u) / 4u) { return; }
  let g = grads[i];
  let mi = m[i] * u.b1 + g * (1.0 - u.b1);
  let vi = v[i] * u.b2 + (1.0 - u.b2) * g * g;
  // Lanes past n (the tail of the last vec4) keep their values.
  let live = vec4<bool>(4u * i < u.n, 4u * i + 1u < u.n, 4u * i + 2u < u.n, 4u * i + 3u < u.n);
  m[i] = select(m[i], mi, live);
  v[i] = select(v[i], vi, live);
  let denom = sqrt(vi) / u.bc2Sqrt + u.eps;
  params[i] = select(params[i], params[i] - u.stepSize * (mi / denom), live);
}
