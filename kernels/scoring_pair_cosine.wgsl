// scoring_pair_cosine: cosine similarity of pairs of rows of an embedding matrix (raw-embedding baseline).
//   out[t] = dot(x[a_t], x[b_t]) / max(|x[a_t]| * |x[b_t]|, eps)   with (a_t, b_t) = pairs[2t], pairs[2t+1]
// Bindings (group 0):
//   0 x     storage read       array<vec4f> [rows, dim / 4]
//   1 pairs storage read       array<u32> [n_pairs, 2]
//   2 out   storage read_write array<f32> [n_pairs]
//   3 u     uniform            Uniforms {n_pairs, dim4, eps}
// Workgroup: WG = 64 (override)   Dispatch: ceil(n_pairs / WG) over x, folded into y past 65535
// Numerics: f32 dot products over dim (a multiple of 4, at most 4 * 60000 so the loop stays
//   inside llvmpipe's 65535-iteration budget); torch.nn.functional.cosine_similarity's
//   formula; parity atol 1e-6 rtol 1e-5 against float64
// Reference: src/reference/scoring_pair_cosine.ts

override WG: u32 = 64u;

struct Uniforms {
  n_pairs: u32,
  dim4: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> pairs: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x) * WG + lid;
  if (t >= u.n_pairs) { return; }
  let a = pairs[2u * t] * u.dim4;
  let b = pairs[2u * t + 1u] * u.dim4;
  var ab = vec4f(0.0);
  var aa = vec4f(0.0);
  var bb = vec4f(0.0);
  for (var k = 0u; k < u.dim4; k++) {
    let va = x[a + k];
    let vb = x[b + k];
    ab += va * vb;
    aa += va * va;
    bb += vb * vb;
  }
  let dot_ab = ab.x + ab.y + ab.z + ab.w;
  let norms = sqrt(aa.x + aa.y + aa.z + aa.w) * sqrt(bb.x + bb.y + bb.z + bb.w);
  out[t] = dot_ab / max(norms, u.eps);
}
