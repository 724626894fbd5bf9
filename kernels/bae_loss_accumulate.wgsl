// bae_loss_accumulate: the weighted total of one batch's losses, added to running sums.
//   total = sum_{k < count} weight_k * batch[k];  batch[count] = total
//   sums[0] += total;  sums[k + 1] += batch[k]   (epoch means are sums / batches)
// Bindings (group 0):
//   0 batch storage read_write array<f32> [count + 1]
//   1 sums  storage read_write array<f32> [count + 1]
//   2 u     uniform            Uniforms {count, w0, w1, w2, w3}
// Workgroup: WG = 1 (override); a single invocation (dispatch 1); at most 4 losses
// Numerics: f32, losses added in order k = 0..count-1
// Reference: src/reference/bae_loss_accumulate.ts

override WG: u32 = 1u;

struct Uniforms {
  count: u32,
  w0: f32,
  w1: f32,
  w2: f32,
  w3: f32,
}

@group(0) @binding(0) var<storage, read_write> batch: array<f32>;
@group(0) @binding(1) var<storage, read_write> sums: array<f32>;
@group(0) @binding(2) var<uniform> u: Uniforms;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  if (wid.x + wid.y * nwg.x != 0u || lid != 0u) { return; }
  let w = array<f32, 4>(u.w0, u.w1, u.w2, u.w3);
  var total = 0.0;
  for (var k = 0u; k < min(u.count, 4u); k++) {
    total += w[k] * batch[k];
    sums[k + 1u] += batch[k];
  }
  batch[u.count] = total;
  sums[0] += total;
}
