#!/usr/bin/python3
"""Generates the audio decoding fixtures under tests/testdata/audio/.

Run from the repository root with Debian's python (torch, torchaudio, numpy):

    /usr/bin/python3 tools/make_audio_fixtures.py

It needs `ffmpeg` and `flac` on PATH (apt-get install ffmpeg flac) to encode
the synthetic tone. Outputs (all small):

- shared_wav_torchaudio.json: for each wav under ../shared/data/voxceleb,
  what torchaudio.load(normalize=True) gives (length, rate, sums, first and
  last 100 samples of the channel mean). The audio itself stays in ../shared.
- wav_encodings_torchaudio.json: small WAV files of every encoding, written
  by this script from integer codes, and torchaudio's decode of each (so the
  TypeScript test can build the same bytes and compare).
- tone_*.{flac,opus,mp3,ogg,m4a,wma}: a synthetic two-channel tone (sines,
  a chirp, a silent gap, deterministic pseudo-noise), encoded by flac/ffmpeg,
  and tones.json describing each: for the lossless ones the exact mono
  expectation from the source integers, for the lossy ones ffmpeg's own
  decode (channels averaged) summarised.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchaudio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "testdata", "audio")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "voxceleb")


def f32list(a):
    """float32 values as exact JSON numbers (repr of the float64 widening)."""
    return [float(v) for v in np.asarray(a, dtype=np.float32)]


def summary(mono):
    mono = np.asarray(mono, dtype=np.float32)
    m64 = mono.astype(np.float64)
    return {
        "frames": int(mono.shape[0]),
        "sum": float(m64.sum()),
        "sumSquares": float((m64 * m64).sum()),
        "head": f32list(mono[:100]),
        "tail": f32list(mono[-100:]),
    }


def torch_mono(path):
    wave, rate = torchaudio.load(path, normalize=True)
    mono = torch.mean(wave, dim=0) if wave.shape[0] > 1 else wave[0]
    return wave, mono.numpy(), rate


def shared_wavs():
    if not os.path.isdir(SHARED):
        print(f"skip shared wavs: {SHARED} is absent", file=sys.stderr)
        return
    entries = []
    for dirpath, _, files in os.walk(SHARED):
        for name in sorted(files):
            if not name.lower().endswith(".wav"):
                continue
            path = os.path.join(dirpath, name)
            wave, mono, rate = torch_mono(path)
            entry = {
                "path": os.path.relpath(path, os.path.dirname(os.path.dirname(SHARED))),
                "sampleRate": rate,
                "channels": int(wave.shape[0]),
            }
            entry.update(summary(mono))
            entries.append(entry)
    entries.sort(key=lambda e: e["path"])
    write_json("shared_wav_torchaudio.json", {"source": "torchaudio.load(normalize=True)", "files": entries})


def wav_bytes(tag, channels, rate, bits, data, extensible=False):
    block = channels * bits // 8
    if extensible:
        guid = struct.pack("<H", tag) + bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        body += b"\0"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def encode_codes(codes, bits, kind):
    if kind == "float":
        return np.asarray(codes, dtype=np.float32 if bits == 32 else np.float64).tobytes()
    width = bits // 8
    out = bytearray()
    for v in codes:
        out += int(v).to_bytes(width, "little", signed=(kind == "int" and bits > 8))
    return bytes(out)


def wav_encodings():
    rng = np.random.default_rng(20240611)
    cases = []

    def add(name, tag, bits, channels, codes, kind, extensible=False):
        data = encode_codes(codes, bits, kind)
        blob = wav_bytes(tag, channels, 16000, bits, data, extensible)
        with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as f:
            f.write(blob)
            path = f.name
        try:
            wave, mono, rate = torch_mono(path)
        finally:
            os.unlink(path)
        assert rate == 16000
        cases.append({
            "name": name,
            "formatTag": tag,
            "extensible": extensible,
            "bitsPerSample": bits,
            "channels": channels,
            "kind": kind,
            "codes": [float(c) if kind == "float" else int(c) for c in codes],
            "planar": [f32list(wave[c].numpy()) for c in range(channels)],
            "mono": f32list(mono),
        })

    add("pcm8 all codes", 1, 8, 1, list(range(256)), "uint")
    edge16 = [-32768, -32767, -1, 0, 1, 32767] + rng.integers(-32768, 32768, 58).tolist()
    add("pcm16 mono", 1, 16, 1, edge16, "int")
    add("pcm16 stereo", 1, 16, 2, rng.integers(-32768, 32768, 64).tolist(), "int")
    edge24 = [-(1 << 23), -(1 << 23) + 1, -1, 0, 1, (1 << 23) - 1] + rng.integers(-(1 << 23), 1 << 23, 58).tolist()
    add("pcm24 mono", 1, 24, 1, edge24, "int")
    edge32 = [-(1 << 31), -(1 << 31) + 1, -1, 0, 1, (1 << 31) - 1] + rng.integers(-(1 << 31), 1 << 31, 58).tolist()
    add("pcm32 mono", 1, 32, 1, edge32, "int")
    floats = (rng.standard_normal(60) * 0.3).astype(np.float32).tolist() + [0.0, -1.0, 0.5, 0.999]
    add("float32 mono", 3, 32, 1, floats, "float")
    add("float64 stereo", 3, 64, 2, floats, "float")
    add("alaw all codes", 6, 8, 1, list(range(256)), "uint")
    add("mulaw all codes", 7, 8, 1, list(range(256)), "uint")
    add("extensible pcm16 3ch", 1, 16, 3, rng.integers(-32768, 32768, 63).tolist(), "int", extensible=True)
    add("extensible pcm24 stereo", 1, 24, 2, rng.integers(-(1 << 23), 1 << 23, 64).tolist(), "int", extensible=True)
    add("extensible float32 stereo", 3, 32, 2, floats, "float", extensible=True)
    write_json("wav_encodings_torchaudio.json", {
        "source": "torchaudio.load(normalize=True) of the WAV built from codes; mono = torch.mean(dim=0)",
        "cases": cases,
    })


def tone(rate, seconds):
    """Two channels: sines, a chirp, a silent gap and LCG pseudo-noise (no RNG library)."""
    n = int(rate * seconds)
    t = np.arange(n) / rate
    state = np.uint32(12345)
    noise = np.empty(n)
    for i in range(n):
        state = np.uint32((int(state) * 1664525 + 1013904223) & 0xFFFFFFFF)
        noise[i] = int(state) / 2**32 - 0.5
    left = 0.45 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * (200 + 3000 * t) * t) + 0.04 * noise
    right = 0.3 * np.sin(2 * np.pi * 660 * t + 0.3) + 0.05 * np.roll(noise, 7)
    gap = slice(int(0.40 * n), int(0.55 * n))
    left[gap] = 0
    right[gap] = 0
    return np.stack([left, right], axis=1)


def smooth(rate, seconds):
    t = np.arange(int(rate * seconds)) / rate
    return np.stack([0.5 * np.sin(2 * np.pi * 100 * t), 0.4 * np.sin(2 * np.pi * 150 * t)], axis=1)


def noise_multiple_of_4(rate, seconds):
    rng = np.random.default_rng(7)
    n = int(rate * seconds)
    x = rng.integers(-8000, 8000, (n, 2)) * 4
    x[n // 3: n // 2] = (np.sin(np.arange(n // 2 - n // 3) / 7) * 4000).astype(np.int64)[:, None] * 4
    return x.astype(np.int64)


def quantise(x, bits):
    top = 2 ** (bits - 1)
    return np.clip(np.round(x * top), -top, top - 1).astype(np.int64)


def write_pcm_wav(path, ints, rate, bits):
    data = encode_codes(ints.reshape(-1).tolist(), bits, "int")
    with open(path, "wb") as f:
        f.write(wav_bytes(1, ints.shape[1], rate, bits, data, extensible=bits > 16))


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def ffmpeg_decode_mono(path):
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels,sample_rate",
         "-of", "json", path], check=True, capture_output=True)
    stream = json.loads(probe.stdout)["streams"][0]
    channels = int(stream["channels"])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:a:0", "-f", "f32le", "pipe:1"],
                         check=True, capture_output=True).stdout
    planar = np.frombuffer(raw, dtype=np.float32).reshape(-1, channels)
    mono = planar.astype(np.float64).mean(axis=1).astype(np.float32)
    return mono, int(stream["sample_rate"]), channels


def block_rms(mono, block):
    n = len(mono) // block
    m = mono[: n * block].astype(np.float64).reshape(n, block)
    return [float(v) for v in np.sqrt((m * m).mean(axis=1))]


def tones():
    fixtures = []
    with tempfile.TemporaryDirectory() as tmp:
        lossless = [
            # file, rate, seconds, bits, channels, encoder command (input, output)
            ("tone_s16_stereo_flaccli.flac", 16000, 0.4, 16, 2, lambda i, o: ["flac", "-s", "-f", "-8", i, "-o", o]),
            ("tone_s24_stereo_ffmpeg.flac", 16000, 0.3, 24, 2,
             lambda i, o: ["ffmpeg", "-v", "error", "-y", "-i", i, "-compression_level", "12", o]),
            ("tone_s16_stereo_ffmpeg_level0.flac", 22050, 0.3, 16, 2,
             lambda i, o: ["ffmpeg", "-v", "error", "-y", "-i", i, "-compression_level", "0", o]),
            ("tone_u8_mono_flaccli.flac", 8000, 0.5, 8, 1, lambda i, o: ["flac", "-s", "-f", "-5", i, "-o", o]),
            # forced stereo modes and predictors on a smooth signal: left/side + FIXED, right/side + LPC
            ("smooth_s16_leftside_fixed_ffmpeg.flac", 16000, 0.15, 16, 2,
             lambda i, o: ["ffmpeg", "-v", "error", "-y", "-i", i, "-ch_mode", "left_side", "-lpc_type", "fixed",
                           "-compression_level", "3", "-frame_size", "256", o]),
            ("smooth_s16_rightside_ffmpeg.flac", 16000, 0.15, 16, 2,
             lambda i, o: ["ffmpeg", "-v", "error", "-y", "-i", i, "-ch_mode", "right_side", "-frame_size", "512", o]),
            # samples that are multiples of 4 (wasted bits) and white noise (VERBATIM)
            ("noise_s16_wasted_flaccli.flac", 16000, 0.15, 16, 2, lambda i, o: ["flac", "-s", "-f", "-8", "-e", i, "-o", o]),
        ]
        for name, rate, seconds, bits, channels, cmd in lossless:
            if name.startswith("smooth"):
                ints = quantise(smooth(rate, seconds), bits)
            elif name.startswith("noise"):
                ints = noise_multiple_of_4(rate, seconds)
            else:
                ints = quantise(tone(rate, seconds)[:, :channels], bits)
            src = os.path.join(tmp, name + ".wav")
            write_pcm_wav(src, ints, rate, bits) if bits != 8 else write_u8_wav(src, ints, rate)
            out = os.path.join(OUT, name)
            run(cmd(src, out))
            planar = ints.astype(np.float64) / 2 ** (bits - 1)
            mono = planar.astype(np.float32).astype(np.float64).mean(axis=1).astype(np.float32)
            entry = {"file": name, "codec": "flac", "lossless": True, "sampleRate": rate, "channels": channels,
                     "bitsPerSample": bits}
            entry.update(summary(mono))
            fixtures.append(entry)
        base_rate, base_seconds = 16000, 0.5
        src = os.path.join(tmp, "tone16.wav")
        write_pcm_wav(src, quantise(tone(base_rate, base_seconds), 16), base_rate, 16)
        lossy = [
            ("tone_stereo.opus", ["-c:a", "libopus", "-b:a", "48k"], False),
            ("tone_stereo.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"], False),
            ("tone_stereo_vorbis.ogg", ["-c:a", "libvorbis", "-q:a", "2"], True),
            ("tone_stereo.m4a", ["-c:a", "aac", "-b:a", "48k"], True),
            ("tone_stereo.wma", ["-c:a", "wmav2", "-b:a", "48k"], True),
        ]
        for name, args, needs_ffmpeg in lossy:
            out = os.path.join(OUT, name)
            run(["ffmpeg", "-v", "error", "-y", "-i", src, *args, out])
            mono, rate, channels = ffmpeg_decode_mono(out)
            entry = {"file": name, "codec": os.path.splitext(name)[1][1:], "lossless": False,
                     "decodedWithFfmpegAtTestTime": needs_ffmpeg, "sampleRate": rate, "channels": channels,
                     "reference": "ffmpeg decode, channels averaged", "blockRms10ms": block_rms(mono, rate // 100)}
            entry.update(summary(mono))
            fixtures.append(entry)
    write_json("tones.json", {"fixtures": fixtures})


def write_u8_wav(path, ints, rate):
    data = bytes(int(v) + 128 for v in ints.reshape(-1))
    with open(path, "wb") as f:
        f.write(wav_bytes(1, ints.shape[1], rate, 8, data))


def write_json(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    shared_wavs()
    wav_encodings()
    tones()
