#!/usr/bin/python3
"""Generates tests/testdata/data/python_float4.json: how Python's "%.4f"
(pandas' `float_format="%.4f"` in upstream's scores.csv) writes a set of
doubles, exact ties at the 4th decimal included.

    /usr/bin/python3 tools/make_data_fixtures.py
"""

import json
import os
import random

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "testdata", "data", "python_float4.json")

rng = random.Random(4)
values = []
values += [k / 32 for k in range(-99, 100, 2)]  # exact ties: x * 1e4 = n + 1/2
values += [rng.uniform(-50, 50) for _ in range(100)]
values += [float(np.float32(rng.gauss(0, 20))) for _ in range(100)]  # float32 scores widened
values += [0.0, 1e-5, -1e-5, -0.00004999, 0.00005, 123456.78905, -3.14159265, 2.5e-5, 1e9 + 0.00005]
cases = [{"x": v, "text": "%.4f" % v} for v in values]
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"source": 'Python "%.4f" % x', "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.relpath(OUT, ROOT)}")
