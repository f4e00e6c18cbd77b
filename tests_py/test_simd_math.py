"""The vector path (contiguous float32/float64 rows; AVX-512 or AVX2 chosen at run time) of the
transcendental kernels, i.e. the vector forms of the functors in src/kernels/common/unary_ops.h, against
numpy computed in float64: large arrays (> 2^16 elements, so the OpenMP chunks run), lengths that
leave vector tails, strided views (scalar loop), in place, special values, every instruction set the
machine has (EMBER_SIMD=avx2, EMBER_NO_SIMD=1 in subprocesses), and the max/min row loops."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import ember

rng = np.random.default_rng(7)
N = (1 << 16) + 1000 + 5  # above the OpenMP grain, and a tail that is not a multiple of 8


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e, 1.0) / (1.0 + e)


def _silu(x):
    with np.errstate(invalid="ignore"):
        return x * _sigmoid(x)


_erf = np.vectorize(math.erf, otypes=[np.float64])

# name, numpy reference in float64, input range, allowed error in ulps of the result's dtype. The
# tolerances hold for the SLEEF path and for the scalar (glibc) path of CPUs without AVX2/FMA
# (EMBER_NO_SIMD=1 forces it).
OPS = [
    ("exp", np.exp, (-100.0, 90.0), 1),
    ("tanh", np.tanh, (-12.0, 12.0), 2),  # float32 vector: own formula, 1.4 ulp; glibc's tanhf: < 2 ulp
    ("log", np.log, (1e-30, 1e30), 1),
    ("sigmoid", _sigmoid, (-110.0, 110.0), 2),
    ("exp2", np.exp2, (-150.0, 128.0), 1),
    ("expm1", np.expm1, (-20.0, 20.0), 1),
    ("log2", np.log2, (1e-30, 1e30), 1),
    ("log10", np.log10, (1e-30, 1e30), 2),  # glibc's log10f (scalar path, CPUs without AVX2)
    ("log1p", np.log1p, (-0.99, 1e10), 1),
    ("sin", np.sin, (-1e4, 1e4), 1),
    ("cos", np.cos, (-1e4, 1e4), 1),
    ("tan", np.tan, (-10.0, 10.0), 1),
    ("asin", np.arcsin, (-1.0, 1.0), 1),
    ("acos", np.arccos, (-1.0, 1.0), 1),
    ("atan", np.arctan, (-1e3, 1e3), 1),
    ("sinh", np.sinh, (-80.0, 80.0), 2),  # glibc's sinhf (scalar path)
    ("cosh", np.cosh, (-80.0, 80.0), 1),
    ("erf", _erf, (-5.0, 5.0), 1),
    ("silu", _silu, (-100.0, 100.0), 3),  # x * sigmoid(x): sigmoid's 2.2 ulp and the product's rounding
]

SPECIALS = [np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-45, -1e-45, 1e-40, -3e-39, 1.1754944e-38, 88.7, 88.8, -87.0,
            -103.9, -104.0, -150.0, 89.3, -89.3, 1e38, 3e38, 1e30, -1e30, 3.4e38, -3.4e38, 1.0, -1.0, 0.5, 1e-8, -1e-8, 0.5493, 0.5492999, -0.5493, 0.56217, 9.0, 10.0, 11.0]


def _inputs(lo, hi, dtype, n=N):
    if lo > 0:  # log-uniform over positive ranges
        x = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    else:
        x = rng.uniform(lo, hi, n)
    x = x.astype(dtype)
    x[: len(SPECIALS)] = np.array(SPECIALS, dtype=np.float64).astype(dtype)
    rng.shuffle(x)
    return x


def _check(name, got, x, ref_fn, ulps):
    dtype = x.dtype
    with np.errstate(all="ignore"):
        ref = ref_fn(x.astype(np.float64))
        ref_r = ref.astype(dtype)  # overflow to inf is intended
    # nan and inf must match exactly (same sign), finite values within `ulps` of the rounded reference
    # (plus the reference's own rounding); results that underflow to denormals get an absolute tolerance.
    nan = np.isnan(ref_r)
    assert np.array_equal(np.isnan(got), nan), (name, dtype, x[np.isnan(got) != nan][:5])
    inf = np.isinf(ref_r)
    mism = (got[inf] != ref_r[inf])
    assert not mism.any(), (name, dtype, x[inf][mism][:5], got[inf][mism][:5])
    fin = ~nan & ~inf
    g, r = got[fin].astype(np.float64), ref[fin]
    if dtype == np.float64:  # the oracle is float64 itself: numpy's SIMD tanh etc. are off by up to 3 ulp
        ulps += 3
    tol = (ulps + 0.5) * np.spacing(np.abs(ref_r[fin])).astype(np.float64) + np.finfo(dtype).smallest_subnormal
    if name == "silu":  # x * sigmoid(x): sigmoid's denormal rounding error scaled by |x|
        tol = tol + np.abs(x[fin]).astype(np.float64) * np.finfo(dtype).smallest_subnormal
    bad = ~(np.abs(g - r) <= tol)
    assert not bad.any(), (name, dtype, x[fin][bad][:5], g[bad][:5], r[bad][:5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,ref,rng_,ulps", OPS, ids=[o[0] for o in OPS])
def test_vector_path_matches_numpy_float64(name, ref, rng_, ulps, dtype):
    x = _inputs(*rng_, dtype)
    got = getattr(ember, name)(ember.from_numpy(x)).numpy()
    assert got.dtype == dtype
    _check(name, got, x, ref, ulps)


@pytest.mark.parametrize("name,ref,rng_,ulps", OPS, ids=[o[0] for o in OPS])
def test_vector_tails_strided_and_inplace(name, ref, rng_, ulps):
    x = _inputs(*rng_, np.float32, n=2 * 1031)
    fn = getattr(ember, name)
    for n in (1, 7, 8, 9, 15, 16, 17, 31, 1031):  # every tail length of both loops
        _check(name, fn(ember.from_numpy(x[:n].copy())).numpy(), x[:n], ref, ulps)
    t = ember.from_numpy(x)[::2]  # strided: the scalar loop
    _check(name, fn(t).numpy(), x[::2], ref, ulps)
    inplace = getattr(ember.Tensor, name + "_", None)
    if inplace is not None:
        t = ember.from_numpy(x.copy())
        inplace(t)
        _check(name, t.numpy(), x, ref, ulps)


def test_exp_tanh_special_values_exact():
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 100.0, -200.0], dtype=np.float32)
    x = np.tile(x, 10000)  # large: the vector path
    e = ember.exp(ember.from_numpy(x)).numpy()[:7]
    np.testing.assert_array_equal(e, np.array([np.inf, 0.0, np.nan, 1.0, 1.0, np.inf, 0.0], dtype=np.float32))
    t = ember.tanh(ember.from_numpy(x)).numpy()[:7]
    np.testing.assert_array_equal(t, np.array([1.0, -1.0, np.nan, 0.0, -0.0, 1.0, -1.0], dtype=np.float32))
    assert np.signbit(t[4])
    s = ember.sigmoid(ember.from_numpy(x)).numpy()[:7]
    np.testing.assert_array_equal(s, np.array([1.0, 0.0, np.nan, 0.5, 0.5, 1.0, 0.0], dtype=np.float32))
    lg = ember.log(ember.from_numpy(np.tile(np.array([0.0, -0.0, -1.0, np.inf, 1.0, 1e-45], np.float32), 10000)))
    lg = lg.numpy()[:6]
    np.testing.assert_array_equal(lg[:5], np.array([-np.inf, -np.inf, np.nan, np.inf, 0.0], dtype=np.float32))
    np.testing.assert_allclose(lg[5], np.log(np.float64(np.float32(1e-45))), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_vector_path(approximate, dtype):
    x = _inputs(-10.0, 10.0, dtype)
    x64 = x.astype(np.float64)
    with np.errstate(invalid="ignore"):  # -inf * 0 = nan, as the kernels compute it
        if approximate == "none":
            ref = x64 * 0.5 * (1.0 + _erf(x64 / math.sqrt(2.0)))
        else:
            ref = 0.5 * x64 * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x64 + 0.044715 * x64**3)))
    got = ember.gelu(ember.from_numpy(x), approximate=approximate).numpy()
    assert got.dtype == dtype
    fin = np.isfinite(x)
    np.testing.assert_array_equal(got[~np.isfinite(x)], ref[~np.isfinite(x)])  # nan, inf, -inf -> nan
    # 1 + erf/tanh cancels for x < 0: an absolute tolerance of a few ulps of 1, scaled by |x|
    eps = np.finfo(dtype).eps
    tol = 4 * eps * (np.abs(ref[fin]) + np.abs(x64[fin])) + np.finfo(dtype).smallest_subnormal  # x / 2 underflows
    bad = ~(np.abs(got[fin] - ref[fin]) <= tol)
    assert not bad.any(), (x[fin][bad][:5], got[fin][bad][:5], ref[fin][bad][:5])


def _round_bf16(x64):
    """float64 -> bfloat16 (round to nearest even), returned as float32."""
    b = x64.astype(np.float32).view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16 << 16
    out = b.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(x64), np.float32(np.nan), out)


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,ref,rng_,ulps", OPS, ids=[o[0] for o in OPS])
def test_half_types_through_float_vectors(name, ref, rng_, ulps, half):
    """float16 / bfloat16 go through the float32 vector loops: within one ulp of the half type of the
    float64 reference (the float result is within a float ulp, then rounded once), tails and strides."""
    lo, hi = rng_
    if half == "float16":
        lo, hi = max(lo, -6e4), min(hi, 6e4)
        lo = max(lo, 1e-4) if lo > 0 else lo
    x = _inputs(lo, hi, np.float32, n=(1 << 15) + 37)
    x = x[np.isfinite(x) & (np.abs(x) < (6e4 if half == "float16" else 3e38))]
    dt = getattr(ember, half)
    t = ember.from_numpy(x).to(dt)
    xs = t.to(ember.float64).numpy()  # the values the kernel saw
    for got_t, xv in ((getattr(ember, name)(t), xs), (getattr(ember, name)(t[::3]), xs[::3])):
        got = got_t.to(ember.float64).numpy()
        with np.errstate(all="ignore"):
            r = ref(xv)
            rr = r.astype(np.float16).astype(np.float64) if half == "float16" else _round_bf16(r).astype(np.float64)
        assert np.array_equal(np.isnan(got), np.isnan(rr)), (name, half)
        fin = np.isfinite(rr) & np.isfinite(got)
        assert np.array_equal(np.isinf(got), np.isinf(rr)), (name, half, xv[np.isinf(got) != np.isinf(rr)][:5])
        if half == "float16":
            sp = np.spacing(np.abs(rr[fin]).astype(np.float16)).astype(np.float64)
        else:
            sp = np.abs(rr[fin]) * 2.0 ** -7 + 2.0 ** -133
        bad = np.abs(got[fin] - rr[fin]) > sp + 6e-8
        assert not bad.any(), (name, half, xv[fin][bad][:5], got[fin][bad][:5], rr[fin][bad][:5])


def test_erf_float32_whole_range():
    """float32 erf has its own approximation (two regions, split at 0.921875, clamped at 4): random bit
    patterns over every finite float, and dense samples around the split and the clamp."""
    bits = rng.integers(0, 0x7F800000, size=400_000, dtype=np.uint32)
    x = np.concatenate([bits.view(np.float32),
                        np.linspace(0.9, 0.95, 50_000, dtype=np.float32),
                        np.linspace(3.8, 4.2, 20_000, dtype=np.float32),
                        np.linspace(0.0, 6.0, 100_000, dtype=np.float32)])
    x = np.concatenate([x, -x])
    _check("erf", ember.erf(ember.from_numpy(x)).numpy(), x, _erf, 1)


_OWN = {"exp": (np.exp, 1), "log": (np.log, 1), "tanh": (np.tanh, 2), "sigmoid": (_sigmoid, 2), "silu": (_silu, 3),
        "erf": (_erf, 1)}


@pytest.mark.parametrize("name", sorted(_OWN))
def test_own_float32_kernels_whole_range(name):
    """The own float32 kernels (kernels/common/vec_poly.h): random bit patterns over every float, both
    signs, and the edges of their ranges."""
    ref, ulps = _OWN[name]
    bits = rng.integers(0, 0x7F800001, size=300_000, dtype=np.uint32)
    x = np.concatenate([bits.view(np.float32), np.array(SPECIALS, np.float32),
                        np.linspace(-105, 90, 20_001, dtype=np.float32), np.linspace(-1, 1, 20_001, dtype=np.float32)])
    x = np.concatenate([x, -x])
    if name == "log":
        x = np.abs(x)
    _check(name, getattr(ember, name)(ember.from_numpy(x)).numpy(), x, ref, ulps)


_ISA_SCRIPT = r"""
import sys, numpy as np, ember
x = np.load(sys.argv[1])
out = {}
for name in ("exp", "log", "tanh", "sigmoid", "silu", "erf", "sin", "log1p", "sinh"):
    for dt in (np.float32, np.float64):
        v = np.abs(x) if name in ("log", "log1p") else x
        out[name + str(np.dtype(dt))] = getattr(ember, name)(ember.from_numpy(v.astype(dt))).numpy()
for a in ("none", "tanh"):
    out["gelu_" + a] = ember.gelu(ember.from_numpy(x), approximate=a).numpy()
r = np.load(sys.argv[3])
for dt in (np.float32, np.float64):
    t = ember.from_numpy(r.astype(dt))
    out["max" + str(np.dtype(dt))] = ember.amax(t, 1).numpy()
    out["min" + str(np.dtype(dt))] = ember.amin(t, 1).numpy()
    out["argmax" + str(np.dtype(dt))] = ember.argmax(t, 1).numpy()
    out["argmin" + str(np.dtype(dt))] = ember.argmin(t, 1).numpy()
np.savez(sys.argv[2], **out)
"""


def _run_isa(tmp_path, env_extra, x, rows):
    env = {k: v for k, v in os.environ.items() if k not in ("EMBER_SIMD", "EMBER_NO_SIMD")}
    env.update(env_extra)
    tag = "_".join(f"{k}{v}" for k, v in env_extra.items()) or "default"
    xin, rin, out = tmp_path / "x.npy", tmp_path / "r.npy", tmp_path / f"out_{tag}.npz"
    np.save(xin, x)
    np.save(rin, rows)
    script = tmp_path / "isa.py"
    script.write_text(_ISA_SCRIPT)
    subprocess.run([sys.executable, str(script), str(xin), str(out), str(rin)], env=env, check=True)
    return dict(np.load(out))


def test_every_instruction_set_agrees(tmp_path):
    """The best table (AVX-512 where the CPU has it), AVX2 (EMBER_SIMD=avx2) and the scalar forms
    (EMBER_NO_SIMD=1): the own float32 kernels give the same bits on AVX-512 and AVX2 (one formula,
    the same IEEE operations), every path is within its bound of float64, and the max/min/argmax row
    loops give numpy's answers (ties: the first index; a NaN wins)."""
    x = _inputs(-30.0, 30.0, np.float32, n=(1 << 15) + 13)
    rows = rng.standard_normal((9, 1100))
    rows[1, 700] = np.nan
    rows[2, :] = 1.0
    rows[3, 5] = rows[3, 1000] = 9.0
    rows[4, 3] = -0.0
    rows[5, 1099] = 10.0
    rows[6, 1050] = -10.0
    rows[7, 600] = np.inf
    rows[8, 0] = np.nan
    runs = {"default": _run_isa(tmp_path, {}, x, rows), "avx2": _run_isa(tmp_path, {"EMBER_SIMD": "avx2"}, x, rows),
            "scalar": _run_isa(tmp_path, {"EMBER_NO_SIMD": "1"}, x, rows)}
    for name in ("exp", "log", "tanh", "sigmoid", "silu", "erf"):
        a, b = runs["default"][name + "float32"], runs["avx2"][name + "float32"]
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32)) or np.array_equal(a, b, equal_nan=True), name
    for which, run in runs.items():
        for name, ref, _, ulps in OPS:
            if name + "float32" not in run:
                continue
            for dt in (np.float32, np.float64):
                v = np.abs(x) if name in ("log", "log1p") else x
                _check(name, run[name + str(np.dtype(dt))], v.astype(dt), ref, ulps)
        for dt in (np.float32, np.float64):
            r = rows.astype(dt)
            with np.errstate(invalid="ignore"):
                np.testing.assert_array_equal(run["max" + str(np.dtype(dt))], r.max(1), err_msg=which)
                np.testing.assert_array_equal(run["min" + str(np.dtype(dt))], r.min(1), err_msg=which)
            np.testing.assert_array_equal(run["argmax" + str(np.dtype(dt))], r.argmax(1), err_msg=which)
            np.testing.assert_array_equal(run["argmin" + str(np.dtype(dt))], r.argmin(1), err_msg=which)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 63, 255, 256, 257, 511, 512, 513, 1023, 1024, 2049, 5000])
def test_vector_max_min_rows(n, dtype):
    """The max/min row loops (src/kernels/cpu/vec_reduce.h) at every block and tail boundary: values,
    first indices of ties, the sign of a zero extreme, a NaN anywhere."""
    x = rng.integers(-50, 50, size=(4, n)).astype(dtype)  # many ties
    x[1] = -np.abs(x[1]) - 1
    x[1, n // 2] = -0.0 if n > 2 else x[1, n // 2]
    x[2, rng.integers(0, n)] = np.nan
    x[3] = 0.0
    x[3, n - 1] = -0.0
    t = ember.from_numpy(x)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(ember.amax(t, 1).numpy(), x.max(1))
        np.testing.assert_array_equal(ember.amin(t, 1).numpy(), x.min(1))
    np.testing.assert_array_equal(ember.argmax(t, 1).numpy(), x.argmax(1))
    np.testing.assert_array_equal(ember.argmin(t, 1).numpy(), x.argmin(1))
    v, i = ember.max(t, 1)
    np.testing.assert_array_equal(i.numpy(), x.argmax(1))
    np.testing.assert_array_equal(np.signbit(v.numpy()), np.signbit(x[np.arange(4), x.argmax(1)]))
