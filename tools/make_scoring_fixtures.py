#!/usr/bin/python3
"""Fixtures for balr's scoring tests: tests/testdata/scoring/fixture.json.

Implements the upstream BA-LR scorer formulas (SPEC section 9) in float64
numpy, with the guards our implementation documents (psi difference 0 for
R = 0, alpha floored at eps, g <= 0 left out of the geometric mean, MaxLLR in
the log domain with f, p, q kept in [1e-6, 1 - 1e-6], DNA/Speech log-LRs
clamped to +-100), and cross-checks them against torch float64 versions of
the upstream formulas and against mpmath. Run with Debian's python3:

    /usr/bin/python3 tools/make_scoring_fixtures.py

Only numpy, torch and (optionally) mpmath are used; nothing is downloaded.
"""
import base64
import json
import math
import os

import numpy as np
import torch

try:
    import mpmath
except ImportError:  # the accuracy cross-checks are skipped without it
    mpmath = None

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "testdata", "scoring", "fixture.json")
N_ATTR = 512
N_SPEAKERS = 80
N_ITER = 100
EPS = 1e-8
DROP_IN = 0.12
THRESHOLD = 1e-4
DELTA = 1e-6
CLAMP = 100.0


def b64(array, dtype):
    a = np.ascontiguousarray(np.asarray(array).astype(dtype))
    return {"dtype": str(a.dtype), "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode()}


# ---------------------------------------------------------------- data

def make_referential(rng):
    """[S, n, 2] counts; speakers hold 1 to 1000 recordings; attribute kinds by a % 7:
    0 never active, 1 always active, 2 rarely active, 3 has-it-or-not, others graded."""
    recs = np.concatenate([[1, 2, 3, 5, 8, 13, 50, 200, 600, 1000],
                           1 + np.floor(rng.random(N_SPEAKERS - 10) ** 3 * 1000)]).astype(np.int64)
    rates = rng.uniform(0.05, 0.95, N_ATTR)
    ref = np.zeros((N_SPEAKERS, N_ATTR, 2), dtype=np.int64)
    for l, n in enumerate(recs):
        for a in range(N_ATTR):
            kind = a % 7
            if kind == 0:
                act = 0
            elif kind == 1:
                act = n
            elif kind == 2:
                act = min(n, 1 + rng.integers(0, 3)) if rng.random() < 0.05 else 0
            elif kind == 3:
                act = rng.binomial(n, rng.uniform(0.7, 1.0)) if rng.random() < rates[a] else 0
            else:
                p = min(1.0, max(0.0, rates[a] + 0.25 * rng.standard_normal()))
                act = rng.binomial(n, p)
            ref[l, a] = (act, n - act)
    return ref


def make_sides(rng, ref):
    """Trial sides: 48 single BA vectors and 16 sums of 2 to 1000 recordings, drawn from
    per-speaker activation rates like the referential's."""
    props = (ref[:, :, 0] + 0.5) / (ref.sum(-1) + 1.0)
    sides = []
    for i in range(64):
        spk = rng.integers(0, N_SPEAKERS)
        n = 1 if i < 48 else int([2, 3, 5, 10, 30, 100, 300, 1000][i % 8])
        act = rng.binomial(n, props[spk])
        sides.append(np.stack([act, n - act], -1))
    return np.array(sides, dtype=np.int64)


def make_pairs(rng):
    pairs = []
    for t in range(400):
        if t < 300:
            pairs.append((rng.integers(0, 48), rng.integers(0, 48)))
        elif t < 360:
            pairs.append((rng.integers(48, 64), rng.integers(0, 48)))
        else:
            pairs.append((rng.integers(48, 64), rng.integers(48, 64)))
    pairs.append((63, 63))  # both sides 1000 recordings
    return np.array(pairs, dtype=np.int64)


# ---------------------------------------------------------------- beta

def survival(counts, length):
    """[..., length] number of entries of counts (over axis 0) greater than j."""
    j = np.arange(length)
    return (counts[..., None] > j).sum(0)


def psi_diff_sum(counts, x):
    """sum_l [psi(counts_l + x) - psi(x)] per column, exactly as sum_j #{counts > j} / (x + j)."""
    length = int(counts.max()) if counts.size else 0
    if length == 0:
        return np.zeros_like(x)
    surv = survival(counts, length)
    return (surv / (x[..., None] + np.arange(length))).sum(-1)


def beta_init(ref):
    # Upstream's referential is float32, where + eps vanishes for totals >= 1 and an always-active
    # attribute has proportions exactly 1 (g = 1). In float64 eps leaves a variance of ~1e-17 that
    # moves that g by 15 %, so the proportions are formed in float32 as upstream does; the moments
    # that follow are float64.
    r = ref.astype(np.float32)
    p = (r / (r.sum(-1, keepdims=True) + np.float32(EPS))).astype(np.float64)
    e = p.mean(0)
    v = p.var(0, ddof=1)
    g = (e * (1 - e) + 2 * EPS) / (v + EPS) - 1
    keep = np.isfinite(g) & (g > 0)
    gmean = math.exp(np.log(g[keep]).mean()) if keep.any() else 1.0
    return e * gmean + EPS, gmean, int((~keep).sum())


def beta_fit(ref, n_iter):
    alpha, gmean, excluded = beta_init(ref)
    alpha0 = alpha.copy()
    totals = ref.sum(-1)
    for _ in range(n_iter):
        num = np.stack([psi_diff_sum(ref[:, :, c], alpha[:, c]) for c in range(2)], -1)
        den = psi_diff_sum(totals, alpha.sum(1))
        alpha = np.maximum(alpha * num / den[:, None], EPS)
    return alpha, alpha0, gmean, excluded


def beta_scores_torch(alpha, e, t):
    """The upstream score formula, torch float64 lgamma."""
    a = torch.tensor(alpha, dtype=torch.float64)
    e = torch.tensor(e, dtype=torch.float64)
    t = torch.tensor(t, dtype=torch.float64)
    lg = torch.lgamma
    return (lg((t + a).sum(-1)) + lg((e + a).sum(-1)) - lg((t + e + a).sum(-1)) - lg(a.sum(-1))
            + lg(t + e + a).sum(-1) + lg(a).sum(-1) - lg(e + a).sum(-1) - lg(t + a).sum(-1)).sum(-1).numpy()


def g_ratio(x, e, t):
    small, big = min(e, t), max(e, t)
    return sum(math.log1p(big / (x + j)) for j in range(int(small)))


def beta_scores_identity(alpha, e, t):
    out = np.zeros(len(e))
    for i in range(len(e)):
        s = 0.0
        for a in range(N_ATTR):
            s += sum(g_ratio(alpha[a, c], e[i, a, c], t[i, a, c]) for c in range(2))
            s -= g_ratio(alpha[a].sum(), e[i, a].sum(), t[i, a].sum())
        out[i] = s
    return out


# ---------------------------------------------------------------- dna / speech

def ln_ratio(num, den):
    out = np.zeros_like(num)
    ok = (num > 0) & (den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[ok] = np.clip(np.log(num[ok]) - np.log(den[ok]), -CLAMP, CLAMP)
    out[(num > 0) & (den == 0)] = CLAMP
    out[(num == 0) & (den > 0)] = -CLAMP
    return out


def reference_llr_fit(ref, model):
    s = ref.shape[0]
    a = ref[:, :, 0].astype(np.float64)
    n = ref[:, :, 1].astype(np.float64)
    profile = a > 0
    k = profile.sum(0).astype(np.float64)
    typ = k * (k - 1) / (s * (s - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        prop = np.where(a + n > 0, a / (a + n), 0.0)
    dout = 1 - prop.sum(0) / np.maximum(k, 1)
    din = DROP_IN
    t = typ
    if model == "dna":
        g = din * t + 1 - din
        l00 = ln_ratio(np.ones_like(t), t * (1 - din + dout))
        l11 = ln_ratio(np.ones_like(t), t * (t * din + 1 - dout))
        lmix = ln_ratio(din * t + dout * g, 2 * t * g)
    else:
        ndin, ndout, dt = 1 - din, 1 - dout, din * t
        l00 = ln_ratio(1 + dout ** 2, t * (2 * dout * ndin + ndin ** 2 + dout ** 2))
        l11 = ln_ratio(1 + dt ** 2, t * (2 * dt * ndout + dt ** 2 + ndout ** 2))
        lmix = ln_ratio(ndin * dt + dout * ndout, t * (1 + dt * dout + ndin * dt + dout * ndout))
    below = t < THRESHOLD
    l00[below] = l11[below] = lmix[below] = 0
    llrs = np.zeros((2, N_ATTR, 2))
    llrs[0, :, 0] = l11
    llrs[0, :, 1] = lmix
    llrs[1, :, 0] = lmix
    llrs[1, :, 1] = l00
    return typ, dout, llrs


def reference_llr_fit_upstream(ref, model):
    """The upstream formulas in torch float64, no guards (for the cross-check)."""
    r = torch.tensor(ref, dtype=torch.float64)
    proportions = r[:, :, 0] / r.sum(-1)
    profile = r[:, :, 0] > 0
    s = r.shape[0]
    k = profile.sum(0).double()
    typ = k * (k - 1) / (s * (s - 1))
    dout = 1 - proportions.sum(0) / profile.sum(0).clamp(min=1.0)
    return typ.numpy(), dout.numpy()


def table_scores(llrs, e_bits, t_bits):
    a = np.arange(N_ATTR)
    return np.array([llrs[1 - t_bits[i], a, 1 - e_bits[i]].sum() for i in range(len(e_bits))])


# ---------------------------------------------------------------- maxllr

def keep_inside(l, l1):
    lo = math.log(DELTA)
    l = l.copy()
    l1 = l1.copy()
    low = ~(l >= lo)
    l[low], l1[low] = lo, math.log1p(-DELTA)
    high = ~(l1 >= lo) & ~low
    l[high], l1[high] = math.log1p(-DELTA), lo
    return l, l1


def ln_split(num, comp):
    den = num + comp
    with np.errstate(divide="ignore"):
        return keep_inside(np.log(num / den), np.log(comp / den))


def maxllr_fit(ref, n_iter, f0=0.5, p0=0.9, q0=0.1):
    a = ref[:, :, 0].astype(np.float64)
    n = ref[:, :, 1].astype(np.float64)
    full = lambda v: np.full(N_ATTR, v)
    lf, l1f = full(math.log(f0)), full(math.log1p(-f0))
    lp, l1p = full(math.log(p0)), full(math.log1p(-p0))
    lq, l1q = full(math.log(q0)), full(math.log1p(-q0))
    for _ in range(n_iter):
        u = lf + a * lp + n * l1p
        v = l1f + a * lq + n * l1q
        with np.errstate(over="ignore"):  # exp overflow gives the right 0 or 1
            post = 1 / (1 + np.exp(v - u))
            neg = 1 / (1 + np.exp(u - v))
        lf, l1f = ln_split(post.sum(0), neg.sum(0))
        pd = (a * post).sum(0) + (n * post).sum(0)
        ok = pd > 0
        nlp, nl1p = ln_split((a * post).sum(0), (n * post).sum(0))
        lp, l1p = np.where(ok, nlp, lp), np.where(ok, nl1p, l1p)
        qd = (a * neg).sum(0) + (n * neg).sum(0)
        ok = qd > 0
        nlq, nl1q = ln_split((a * neg).sum(0), (n * neg).sum(0))
        lq, l1q = np.where(ok, nlq, lq), np.where(ok, nl1q, l1q)
    return np.exp(lf), np.exp(lp), np.exp(lq)


def maxllr_fit_upstream(ref, n_iter, f0=0.5, p0=0.9, q0=0.1):
    """The upstream EM in torch float64, no log domain (for small counts only)."""
    r = torch.tensor(ref, dtype=torch.float64)
    act, non = r[:, :, 0], r[:, :, 1]
    f, p, q = (torch.full((N_ATTR,), v, dtype=torch.float64) for v in (f0, p0, q0))
    for _ in range(n_iter):
        num = f * p ** act * (1 - p) ** non
        f = num / (num + (1 - f) * q ** act * (1 - q) ** non)
        p = (act * f).sum(0) / ((act + non) * f).sum(0)
        q = (act * (1 - f)).sum(0) / ((act + non) * (1 - f)).sum(0)
        f = f.mean(0)
    return f.numpy(), p.numpy(), q.numpy()


def maxllr_log_likelihood(f, p, q, a, n):
    u = np.log(f) + a * np.log(p) + n * np.log1p(-p)
    v = np.log1p(-f) + a * np.log(q) + n * np.log1p(-q)
    return np.logaddexp(u, v)


def maxllr_scores(f, p, q, e, t):
    ae, ne, at, nt = e[..., 0], e[..., 1], t[..., 0], t[..., 1]
    return (maxllr_log_likelihood(f, p, q, ae + at, ne + nt) - maxllr_log_likelihood(f, p, q, ae, ne)
            - maxllr_log_likelihood(f, p, q, at, nt)).sum(-1)


# ---------------------------------------------------------------- cosine

def cosine_scores(e, t):
    cos = torch.nn.CosineSimilarity(dim=1, eps=1e-8)
    return torch.prod(cos(torch.tensor(e, dtype=torch.float64), torch.tensor(t, dtype=torch.float64)), dim=1).numpy()


# ---------------------------------------------------------------- upstream-style checkpoints

def write_checkpoints(rng, n=16):
    """Small scorer.pt files as upstream's torch.save(scorer.state_dict()) writes them
    (n_attributes=16): float32 alpha/typicality/dropout/llrs (llrs with +-inf and NaN, as
    degenerate attributes give upstream), float64 f, p, q."""
    from collections import OrderedDict
    folder = os.path.dirname(OUT)
    alpha = torch.tensor(rng.uniform(0.01, 3, (n, 2)), dtype=torch.float32)
    torch.save(OrderedDict(alpha=alpha), os.path.join(folder, "beta_scorer_n16.pt"))
    llrs = torch.tensor(rng.normal(0, 2, (2, n, 2)), dtype=torch.float32)
    llrs[1, 3, 1] = float("inf")
    llrs[0, 5, 1] = llrs[1, 5, 0] = float("-inf")
    llrs[0, 7, 0] = float("nan")
    torch.save(OrderedDict(typicality=torch.tensor(rng.uniform(0, 1, n), dtype=torch.float32),
                           dropout=torch.tensor(rng.uniform(0, 1, n), dtype=torch.float32),
                           llrs=llrs), os.path.join(folder, "dna_scorer_n16.pt"))
    f = torch.tensor(rng.uniform(0.05, 0.95, n), dtype=torch.float64)
    p = torch.tensor(1 - 10 ** -rng.uniform(1, 5.5, n), dtype=torch.float64)
    q = torch.tensor(rng.uniform(0.001, 0.2, n), dtype=torch.float64)
    torch.save(OrderedDict(f=f, p=p, q=q), os.path.join(folder, "maxllr_scorer_n16.pt"))


# ---------------------------------------------------------------- main

def main():
    rng = np.random.default_rng(20240917)
    ref = make_referential(rng)
    sides = make_sides(rng, ref)
    pairs = make_pairs(rng)
    e, t = sides[pairs[:, 0]], sides[pairs[:, 1]]
    single = (pairs[:, 0] < 48) & (pairs[:, 1] < 48)

    # Beta.
    alpha, alpha0, gmean, excluded = beta_fit(ref, N_ITER)
    beta_scores = beta_scores_torch(alpha, e, t)
    check = beta_scores_identity(alpha, e[::40], t[::40])
    assert np.allclose(check, beta_scores[::40], rtol=1e-10, atol=1e-7), "lgamma identity disagrees"
    alpha_f32 = alpha.astype(np.float32).astype(np.float64)
    beta_scores_f32 = beta_scores_torch(alpha_f32, e, t)
    # Upstream's own loop (torch float64 digamma) agrees wherever no guard acts.
    clean = (ref[:, :, 0] > 0).any(0) & (ref[:, :, 1] > 0).any(0)
    a0 = torch.tensor(alpha0, dtype=torch.float64)
    rt = torch.tensor(ref, dtype=torch.float64)
    for _ in range(3):
        num = a0 * (torch.digamma(rt + a0) - torch.digamma(a0)).sum(0)
        den = (torch.digamma(rt.sum(-1) + a0.sum(1)) - torch.digamma(a0.sum(1))).sum(0)
        a0 = num / den.unsqueeze(1)
    ours3, _, _, _ = beta_fit(ref, 3)
    assert np.allclose(a0.numpy()[clean], ours3[clean], rtol=1e-9), "beta fixed point disagrees"
    upstream_nan = bool(torch.isnan(a0).any())
    if mpmath is not None:
        for (x, r) in [(alpha[3, 0], 17), (alpha[10, 1], 1000), (1e-3, 250)]:
            exact = float(mpmath.digamma(mpmath.mpf(r) + x) - mpmath.digamma(mpmath.mpf(x)))
            assert abs(psi_diff_sum(np.array([r]), np.array(x)) - exact) < 1e-10 * max(1, abs(exact))
            lg = float(mpmath.loggamma(x + 2 * r) + mpmath.loggamma(x) - 2 * mpmath.loggamma(x + r))
            assert abs(g_ratio(x, r, r) - lg) < 1e-9 * max(1, abs(lg))

    # DNA / Speech.
    e_bits = (e[..., 0] > 0).astype(np.int64)
    t_bits = (t[..., 0] > 0).astype(np.int64)
    llr = {}
    for model in ("dna", "speech"):
        typ, dout, llrs = reference_llr_fit(ref, model)
        up_typ, up_dout = reference_llr_fit_upstream(ref, model)
        assert np.allclose(typ, up_typ, rtol=1e-12) and np.allclose(dout, up_dout, rtol=1e-12, atol=1e-15)
        scores = table_scores(llrs, e_bits[single], t_bits[single])
        scores_f32 = table_scores(llrs.astype(np.float32).astype(np.float64), e_bits[single], t_bits[single])
        llr[model] = {"typicality": b64(typ, "<f8"), "dropout": b64(dout, "<f8"), "llrs": b64(llrs, "<f8"),
                      "scores": b64(scores, "<f8"), "scoresF32Table": b64(scores_f32, "<f8")}

    # MaxLLR.
    f, p, q = maxllr_fit(ref, N_ITER)
    small = np.minimum(ref, 3)  # counts small enough for the upstream float64 loop
    uf, up, uq = maxllr_fit_upstream(small, 5)
    sf, sp, sq = maxllr_fit(small, 5)
    ok = (uf > 2 * DELTA) & (uf < 1 - 2 * DELTA) & (up > 2 * DELTA) & (uq > 2 * DELTA) & (up < 1 - 2 * DELTA) & (uq < 1 - 2 * DELTA)
    assert np.allclose(np.stack([uf, up, uq])[:, ok], np.stack([sf, sp, sq])[:, ok], rtol=1e-9), "EM disagrees"
    maxllr = maxllr_scores(f, p, q, e, t)

    cosine = cosine_scores(e, t)

    fixture = {
        "about": "generated by tools/make_scoring_fixtures.py (numpy/torch float64 with balr's documented guards)",
        "nAttributes": N_ATTR,
        "nSpeakers": N_SPEAKERS,
        "nIterations": N_ITER,
        "eps": EPS,
        "dropIn": DROP_IN,
        "typicalityThreshold": THRESHOLD,
        "referential": b64(ref, "<u2"),
        "sides": b64(sides, "<u2"),
        "pairs": b64(pairs, "<u2"),
        "singleTrials": b64(single, "u1"),
        "beta": {"alpha": b64(alpha, "<f8"), "alpha0": b64(alpha0, "<f8"), "geometricMean": gmean,
                 "excluded": excluded, "scores": b64(beta_scores, "<f8"),
                 "scoresF32Alpha": b64(beta_scores_f32, "<f8"), "upstreamAlphaHasNaN": upstream_nan},
        "dna": llr["dna"],
        "speech": llr["speech"],
        "maxllr": {"f": b64(f, "<f8"), "p": b64(p, "<f8"), "q": b64(q, "<f8"), "scores": b64(maxllr, "<f8")},
        "cosine": {"scores": b64(cosine, "<f8")},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(fixture, fh)
    write_checkpoints(np.random.default_rng(7))
    print(f"wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB); upstream beta NaN: {upstream_nan}; "
          f"excluded from gmean: {excluded}; mpmath checks: {mpmath is not None}")


if __name__ == "__main__":
    main()
