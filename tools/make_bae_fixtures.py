#!/usr/bin/python3
"""Dev-time generator of the BAE fixtures in tests/testdata/bae/ (PyTorch 1.13, Debian's python3-torch).

    /usr/bin/python3 tools/make_bae_fixtures.py            # writes the fixtures
    /usr/bin/python3 tools/make_bae_fixtures.py --pml DIR  # also cross-checks pytorch-metric-learning
    /usr/bin/python3 tools/make_bae_fixtures.py --read-events FILE  # dumps a TensorBoard event file

Fixtures (all torch.save zips of plain dicts of tensors, read by src/io/torch_checkpoint.ts):
  bae_mse_forward.pt   300 embeddings (float16-exact values stored as float16) through
                       ../shared/models/BAE/BAE_mse.pt in eval mode: "input" [300, 256], "z" [300, 512].
  bae_train_init.pt    a small BAE (input 24, internal 40), a batch of 16 = 4 speakers x 4 with ArcFace
                       labels among 7 classes, the ArcFace class matrix [40, 7] and the sparsity target.
  bae_train_<case>.pt  one training step from bae_train_init.pt with the losses of <case> (mse, triplet,
                       sparsity, arcface, mse_triplet, all): the losses, every updated tensor (after
                       torch.optim.Adam, lr 1e-3) and the gradients, under "loss.*", "after.*", "grad.*".

The BAE, the straight-through estimator and the losses follow the balr reference (balr 2.0.0). The
triplet and ArcFace losses are written here in plain torch with pytorch-metric-learning's semantics
(TripletMarginMiner + TripletMarginLoss(margin 0.05, AvgNonZeroReducer), ArcFaceLoss(28.6 deg, 64) with
convert_to_weights); with --pml DIR (a folder holding the pytorch_metric_learning package) the script
checks them against the library itself. The sparsity loss is upstream's formula made differentiable
(upstream computes it through numpy, so it has no gradient): a documented divergence.
"""
import argparse
import math
import os
import struct
import sys
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(REPO, "tests", "testdata", "bae")
BAE_CKPT = os.path.join(REPO, "..", "shared", "models", "BAE", "BAE_mse.pt")


class STEFunction(torch.autograd.Function):
    """b = (Z > 0); backward passes hardtanh(grad), as balr's STEFunction."""

    @staticmethod
    def forward(ctx, x):
        return (x > 0).float()

    @staticmethod
    def backward(ctx, g):
        return F.hardtanh(g)


class AutoEncoder(nn.Module):
    def __init__(self, input_dim=256, internal_dim=512):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(input_dim, internal_dim), nn.ReLU(), nn.BatchNorm1d(internal_dim),
            nn.Linear(internal_dim, internal_dim), nn.Tanh())
        self.decoder = nn.Sequential(
            nn.Linear(internal_dim, internal_dim), nn.Tanh(), nn.Linear(internal_dim, input_dim))

    def forward(self, x):
        z = self.encoder(x)
        b = STEFunction.apply(z)
        return self.decoder(b), b, z


# ---------------------------------------------------------------- losses (pml semantics, plain torch)

def distance_matrix(x):
    """LpDistance(normalize_embeddings=True, p=2): cdist of L2-normalised rows."""
    xn = F.normalize(x, p=2, dim=1)
    return torch.cdist(xn, xn, p=2)


def mine_triplets(x, labels, margin, kind):
    """TripletMarginMiner: all (a, p, n), kept by triplet_margin = d(a,n) - d(a,p)."""
    with torch.no_grad():
        same = labels[:, None] == labels[None, :]
        diff = ~same
        same = same.clone()
        same.fill_diagonal_(False)
        a, p, n = torch.where(same[:, :, None] & diff[:, None, :])
        mat = distance_matrix(x)
        tm = mat[a, n] - mat[a, p]
        if kind == "easy":
            keep = tm > margin
        else:
            keep = tm <= margin
            if kind == "hard":
                keep &= tm <= 0
            elif kind == "semihard":
                keep &= tm > 0
        return a[keep], p[keep], n[keep]


def triplet_loss(b, labels, margin, kind):
    a, p, n = mine_triplets(b, labels, margin, kind)
    if len(a) == 0:
        return torch.sum(b * 0)
    mat = distance_matrix(b)
    losses = F.relu(mat[a, p] - mat[a, n] + 0.05)
    nz = losses[losses > 0]
    return nz.mean() if len(nz) else torch.sum(b * 0)


def miner_weights(triplets, n):
    w = torch.zeros(n)
    if all(len(t) == 0 for t in triplets):
        return w + 1
    idx, counts = torch.unique(torch.cat(triplets), return_counts=True)
    w[idx] = counts.float() / counts.max()
    return w


def arcface_loss(b, labels, W, margin, kind, margin_deg=28.6, scale=64.0):
    triplets = mine_triplets(b, labels, margin, kind)
    weights = miner_weights(triplets, len(labels))
    cos = torch.matmul(F.normalize(b, p=2, dim=1), F.normalize(W.t(), p=2, dim=1).t())
    m = math.radians(margin_deg)
    c = cos[torch.arange(len(labels)), labels]
    angles = torch.acos(torch.clamp(c, -1, 1))
    modified = torch.where(angles <= math.pi - m, torch.cos(angles + m), torch.cos(angles) - m * math.sin(m))
    mask = F.one_hot(labels, cos.shape[1]).float()
    logits = (cos + mask * (modified - c)[:, None]) * scale
    return (F.cross_entropy(logits, labels, reduction="none") * weights).mean()


def sparsity_loss(z, labels, target, m):
    sums = []
    for s in labels.unique():
        idx = torch.where(labels == s)[0]
        assert len(idx) % m == 0
        for k in range(len(idx) // m):
            sums.append(z[idx[k * m:(k + 1) * m]].sum(0))
    s = torch.stack(sums)
    return (s - target).clamp(0, 1).pow(2).sum() / len(sums)


# ---------------------------------------------------------------- pml cross-check

def load_pml(path):
    sys.path.insert(0, path)
    for name in ("scipy", "scipy.stats", "scipy.special"):
        if name not in sys.modules:
            try:
                __import__(name)
            except ImportError:  # pml imports scipy only for helpers the losses do not use
                sys.modules[name] = types.ModuleType(name)
    sys.modules["scipy"].stats = sys.modules["scipy.stats"]
    sys.modules["scipy"].special = sys.modules["scipy.special"]
    from pytorch_metric_learning import losses, miners
    return losses, miners


def check_against_pml(pml, b, labels, W):
    losses, miners = pml
    for kind in ("all", "hard", "semihard", "easy"):
        x1 = b.clone().requires_grad_(True)
        ref = losses.TripletMarginLoss()(x1, labels, miners.TripletMarginMiner(margin=0.3, type_of_triplets=kind)(x1, labels))
        ref.backward()
        x2 = b.clone().requires_grad_(True)
        ours = triplet_loss(x2, labels, 0.3, kind)
        ours.backward()
        assert torch.allclose(ref, ours, atol=1e-6), (kind, ref, ours)
        assert torch.allclose(x1.grad, x2.grad, atol=1e-6), kind
        x1 = b.clone().requires_grad_(True)
        arc = losses.ArcFaceLoss(num_classes=W.shape[1], embedding_size=W.shape[0])
        arc.W.data.copy_(W)
        ref = arc(x1, labels, miners.TripletMarginMiner(margin=0.3, type_of_triplets=kind)(x1, labels))
        ref.backward()
        x2 = b.clone().requires_grad_(True)
        W2 = W.clone().requires_grad_(True)
        ours = arcface_loss(x2, labels, W2, 0.3, kind)
        ours.backward()
        assert torch.allclose(ref, ours, rtol=1e-5, atol=1e-5), (kind, ref, ours)
        assert torch.allclose(x1.grad, x2.grad, rtol=1e-4, atol=1e-6), kind
        assert torch.allclose(arc.W.grad, W2.grad, rtol=1e-4, atol=1e-6), kind
    print("pytorch-metric-learning agrees with the plain-torch losses (all four triplet types)")


# ---------------------------------------------------------------- fixtures

def forward_fixture():
    torch.manual_seed(20240501)
    sd = torch.load(BAE_CKPT, map_location="cpu")
    model = AutoEncoder(256, 512)
    model.load_state_dict(sd, strict=True)
    model.eval()
    # Speaker-like structure at WeSpeaker's scale (norms ~ 15-25), plus some L2-normalised rows.
    speakers = torch.randn(30, 256) * 1.1
    rows = [speakers[i % 30] + 0.6 * torch.randn(256) for i in range(240)]
    rows += [F.normalize(torch.randn(256), dim=0) * s for s in torch.linspace(0.5, 3, 60)]
    x = torch.stack(rows).half().float()  # exactly representable in float16
    with torch.no_grad():
        _, _, z = model(x)
    torch.save({"input": x.half(), "z": z}, os.path.join(OUT, "bae_mse_forward.pt"))
    print(f"forward: {len(x)} rows, min |z| {z.abs().min():.3g}, norms {x.norm(dim=1).min():.3g}..{x.norm(dim=1).max():.3g}")


CASES = {
    "mse": {"mse": 1.0},
    "triplet": {"triplet": 1.0},
    "sparsity": {"sparsity": 1.0},
    "arcface": {"arcface": 1.0},
    "mse_triplet": {"mse": 1.0, "triplet": 1.0},
    "all": {"mse": 1.0, "triplet": 1.0, "sparsity": 1e-4, "arcface": 1e-3},
}
D, H, N, M, C = 24, 40, 4, 4, 7


def init_fixture():
    torch.manual_seed(7)
    model = AutoEncoder(D, H)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_in")
    with torch.no_grad():  # a BatchNorm that is not at its defaults
        model.encoder[2].weight.uniform_(0.5, 1.5)
        model.encoder[2].bias.uniform_(-0.2, 0.2)
        model.encoder[2].running_mean.uniform_(-0.1, 0.1)
        model.encoder[2].running_var.uniform_(0.8, 1.2)
    speakers = torch.randn(N, D) * 1.5
    x = torch.stack([speakers[i // M] + 0.7 * torch.randn(D) for i in range(N * M)])
    perm = torch.randperm(N * M)
    x = x[perm]
    labels = torch.tensor([0, 3, 5, 6])[perm // M]  # 4 speakers among 7 ArcFace classes
    W = torch.randn(H, C)
    target = torch.randint(0, M, (H,))
    init = {f"model.{k}": v.clone() for k, v in model.state_dict().items()}
    init.update({"input": x, "labels": labels, "arcface.W": W, "sparsity.target": target})
    torch.save(init, os.path.join(OUT, "bae_train_init.pt"))
    return init


def train_case(init, name, weights):
    model = AutoEncoder(D, H)
    model.load_state_dict({k[6:]: v for k, v in init.items() if k.startswith("model.")})
    model.train()
    W = nn.Parameter(init["arcface.W"].clone())
    params = list(model.parameters()) + ([W] if "arcface" in weights else [])
    opt = torch.optim.Adam(params, lr=1e-3)
    opt.zero_grad()
    x, labels = init["input"], init["labels"]
    recon, b, z = model(x)
    values = {}
    if "mse" in weights:
        values["mse"] = F.mse_loss(recon, x)
    if "triplet" in weights:
        values["triplet"] = triplet_loss(b, labels, 0.3, "all")
    if "sparsity" in weights:
        values["sparsity"] = sparsity_loss(z, labels, init["sparsity.target"].float(), M)
    if "arcface" in weights:
        values["arcface"] = arcface_loss(b, labels, W, 0.3, "all")
    total = sum(weights[k] * v for k, v in values.items())
    total.backward()
    out = {f"loss.{k}": v.detach().reshape(1) for k, v in values.items()}
    out["loss.total"] = total.detach().reshape(1)
    for k, p in model.named_parameters():
        if p.grad is not None:
            out[f"grad.{k}"] = p.grad.clone()
    if W.grad is not None:
        out["grad.arcface.W"] = W.grad.clone()
    opt.step()
    for k, v in model.state_dict().items():
        out[f"after.{k}"] = v.clone()
    out["after.arcface.W"] = W.detach().clone()
    torch.save(out, os.path.join(OUT, f"bae_train_{name}.pt"))
    print(f"{name}: " + ", ".join(f"{k} {v.item():.6g}" for k, v in values.items()))


# ---------------------------------------------------------------- TensorBoard event reader

def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_varint(b, i):
    shift = result = 0
    while True:
        v = b[i]
        i += 1
        result |= (v & 0x7F) << shift
        shift += 7
        if v < 0x80:
            return result, i


def parse_fields(b):
    i, fields = 0, []
    while i < len(b):
        key, i = read_varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = read_varint(b, i)
        elif wire == 1:
            v, i = b[i:i + 8], i + 8
        elif wire == 5:
            v, i = b[i:i + 4], i + 4
        elif wire == 2:
            n, i = read_varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError(f"wire type {wire}")
        fields.append((num, wire, v))
    return fields


def read_events(path):
    """Checks the TFRecord framing (masked CRC-32C) and prints each Event's scalars."""
    data = open(path, "rb").read()
    i = 0
    while i < len(data):
        header = data[i:i + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[i + 8:i + 12])[0] == masked_crc(header), "bad length crc"
        payload = data[i + 12:i + 12 + length]
        assert struct.unpack("<I", data[i + 12 + length:i + 16 + length])[0] == masked_crc(payload), "bad data crc"
        i += 16 + length
        ev = {num: v for num, _, v in parse_fields(payload)}
        wall = struct.unpack("<d", ev[1])[0]
        step = ev.get(2, 0)
        if 3 in ev:
            print(f"wall_time {wall:.3f} file_version {ev[3].decode()}")
        if 5 in ev:
            for num, _, value in parse_fields(ev[5]):
                v = {n: x for n, _, x in parse_fields(value)}
                print(f"step {step} {v[1].decode()} = {struct.unpack('<f', v[2])[0]:.6g}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pml", help="folder holding the pytorch_metric_learning package")
    ap.add_argument("--read-events", help="print the scalars of a TensorBoard event file")
    args = ap.parse_args()
    if args.read_events:
        read_events(args.read_events)
        return
    os.makedirs(OUT, exist_ok=True)
    forward_fixture()
    init = init_fixture()
    if args.pml:
        b = (torch.randn(16, H) > 0).float()
        check_against_pml(load_pml(args.pml), b, init["labels"], init["arcface.W"])
        check_against_pml(load_pml(args.pml), torch.randn(16, H), init["labels"], init["arcface.W"])
    for name, weights in CASES.items():
        train_case(init, name, weights)


if __name__ == "__main__":
    main()
