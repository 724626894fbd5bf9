#!/usr/bin/python3
"""Writes the radix8/16/32 functions of kernels/frontend_fbank.wgsl, unrolled by hand.

On llvmpipe the unrolled butterflies keep the N values in registers; the same code written as
loops over a private array runs about 1.6x slower (measured: fbank of 10 s, 40 ms vs 65 ms).
The WGSL is static (no WGSL is assembled at run time); this dev-time script only saves typing
the repetitive lines and keeps them consistent. It replaces the text between the BEGIN and END
marker lines of the kernel. Edit the template here, run
    /usr/bin/python3 tools/gen_fbank_radix.py
and review the diff of kernels/frontend_fbank.wgsl.
"""
import os

KERNEL = os.path.join(os.path.dirname(__file__), "..", "kernels", "frontend_fbank.wgsl")
BEGIN = "// BEGIN radix functions, written by tools/gen_fbank_radix.py (edit the script, not this text)\n"
END = "// END radix functions\n"


def offset(t):
    """WGSL index i0 + t * h, as written for value t."""
    if t == 0:
        return "i0"
    if t == 1:
        return "i0 + h"
    return f"i0 + {t}u * h"


def shift(v):
    return "sh" if v == 0 else f"(sh - {v}u)"


def twiddle_index(m, v):
    base = "j" if m == 0 else ("j + h" if m == 1 else f"j + {m}u * h")
    return f"{base} << {shift(v)}" if m == 0 else f"({base}) << {shift(v)}"


def radix(stages):
    n = 1 << stages
    out = [
        f"// DIT stages s .. s + {stages - 1} on the {n} values i0 + t * h (t < {n}, h = 2^(s-1), j = i0 mod h, sh = log2_fft - s):",
        "// stage s + v pairs t with t + 2^v (bit v of t clear) under twiddle index (j + (t mod 2^v) h) << (sh - v).",
        f"fn radix{n}(i0: u32, h: u32, sh: u32) {{",
        f"  var r: array<vec2f, {n}>;",
    ]
    out += [f"  r[{t}] = z[zi({offset(t)})];" for t in range(n)]
    out.append("  let j = i0 & (h - 1u);")
    for v in range(stages):
        span = 1 << v
        out += [f"  let w{v}_{m} = twiddle[{twiddle_index(m, v)}];" for m in range(span)]
        for t in range(n):
            if t & span == 0:
                b = t + span
                out.append(
                    f"  {{ let t = cmul(r[{b}], w{v}_{t % span}); let q = r[{t}]; r[{b}] = q - t; r[{t}] = q + t; }}"
                )
    out += [f"  z[zi({offset(t)})] = r[{t}];" for t in range(n)]
    out.append("}")
    return "\n".join(out) + "\n"


generated = BEGIN + "\n".join(radix(stages) for stages in (3, 4, 5)) + END
with open(KERNEL) as f:
    text = f.read()
start = text.index(BEGIN)
stop = text.index(END) + len(END)
with open(KERNEL, "w") as f:
    f.write(text[:start] + generated + text[stop:])
