#!/usr/bin/python3
"""Generates tests/testdata/frontend/ from torchaudio (dev-time only; tests never run Python).

Run from the repository root with Debian's Python (it has torch and torchaudio):

    /usr/bin/python3 tools/make_frontend_fixtures.py

What it stores (compactly; the audio itself is never copied):
  * resample.f32  torchaudio.transforms.Resample outputs (what upstream BA-LR uses): for each 24 kHz
                  VoxCeleb2 wav, the first and last 256 samples of the 16 kHz output plus every 61st
                  sample; and full outputs for synthetic signals at 44.1/48/8/22.05/32/11.025 kHz (inputs
                  are regenerated in the tests from the same formula, see synthetic_signal below).
  * fbank.f32     kaldi.fbank(waveform * 32768, 80 mel, 25/10 ms, hamming, dither 0, no energy) minus its
                  time mean (WeSpeaker's compute_fbank + apply_cmvn) for every wav in ../shared/data/voxceleb
                  (24 kHz files resampled first): a contiguous block of frames plus every 53rd frame, and the
                  raw (pre-CMN) column means. Each twice: the float32 pipeline users run, and the same
                  pipeline in float64 (resampling and fbank; torchaudio builds its mel bank in float32 either
                  way), the accuracy yardstick. Plus the first 40 frames under other option sets (float32).
  * tables.f32    torchaudio's own constant tables: the Resample kernels (24k, 48k, 8k -> 16 kHz whole; the
                  first and last phase rows for 44.1k and 22.05k), hamming/povey/hanning/blackman windows
                  of 400 samples, the 80-bin mel bank of a 512-point FFT.
  * manifest.json offsets into the blobs, shapes, options and the sha256 of each source wav.
"""
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "voxceleb"))
OUT = os.path.join(ROOT, "tests", "testdata", "frontend")

RESAMPLE_EDGE = 256
RESAMPLE_STRIDE = 61
FBANK_STRIDE = 53
FBANK_BLOCK = 16
OPTION_FRAMES = 40


class Blob:
    """An append-only float32 file; add() returns the element offset."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def add(self, values):
        a = np.ascontiguousarray(np.asarray(values, dtype=np.float32).reshape(-1))
        offset = self.size
        self.parts.append(a)
        self.size += a.size
        return offset

    def write(self, path):
        np.concatenate(self.parts).astype("<f4").tofile(path)


def lcg_noise(n, seed):
    """Uniform noise in [-1, 1) from a 32-bit LCG (exactly reproducible in TypeScript)."""
    out = np.empty(n, dtype=np.float64)
    s = seed & 0xFFFFFFFF
    for i in range(n):
        s = (1664525 * s + 1013904223) & 0xFFFFFFFF
        out[i] = s / 4294967296.0 * 2.0 - 1.0
    return out


def synthetic_signal(n, rate, seed):
    """0.4 sin(440 Hz) + 0.25 sin(0.45 rate, i.e. near Nyquist) + 0.1 LCG noise, rounded to float32."""
    t = np.arange(n, dtype=np.float64)
    x = 0.4 * np.sin(2 * math.pi * 440.0 * t / rate)
    x += 0.25 * np.sin(2 * math.pi * 0.45 * t + 0.3)
    x += 0.1 * lcg_noise(n, seed)
    return x.astype(np.float32)


def fbank(wave16, **kw):
    opts = dict(num_mel_bins=80, frame_length=25.0, frame_shift=10.0, dither=0.0,
                sample_frequency=16000.0, window_type="hamming", use_energy=False)
    scale = kw.pop("scale", 32768.0)
    opts.update(kw)
    return kaldi.fbank(wave16 * scale, **opts)


def apply_cmvn(feats, norm_mean, norm_var):
    if norm_mean:
        feats = feats - torch.mean(feats, dim=0)
    if norm_var:
        feats = feats / torch.sqrt(torch.var(feats, dim=0) + 1e-8)
    return feats


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    if not os.path.isdir(DATA):
        sys.exit(f"missing {DATA}")
    os.makedirs(OUT, exist_ok=True)
    resample_blob = Blob()
    fbank_blob = Blob()
    files = []
    wavs = sorted(
        os.path.relpath(os.path.join(d, f), DATA)
        for d, _, fs in os.walk(DATA) for f in fs if f.endswith(".wav")
    )
    for rel in wavs:
        path = os.path.join(DATA, rel)
        wave, rate = torchaudio.load(path)  # normalised: int16 / 32768
        entry = {"path": rel, "sha256": sha256(path), "sampleRate": rate, "samples": wave.shape[1]}
        if rate != 16000:
            wave16 = torchaudio.transforms.Resample(rate, 16000)(wave)
            wave16_64 = torchaudio.transforms.Resample(rate, 16000, dtype=torch.float64)(wave.double())
            y = wave16[0].numpy()
            strided = y[::RESAMPLE_STRIDE]
            entry["resample"] = {
                "length": int(y.size),
                "head": resample_blob.add(y[:RESAMPLE_EDGE]),
                "tail": resample_blob.add(y[-RESAMPLE_EDGE:]),
                "edge": RESAMPLE_EDGE,
                "stride": RESAMPLE_STRIDE,
                "strided": resample_blob.add(strided),
                "stridedCount": int(strided.size),
            }
        else:
            wave16 = wave
            wave16_64 = wave.double()
        for key, w16 in [("fbank", wave16), ("fbank64", wave16_64)]:
            raw = fbank(w16)
            feats = apply_cmvn(raw, True, False).numpy()
            t = feats.shape[0]
            block_start = max(0, t // 2 - FBANK_BLOCK // 2)
            block = feats[block_start:block_start + FBANK_BLOCK]
            strided = feats[::FBANK_STRIDE]
            entry[key] = {
                "frames": int(t),
                "bins": 80,
                "blockStart": block_start,
                "blockCount": int(block.shape[0]),
                "block": fbank_blob.add(block),
                "stride": FBANK_STRIDE,
                "stridedCount": int(strided.shape[0]),
                "strided": fbank_blob.add(strided),
                "rawMean": fbank_blob.add(raw.mean(dim=0).numpy()),
            }
        files.append(entry)
        print(rel, rate, wave.shape[1], t, file=sys.stderr)

    synthetic = []
    for i, rate in enumerate([44100, 48000, 8000, 22050, 32000, 11025]):
        n = int(rate * 0.2) + 1 + 2 * i
        seed = 12345 + i
        x = torch.from_numpy(synthetic_signal(n, rate, seed))[None]
        y = torchaudio.transforms.Resample(rate, 16000)(x)[0].numpy()
        synthetic.append({"from": rate, "to": 16000, "n": n, "seed": seed,
                          "offset": resample_blob.add(y), "length": int(y.size)})

    option_file = "voxceleb1/id10270+5r0dWxy17C8+00004.wav"
    wave, _ = torchaudio.load(os.path.join(DATA, option_file))
    cases = [
        {"windowType": "povey", "normalizeMean": False, "normalizeVar": False},
        {"windowType": "hamming", "normalizeMean": True, "normalizeVar": True},
        {"windowType": "hamming", "normalizeMean": False, "normalizeVar": True},
        {"windowType": "hanning", "numMelBins": 40, "frameLength": 20, "frameShift": 8,
         "normalizeMean": False, "normalizeVar": False},
        {"windowType": "rectangular", "numMelBins": 64, "frameLength": 32, "frameShift": 12,
         "normalizeMean": True, "normalizeVar": False},
        {"windowType": "blackman", "numMelBins": 23, "frameLength": 50, "frameShift": 10,
         "normalizeMean": False, "normalizeVar": False},
        {"windowType": "hamming", "scale": 1.0, "normalizeMean": False, "normalizeVar": False},
    ]
    option_cases = []
    for c in cases:
        kw = {"window_type": c["windowType"]}
        for src, dst in [("numMelBins", "num_mel_bins"), ("frameLength", "frame_length"),
                         ("frameShift", "frame_shift"), ("scale", "scale")]:
            if src in c:
                kw[dst] = float(c[src]) if dst != "num_mel_bins" else int(c[src])
        raw = fbank(wave, **kw)
        f = apply_cmvn(raw, c["normalizeMean"], c["normalizeVar"]).numpy()[:OPTION_FRAMES]
        option_cases.append({"file": option_file, "options": c, "frames": int(f.shape[0]),
                             "bins": int(f.shape[1]), "offset": fbank_blob.add(f)})

    tables_blob = Blob()
    tables = {"resample": [], "windows": [], "melBank": None}
    for rate in [24000, 48000, 8000, 44100, 22050]:
        k = torchaudio.transforms.Resample(rate, 16000).kernel[:, 0, :].numpy()  # [new, taps]
        rows = list(range(k.shape[0])) if k.shape[0] <= 2 else [0, k.shape[0] - 1]
        tables["resample"].append({"from": rate, "to": 16000, "phases": int(k.shape[0]),
                                   "taps": int(k.shape[1]), "rows": rows,
                                   "offset": tables_blob.add(k[rows])})
    for name in ["hamming", "povey", "hanning", "blackman", "rectangular"]:
        w = kaldi._feature_window_function(name, 400, 0.42, torch.device("cpu"), torch.float32)
        tables["windows"].append({"type": name, "length": 400, "offset": tables_blob.add(w.numpy())})
    bank, _ = kaldi.get_mel_banks(80, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.0)
    tables["melBank"] = {"bins": 80, "nFft": 512, "columns": int(bank.shape[1]),
                         "offset": tables_blob.add(bank.numpy())}
    tables_blob.write(os.path.join(OUT, "tables.f32"))

    resample_blob.write(os.path.join(OUT, "resample.f32"))
    fbank_blob.write(os.path.join(OUT, "fbank.f32"))
    manifest = {
        "generator": "tools/make_frontend_fixtures.py",
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "data": "../shared/data/voxceleb",
        "files": files,
        "syntheticResample": synthetic,
        "optionCases": option_cases,
        "tables": tables,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"resample.f32 {resample_blob.size * 4} B, fbank.f32 {fbank_blob.size * 4} B, "
          f"tables.f32 {tables_blob.size * 4} B", file=sys.stderr)


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
