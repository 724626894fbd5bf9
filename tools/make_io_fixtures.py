#!/usr/bin/python3
"""Makes the small committed fixtures of tests/io/ (tests/testdata/io/) with
the real writers: pickle + numpy, np.save, np.savetxt, torch.save. Also
cross-checks files written by *our* writers with Python (--check DIR).

Run with Debian's python (it has torch and numpy):

    /usr/bin/python3 tools/make_io_fixtures.py            # (re)write fixtures
    deno run -A tools/write_io_check_files.ts /tmp/io_check
    /usr/bin/python3 tools/make_io_fixtures.py --check /tmp/io_check

The second form loads every file our writers produced with torch.load
(weights_only=True), pickle.load, np.load and np.loadtxt and compares them
with the fixtures they were made from; it exits non-zero on any mismatch.
"""

import collections
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "testdata", "io")
BAE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "models",
                   "BAE", "BAE_mse.pt")
MARKER = "/tmp/balr_io_fixture_pwned"


def values_of(a):
    """Flat C-order values as JSON: ints as strings (exact past 2^53), NaN/inf as strings."""
    a = np.ascontiguousarray(a)
    flat = a.reshape(-1)
    if a.dtype.kind in "iu":
        return [str(int(x)) for x in flat]
    if a.dtype.kind == "b":
        return [bool(x) for x in flat]
    out = []
    for x in flat.astype(np.float64):
        if np.isnan(x):
            out.append("nan")
        elif np.isinf(x):
            out.append("inf" if x > 0 else "-inf")
        else:
            out.append(float(x))
    return out


DTYPE_NAMES = {
    np.dtype("float32"): "float32", np.dtype("float64"): "float64", np.dtype("float16"): "float16",
    np.dtype("int64"): "int64", np.dtype("int32"): "int32", np.dtype("int16"): "int16",
    np.dtype("int8"): "int8", np.dtype("uint8"): "uint8", np.dtype("bool"): "bool",
}


def describe(a):
    a = np.asarray(a)
    return {"dtype": DTYPE_NAMES[a.dtype.newbyteorder("=")], "shape": list(a.shape),
            "values": values_of(a)}


def describe_torch(t):
    if t.dtype == torch.bfloat16:
        d = describe(t.float().numpy())
        d["dtype"] = "float32"  # our reader widens bfloat16
        return d
    return describe(t.detach().numpy())


def write(path, data):
    path = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_pickles(rng):
    emb = rng.standard_normal(256).astype(np.float32)
    ba_bits = (rng.random(512) > 0.5).astype(np.float32)
    ba = np.stack([ba_bits, 1 - ba_bits], axis=1)
    arrays = {
        "emb_p2.pkl": (emb, 2), "emb_p5.pkl": (emb, 5), "emb_p4.pkl": (emb, 4),
        "ba_p2.pkl": (ba, 2), "ba_p5.pkl": (ba, 5),
        "f32_p0.pkl": (rng.standard_normal(6).astype(np.float32), 0),
        "f64_p3.pkl": (rng.standard_normal((3, 4)), 3),
        "i64_p5.pkl": (np.array([0, -1, 2**53 + 1, -(2**62), 7, 2**63 - 1], dtype=np.int64), 5),
        "i64_p2.pkl": (np.array([5, -(2**40), 2**60], dtype=np.int64), 2),
        "f64_fortran_p5.pkl": (np.asfortranarray(rng.standard_normal((3, 4))), 5),
        "f64_fortran_p2.pkl": (np.asfortranarray(rng.standard_normal((2, 3))), 2),
        "f64_big_endian_p5.pkl": (rng.standard_normal(5).astype(">f8"), 5),
        "f16_p5.pkl": (np.array([0.5, -2.0, 65504.0, 6e-8, np.inf], dtype=np.float16), 5),
        "bool_p5.pkl": (np.array([True, False, True]), 5),
        "u8_p2.pkl": (np.arange(250, 256, dtype=np.uint8), 2),
        "scalar_f64_p5.pkl": (np.array(2.5), 5),
        # 65,600 bytes: past the 64 KiB frame target, so the payload is written outside frames.
        "large_f32_p5.pkl": ((np.arange(16400) * 0.25).astype(np.float32), 5),
    }
    expected = {}
    for name, (a, proto) in arrays.items():
        write(f"pkl/{name}", pickle.dumps(a, protocol=proto))
        expected[name] = describe(a) | {"protocol": proto}
    # A numpy scalar and a dict of arrays, for the general unpickler.
    write("pkl/np_scalar_p2.pkl", pickle.dumps(np.float64(-1.25), protocol=2))
    expected["np_scalar_p2.pkl"] = {"scalar": -1.25}
    with open(os.path.join(ROOT, "pkl", "expected.json"), "w") as f:
        json.dump(expected, f)


def make_npy(rng):
    arrays = {
        "c_f32.npy": (rng.standard_normal((512, 2)).astype(np.float32), None),
        "emb_f32.npy": (rng.standard_normal(256).astype(np.float32), None),
        "i64.npy": (np.array([1, -2, 2**62], dtype=np.int64), None),
        "fortran_f64.npy": (np.asfortranarray(rng.standard_normal((3, 5))), None),
        "big_endian_i4.npy": (np.arange(12, dtype=">i4").reshape(4, 3) - 5, None),
        "big_endian_f8.npy": (rng.standard_normal(4).astype(">f8"), None),
        "f16.npy": (np.array([1.5, -0.25, 1e-5], dtype=np.float16), None),
        "bool.npy": (np.array([[True, False], [False, True]]), None),
        "scalar.npy": (np.array(3.0, dtype=np.float32), None),
        "v2_f32.npy": (rng.standard_normal(5).astype(np.float32), (2, 0)),
        "v3_u1.npy": (np.arange(6, dtype=np.uint8).reshape(2, 3), (3, 0)),
    }
    expected = {}
    for name, (a, version) in arrays.items():
        buf = io.BytesIO()
        if version is None:
            np.save(buf, a)
        else:
            np.lib.format.write_array(buf, a, version=version)
        write(f"npy/{name}", buf.getvalue())
        expected[name] = describe(a) | {"fortran": bool(a.flags.f_contiguous and a.ndim > 1),
                                        "bigEndian": a.dtype.byteorder == ">",
                                        "version": list(version or (1, 0))}
    with open(os.path.join(ROOT, "npy", "expected.json"), "w") as f:
        json.dump(expected, f)


def make_txt(rng):
    emb = rng.standard_normal(256).astype(np.float32)
    bits = (rng.random(512) > 0.5).astype(np.float32)
    ba = np.stack([bits, 1 - bits], axis=1)
    f64 = rng.standard_normal((4, 3)) * np.array([1e-300, 1.0, 1e300])
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308,
                        100000000000000.03125, 1e22, 123456789012345678901234.0])
    expected = {}
    for name, a in {"emb.txt": emb, "ba.txt": ba, "f64_2d.txt": f64, "special.txt": special}.items():
        buf = io.BytesIO()
        np.savetxt(buf, a)
        write(f"txt/{name}", buf.getvalue())
        expected[name] = describe(np.loadtxt(io.BytesIO(buf.getvalue())))
        expected[name]["source"] = describe(a)
    # A file with comments and a single row, to pin np.loadtxt's shape rules.
    write("txt/comments_row.txt", b"# a comment line\n1.5 2.5 -3 # trailing comment\n\n")
    expected["comments_row.txt"] = describe(np.loadtxt(os.path.join(ROOT, "txt", "comments_row.txt")))
    with open(os.path.join(ROOT, "txt", "expected.json"), "w") as f:
        json.dump(expected, f)

    # '%.18e' ground truth, including exact ties at the 20th digit (C rounds them to even).
    from decimal import Decimal
    samples = list(rng.standard_normal(600).astype(np.float32).astype(np.float64))
    samples += list(rng.standard_normal(300) * 10.0 ** rng.integers(-300, 300, 300))
    ties = []
    m = 13107201
    while len(ties) < 60 and m < 2**24:
        x = float(np.float32(m / 2**17))
        if len(Decimal(x).as_tuple().digits) == 20:
            ties.append(x)
        m += 2
    samples += ties + [100000000000000.03125, 0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-7]
    cases = []
    for x in samples:
        bits = struct.unpack("<Q", struct.pack("<d", x))[0]
        cases.append([format(bits, "016x"), "%.18e" % x])
    with open(os.path.join(ROOT, "txt", "format_cases.json"), "w") as f:
        json.dump({"tie_count": len(ties), "cases": cases}, f)


def make_pt():
    g = torch.Generator().manual_seed(1234)
    base = torch.arange(12, dtype=torch.float32)
    grid = torch.randn(4, 6, generator=g)
    line = torch.randn(10, generator=g, dtype=torch.float64)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(3, 4, generator=g)
    sd["f64"] = torch.randn(5, generator=g, dtype=torch.float64)
    sd["i64"] = torch.tensor([0, -3, 2**53 + 1, 2**62], dtype=torch.int64)
    sd["transposed"] = grid.t()                  # strides (1, 6): not contiguous
    sd["sliced"] = line[2:5]                     # storage offset 2
    sd["sliced_2d"] = grid[1:3, 2:5]             # offset and strides
    sd["shared_a"] = base[:6].view(2, 3)         # two tensors sharing one storage
    sd["shared_b"] = base[6:]
    sd["f16"] = torch.tensor([0.5, -1.25, 1000.0], dtype=torch.float16)
    sd["bf16"] = torch.tensor([1.5, -2.0, 3.0e38], dtype=torch.bfloat16)
    sd["i32"] = torch.tensor([1, -2, 2**31 - 1], dtype=torch.int32)
    sd["i16"] = torch.tensor([-32768, 5], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(37600, dtype=torch.int64)
    sd["empty"] = torch.zeros(0, 3)
    expected = {"state_dict.pt": {k: describe_torch(v) for k, v in sd.items()}}
    buf = io.BytesIO()
    torch.save(sd, buf)
    write("pt/state_dict.pt", buf.getvalue())

    # A training checkpoint: tensors under "state_dict", plus plain values and nesting.
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    msd = model.state_dict()  # an OrderedDict with _metadata (pickled with BUILD)
    ckpt = {"epoch": 7, "lr": 0.001, "name": "bae", "flags": [True, None],
            "pair": (1, "a"), "state_dict": msd, "nested": {"deep": {"w": torch.ones(2)}}}
    buf = io.BytesIO()
    torch.save(ckpt, buf)
    write("pt/nested.pt", buf.getvalue())
    expected["nested.pt"] = {k: describe_torch(v) for k, v in msd.items()}

    # nn.Parameter objects go through torch._utils._rebuild_parameter.
    params = {"weight": torch.nn.Parameter(torch.randn(2, 2, generator=g))}
    buf = io.BytesIO()
    torch.save(params, buf)
    write("pt/parameter.pt", buf.getvalue())
    expected["parameter.pt"] = {k: describe_torch(v) for k, v in params.items()}
    with open(os.path.join(ROOT, "pt", "expected.json"), "w") as f:
        json.dump(expected, f)


def make_malicious():
    # Hand-assembled opcodes; nothing here is ever called. Each would run a
    # shell command creating MARKER if an unpickler executed globals.
    cmd = f"touch {MARKER}".encode()
    os_system = b"\x80\x02cos\nsystem\nX" + struct.pack("<I", len(cmd)) + cmd + b"\x85R."
    write("bad/os_system.pkl", os_system)
    code = f"__import__('os').system('touch {MARKER}')".encode()
    evil_eval = b"\x80\x02cbuiltins\neval\nX" + struct.pack("<I", len(code)) + code + b"\x85R."
    write("bad/builtins_eval.pkl", evil_eval)

    def short(s):
        b = s.encode()
        return b"\x8c" + bytes([len(b)]) + b
    popen = (b"\x80\x04" + short("subprocess") + short("Popen") + b"\x93" + short("touch")
             + short(MARKER) + b"\x86\x85R.")
    write("bad/subprocess_popen.pkl", popen)
    # A numpy array pickle whose _reconstruct global was swapped for os.system.
    good = pickle.dumps(np.zeros(2, dtype=np.float32), protocol=2)
    write("bad/swapped_global.pkl",
          good.replace(b"cnumpy.core.multiarray\n_reconstruct\n", b"cos\nsystem\n"))
    # A torch.save zip whose data.pkl names os.system.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in [("archive/data.pkl", os_system), ("archive/byteorder", b"little"),
                           ("archive/version", b"3\n")]:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    write("bad/os_system.pt", buf.getvalue())
    with open(os.path.join(ROOT, "bad", "README.md"), "w") as f:
        f.write("Hand-assembled malicious pickles (made by tools/make_io_fixtures.py, never by\n"
                f"pickling a callable). If executed they would create {MARKER}.\n")


def make_safetensors():
    # No safetensors package on this machine: written here from the format
    # description (8-byte header length, JSON header padded to 8 bytes, data).
    tensors = collections.OrderedDict()
    tensors["f32"] = ("F32", np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype="<f4"))
    tensors["i64"] = ("I64", np.array([1, -2, 2**60], dtype="<i8"))
    tensors["f16"] = ("F16", np.array([0.5, -3.0], dtype="<f2"))
    tensors["u8"] = ("U8", np.array([0, 200], dtype=np.uint8))
    tensors["bool"] = ("BOOL", np.array([True, False]))
    bf = torch.tensor([1.5, -2.0, 3.0e38], dtype=torch.bfloat16)
    header = {"__metadata__": {"format": "pt", "note": "fixture"}}
    blobs = []
    offset = 0
    expected = {}
    for name, (code, a) in tensors.items():
        raw = a.tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
        expected[name] = describe(a)
    raw = bf.view(torch.int16).numpy().tobytes()
    header["bf16"] = {"dtype": "BF16", "shape": [3], "data_offsets": [offset, offset + len(raw)]}
    blobs.append(raw)
    expected["bf16"] = describe_torch(bf)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    write("safetensors/mixed.safetensors", struct.pack("<Q", len(js)) + js + b"".join(blobs))
    with open(os.path.join(ROOT, "safetensors", "expected.json"), "w") as f:
        json.dump({"tensors": expected, "metadata": header["__metadata__"]}, f)


def make_bae_summary():
    if not os.path.exists(BAE):
        print(f"skipping BAE summary: {BAE} not found")
        return
    sd = torch.load(BAE, map_location="cpu")
    out = {}
    for k, v in sd.items():
        a = v.detach().contiguous().numpy()
        out[k] = {"dtype": DTYPE_NAMES[a.dtype], "shape": list(a.shape),
                  "sha256": hashlib.sha256(a.astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest(),
                  "sum": float(a.astype(np.float64).sum()),
                  "head": values_of(a.reshape(-1)[:6]), "tail": values_of(a.reshape(-1)[-3:])}
    with open(os.path.join(ROOT, "bae_mse_summary.json"), "w") as f:
        json.dump(out, f, indent=1)


def check(folder):
    """Loads files our writers made (tools/write_io_check_files.ts) with Python."""
    failures = []

    def expect(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    ref = torch.load(os.path.join(ROOT, "pt", "state_dict.pt"))
    ours = torch.load(os.path.join(folder, "state_dict.pt"), weights_only=True)
    expect(isinstance(ours, collections.OrderedDict), "our state_dict.pt is an OrderedDict")
    for k, v in ref.items():
        if v.dtype == torch.bfloat16:
            v = v.float()
        o = ours.get(k)
        expect(o is not None and o.dtype == v.dtype and o.shape == v.shape
               and torch.equal(o, v.contiguous()), f"state_dict.pt[{k}] equals torch's {tuple(v.shape)} {v.dtype}")
    expect(ours.get("epoch") == 3 and ours.get("tag") == "ours" and ours.get("best") is True,
           "state_dict.pt extras (int, str, bool)")
    if os.path.exists(BAE):
        bae = torch.load(BAE, map_location="cpu")
        ours = torch.load(os.path.join(folder, "bae_mse.pt"), weights_only=True)
        expect(list(ours.keys()) == list(bae.keys()), "bae_mse.pt keys in order")
        expect(all(torch.equal(ours[k], bae[k]) and ours[k].dtype == bae[k].dtype for k in bae),
               "bae_mse.pt values and dtypes")
        model = torch.nn.Sequential(
            collections.OrderedDict([("encoder", torch.nn.Sequential(
                torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.BatchNorm1d(512),
                torch.nn.Linear(512, 512), torch.nn.Tanh())),
                ("decoder", torch.nn.Sequential(torch.nn.Linear(512, 512), torch.nn.Tanh(),
                                                torch.nn.Linear(512, 256)))]))
        model.load_state_dict(ours)
        expect(True, "bae_mse.pt loads into the BAE module with load_state_dict (strict)")
    exp = json.load(open(os.path.join(ROOT, "pkl", "expected.json")))
    for name in ["emb_p5.pkl", "ba_p5.pkl", "i64_p5.pkl", "f16_p5.pkl", "bool_p5.pkl",
                 "large_f32_p5.pkl", "emb_p2.pkl", "ba_p2.pkl", "u8_p2.pkl"]:
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            data = f.read()
        a = pickle.loads(data)
        e = exp[name]
        expect(isinstance(a, np.ndarray) and describe(a)["values"] == e["values"]
               and list(a.shape) == e["shape"], f"{name} loads with pickle + numpy")
        with open(os.path.join(ROOT, "pkl", name), "rb") as f:
            expect(data == f.read(), f"{name} is byte-identical to Python's pickle")
    for name in ["c_f32.npy", "emb_f32.npy", "i64.npy"]:
        a = np.load(os.path.join(folder, name))
        b = np.load(os.path.join(ROOT, "npy", name))
        expect(a.dtype == b.dtype and np.array_equal(a, b), f"{name} loads with np.load")
    for name in ["emb.txt", "ba.txt"]:
        a = np.loadtxt(os.path.join(folder, name))
        b = np.loadtxt(os.path.join(ROOT, "txt", name))
        expect(np.array_equal(a, b), f"{name} loads with np.loadtxt")
        with open(os.path.join(folder, name), "rb") as f1, open(os.path.join(ROOT, "txt", name), "rb") as f2:
            expect(f1.read() == f2.read(), f"{name} is byte-identical to np.savetxt")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    rng = np.random.default_rng(20240607)
    os.makedirs(ROOT, exist_ok=True)
    make_pickles(rng)
    make_npy(rng)
    make_txt(rng)
    make_pt()
    make_malicious()
    make_safetensors()
    make_bae_summary()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"fixtures written under {os.path.normpath(ROOT)} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
