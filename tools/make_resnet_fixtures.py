#!/usr/bin/python3
"""Writes the ResNet embedding fixtures under tests/testdata/resnet/.

Run with Debian's interpreter (it has torch and onnx):

    /usr/bin/python3 tools/make_resnet_fixtures.py

bench/resnet_bench.ts also calls it as a peer (nothing under tests/ changes):

    /usr/bin/python3 tools/make_resnet_fixtures.py --bench-onnx OUT.onnx
        exports the hash-weighted full-width ResNet34 (m = 32, embed 256) to ONNX
    /usr/bin/python3 tools/make_resnet_fixtures.py --time-torch FRAMES
        prints JSON {"seconds": ...}: PyTorch CPU time per utterance (best of 5)

What it writes (all small):
  small/config.yaml, small/avg_model.pt  a WeSpeaker-format ResNet34 directory with
                                         width m = 4, random weights and random
                                         BatchNorm statistics; the state_dict stores
                                         num_batches_tracked as float32 and carries an
                                         extra projection.weight, like real checkpoints
  small/model.onnx                       the same model exported as WeSpeaker does
                                         (opset 14, input feats [B,T,80], output embs)
  small/expected.json                    PyTorch embeddings of hash-generated features
  hashed.json                            embeddings of models whose weights come from a
                                         hash of (tensor name, index) that the tests
                                         rebuild in TypeScript, so no weights are
                                         committed: full-width ResNet34 (m = 32), a
                                         Bottleneck ResNet50 (m = 4) and a ResNet18
                                         with two embedding layers
  unsupported_op.onnx                    a graph with an operator the loader rejects

The network below follows WeSpeaker's ResNet (wespeaker/models/resnet.py): features
[B,T,F] become an image [B,1,F,T]; conv3x3 stem; four stages of BasicBlocks or
Bottlenecks (expansion 4), the first block of stages 2-4 with stride 2 and a 1x1
conv + BatchNorm shortcut (also whenever the channel count changes); TSTP pooling
(mean and sqrt(unbiased var + 1e-7) over time, flattened channel*F' + f); seg_1.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "testdata", "resnet")

BLOCKS = {
    "ResNet18": ("basic", [2, 2, 2, 2]),
    "ResNet34": ("basic", [3, 4, 6, 3]),
    "ResNet50": ("bottleneck", [3, 4, 6, 3]),
    "ResNet101": ("bottleneck", [3, 4, 23, 3]),
    "ResNet152": ("bottleneck", [3, 8, 36, 3]),
    "ResNet221": ("bottleneck", [6, 16, 48, 3]),
    "ResNet293": ("bottleneck", [10, 20, 64, 3]),
}


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        out = planes * 4
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + self.shortcut(x))


class Tstp(nn.Module):
    def forward(self, x):
        mean = x.mean(dim=-1)
        std = torch.sqrt(torch.var(x, dim=-1) + 1e-7)
        return torch.cat((mean.flatten(start_dim=1), std.flatten(start_dim=1)), 1)


class ResNet(nn.Module):
    def __init__(self, name, m, feat_dim=80, embed_dim=256, two_emb_layer=False):
        super().__init__()
        kind, counts = BLOCKS[name]
        block = Basic if kind == "basic" else Bottleneck
        self.conv1 = nn.Conv2d(1, m, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(m)
        cin = m
        for i, (n, stride) in enumerate(zip(counts, [1, 2, 2, 2])):
            layers = []
            for j in range(n):
                layers.append(block(cin, m * 2 ** i, stride if j == 0 else 1))
                cin = m * 2 ** i * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))
        self.pool = Tstp()
        stats = 2 * cin * ((feat_dim + 7) // 8)
        self.seg_1 = nn.Linear(stats, embed_dim)
        self.two_emb_layer = two_emb_layer
        if two_emb_layer:
            self.seg_bn_1 = nn.BatchNorm1d(embed_dim, affine=False)
            self.seg_2 = nn.Linear(embed_dim, embed_dim)

    def forward(self, feats):
        x = feats.permute(0, 2, 1).unsqueeze(1)
        x = F.relu(self.bn1(self.conv1(x)))
        for i in range(1, 5):
            x = getattr(self, f"layer{i}")(x)
        e = self.seg_1(self.pool(x))
        if self.two_emb_layer:
            e = self.seg_2(self.seg_bn_1(F.relu(e)))
        return e


# --- reproducible hash-based values (mirrored by tests/embeddings/_hash_values.ts) ---

M32 = 0xFFFFFFFF


def fnv1a(text):
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & M32
    return h


def hash_uniform(seed, n):
    """n values in [0, 1): a stateless 32-bit hash of (seed, index), exact in float32."""
    i = np.arange(n, dtype=np.uint64)
    h = ((seed * 0x9E3779B1 + i * 0x85EBCA77) & M32).astype(np.uint64)
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & M32
    h ^= h >> 12
    h = (h * 0x297A2D39) & M32
    h ^= h >> 15
    return ((h >> 8).astype(np.float64) / 16777216.0).astype(np.float32)


def hash_signed(key, n):
    return hash_uniform(fnv1a(key), n) * np.float32(2) - np.float32(1)


def hashed_value(key, shape):
    """The value the tests rebuild for state_dict entry `key` (see _hash_values.ts)."""
    n = int(np.prod(shape)) if len(shape) else 1
    s = hash_signed(key, n)
    leaf = key.rsplit(".", 1)[-1]
    if leaf == "running_var":
        v = np.float32(0.5) + np.float32(0.5) * (s + np.float32(1))
    elif leaf == "weight" and len(shape) == 1:  # BatchNorm gamma
        v = np.float32(0.6) + np.float32(0.2) * s
    elif leaf in ("bias", "running_mean"):
        v = np.float32(0.1) * s
    elif leaf == "num_batches_tracked":
        v = np.zeros(n, np.float32)
    else:  # conv / linear weights: uniform with variance 2 / fan_in
        fan_in = n // shape[0]
        v = s * np.float32(np.sqrt(6.0 / fan_in))
    return torch.from_numpy(np.ascontiguousarray(v.reshape(shape)))


def hashed_features(seed, frames, feat_dim=80):
    return torch.from_numpy(hash_signed(f"features/{seed}/{frames}", frames * feat_dim)
                            .reshape(1, frames, feat_dim) * np.float32(3))


def hashed_model(name, m, embed_dim=256, two_emb_layer=False):
    model = ResNet(name, m, embed_dim=embed_dim, two_emb_layer=two_emb_layer)
    sd = model.state_dict()
    model.load_state_dict({k: hashed_value(k, tuple(v.shape)) for k, v in sd.items()})
    return model.eval()


def randomize_bn(model, gen):
    for mod in model.modules():
        if isinstance(mod, (nn.BatchNorm2d, nn.BatchNorm1d)):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
            mod.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            if mod.affine:
                mod.weight.data.copy_(torch.rand(n, generator=gen) * 0.5 + 0.5)
                mod.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)
            mod.num_batches_tracked.fill_(12345)


def embed(model, feats):
    with torch.no_grad():
        return model(feats)[0].double().tolist()


CONFIG = """# A WeSpeaker training config (abridged); the loader reads model and model_args.
exp_dir: exp/test-ResNet34-m4
seed: 42
num_epochs: 1
dataset_args:
  num_frms: 200
  fbank_args:
    num_mel_bins: 80
    frame_shift: 10
    frame_length: 25
    dither: 1.0
model: ResNet34
model_init: null
model_args:
  feat_dim: 80
  embed_dim: {embed}
  pooling_func: "TSTP"
  two_emb_layer: False
projection_args:
  project_type: "arc_margin"
  scale: 32.0
  easy_margin: False
"""


def write_small():
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(99)
    embed_dim = 32
    model = ResNet("ResNet34", 4, embed_dim=embed_dim)
    randomize_bn(model, gen)
    model.eval()
    d = os.path.join(OUT, "small")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.yaml"), "w") as f:
        f.write(CONFIG.replace("{embed}", str(embed_dim)))
    sd = model.state_dict()
    out = {}
    for k, v in sd.items():
        # Checkpoint averaging divides every entry, so real files hold float32 counters.
        out[k] = v.float() if k.endswith("num_batches_tracked") else v
    out["projection.weight"] = torch.randn(10, embed_dim, generator=gen)
    torch.save(out, os.path.join(d, "avg_model.pt"))
    torch.onnx.export(model, torch.ones(1, 200, 80), os.path.join(d, "model.onnx"),
                      do_constant_folding=True, opset_version=14, input_names=["feats"],
                      output_names=["embs"],
                      dynamic_axes={"feats": {0: "B", 1: "T"}, "embs": {0: "B"}})
    lengths = [50, 98, 301, 1000]
    result = {"featureSeed": 7, "embedDim": embed_dim, "cases": []}
    for t in lengths:
        feats = hashed_features(7, t)
        result["cases"].append({"frames": t, "embedding": embed(model, feats)})
    # A 10-minute utterance (60000 frames) for the opt-in long-input test.
    result["long"] = {"frames": 60000, "embedding": embed(model, hashed_features(7, 60000))}
    # A batch of equal-length utterances, to check batching changes nothing.
    batch = torch.cat([hashed_features(7, 98), hashed_features(8, 98)], 0)
    with torch.no_grad():
        result["batch98"] = model(batch).double().tolist()
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(result, f)


def write_hashed():
    specs = [
        {"name": "ResNet34", "m": 32, "embedDim": 256, "twoEmbLayer": False, "frames": [200]},
        {"name": "ResNet50", "m": 4, "embedDim": 64, "twoEmbLayer": False, "frames": [123]},
        {"name": "ResNet18", "m": 8, "embedDim": 128, "twoEmbLayer": True, "frames": [77]},
    ]
    for s in specs:
        model = hashed_model(s["name"], s["m"], s["embedDim"], s["twoEmbLayer"])
        s["featureSeed"] = 11
        s["embeddings"] = [embed(model, hashed_features(11, t)) for t in s["frames"]]
        s["checksums"] = {k: float(v.double().sum()) for k, v in list(model.state_dict().items())[:3]}
    with open(os.path.join(OUT, "hashed.json"), "w") as f:
        json.dump({"models": specs}, f)


def write_unsupported():
    import onnx
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("feats", TensorProto.FLOAT, ["B", "T", 80])
    y = helper.make_tensor_value_info("embs", TensorProto.FLOAT, ["B", "T", 80])
    node = helper.make_node("Softmax", ["feats"], ["embs"], name="mystery_softmax", axis=2)
    graph = helper.make_graph([node], "unsupported", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.save(model, os.path.join(OUT, "unsupported_op.onnx"))


def export_bench_onnx(path):
    model = hashed_model("ResNet34", 32)
    torch.onnx.export(model, torch.ones(1, 200, 80), path, do_constant_folding=True,
                      opset_version=14, input_names=["feats"], output_names=["embs"],
                      dynamic_axes={"feats": {0: "B", 1: "T"}, "embs": {0: "B"}})


def time_torch(frames):
    import time
    model = hashed_model("ResNet34", 32)
    feats = hashed_features(1, frames)
    best = float("inf")
    with torch.no_grad():
        model(feats)
        for _ in range(5):
            t0 = time.perf_counter()
            model(feats)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"seconds": best, "threads": torch.get_num_threads()}))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bench-onnx":
        export_bench_onnx(sys.argv[2])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--time-torch":
        time_torch(int(sys.argv[2]))
        return
    os.makedirs(OUT, exist_ok=True)
    write_small()
    write_hashed()
    write_unsupported()
    total = 0
    for root, _, files in os.walk(OUT):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
