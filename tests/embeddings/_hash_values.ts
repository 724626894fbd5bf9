/**
 * The reproducible hash-based values of tools/make_resnet_fixtures.py
 * (hash_uniform, hashed_value, hashed_features), rebuilt bit for bit so the
 * large test models need no committed weights.
 * @module
 */
import type { HostTensor } from "../../src/io/host_tensor.ts";
import { RESNET_ARCHITECTURES } from "../../src/embeddings/resnet_state_dict.ts";

/** FNV-1a of a string's UTF-8 bytes. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** n values in [0, 1): a stateless hash of (seed, index), exact in float32. */
export function hashUniform(seed: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const a = Math.imul(seed >>> 0, 0x9e3779b1) >>> 0;
  for (let i = 0; i < n; i++) {
    let h = (a + Math.imul(i, 0x85ebca77)) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39) >>> 0;
    h ^= h >>> 15;
    out[i] = (h >>> 8) / 16777216;
  }
  return out;
}

/** Uniform in [-1, 1) for a key. */
export function hashSigned(key: string, n: number): Float32Array {
  const u = hashUniform(fnv1a(key), n);
  for (let i = 0; i < n; i++) u[i] = Math.fround(Math.fround(u[i] * 2) - 1);
  return u;
}

/** The state_dict value the fixture script gives `key`. */
export function hashedValue(key: string, shape: number[]): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const s = hashSigned(key, n);
  const leaf = key.slice(key.lastIndexOf(".") + 1);
  const f = Math.fround;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (leaf === "running_var") v[i] = f(0.5 + f(f(0.5) * f(s[i] + 1)));
    else if (leaf === "weight" && shape.length === 1) v[i] = f(f(0.6) + f(f(0.2) * s[i]));
    else if (leaf === "bias" || leaf === "running_mean") v[i] = f(f(0.1) * s[i]);
    else if (leaf === "num_batches_tracked") v[i] = 0;
    else v[i] = f(s[i] * f(Math.sqrt(6 / (n / shape[0]))));
  }
  return { dtype: "float32", shape, data: v };
}

/** Features [frames, 80] of the fixture script's hashed_features(seed, frames). */
export function hashedFeatures(seed: number, frames: number, featDim = 80): Float32Array {
  const s = hashSigned(`features/${seed}/${frames}`, frames * featDim);
  for (let i = 0; i < s.length; i++) s[i] = Math.fround(s[i] * 3);
  return s;
}

/** The state_dict of a hashed model (keys and shapes as PyTorch names them). */
export function hashedStateDict(
  name: string,
  m: number,
  embedDim: number,
  twoEmbLayer: boolean,
  featDim = 80,
): Map<string, HostTensor> {
  const arch = RESNET_ARCHITECTURES[name];
  const sd = new Map<string, HostTensor>();
  const bn = (p: string, c: number) => {
    for (const leaf of ["weight", "bias", "running_mean", "running_var"]) {
      sd.set(`${p}.${leaf}`, hashedValue(`${p}.${leaf}`, [c]));
    }
    sd.set(`${p}.num_batches_tracked`, hashedValue(`${p}.num_batches_tracked`, []));
  };
  const conv = (p: string, cout: number, cin: number, k: number) =>
    sd.set(`${p}.weight`, hashedValue(`${p}.weight`, [cout, cin, k, k]));
  conv("conv1", m, 1, 3);
  bn("bn1", m);
  const exp = arch.block === "basic" ? 1 : 4;
  let cin = m;
  arch.counts.forEach((count, stage) => {
    const planes = m * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const p = `layer${stage + 1}.${b}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const cout = planes * exp;
      if (arch.block === "basic") {
        conv(`${p}.conv1`, planes, cin, 3);
        bn(`${p}.bn1`, planes);
        conv(`${p}.conv2`, planes, planes, 3);
        bn(`${p}.bn2`, planes);
      } else {
        conv(`${p}.conv1`, planes, cin, 1);
        bn(`${p}.bn1`, planes);
        conv(`${p}.conv2`, planes, planes, 3);
        bn(`${p}.bn2`, planes);
        conv(`${p}.conv3`, cout, planes, 1);
        bn(`${p}.bn3`, cout);
      }
      if (stride !== 1 || cin !== cout) {
        conv(`${p}.shortcut.0`, cout, cin, 1);
        bn(`${p}.shortcut.1`, cout);
      }
      cin = cout;
    }
  });
  const stats = 2 * cin * Math.ceil(featDim / 8);
  sd.set("seg_1.weight", hashedValue("seg_1.weight", [embedDim, stats]));
  sd.set("seg_1.bias", hashedValue("seg_1.bias", [embedDim]));
  if (twoEmbLayer) {
    sd.set("seg_bn_1.running_mean", hashedValue("seg_bn_1.running_mean", [embedDim]));
    sd.set("seg_bn_1.running_var", hashedValue("seg_bn_1.running_var", [embedDim]));
    sd.set("seg_bn_1.num_batches_tracked", hashedValue("seg_bn_1.num_batches_tracked", []));
    sd.set("seg_2.weight", hashedValue("seg_2.weight", [embedDim, embedDim]));
    sd.set("seg_2.bias", hashedValue("seg_2.bias", [embedDim]));
  }
  return sd;
}
