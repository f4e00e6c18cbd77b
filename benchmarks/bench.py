#!/usr/bin/env python3
"""ember vs numpy vs PyTorch micro-benchmarks (workloads S1..S11 of BENCHMARKS.md).

Every case is measured for each available library back to back; the table shows medians and the
ratios ember/numpy and ember/torch expressed as *time* ratios (> 1 means ember is slower,
< 1 means ember is faster), whatever the unit of the case.

Run (see benchmarks/README.md):
    /work/bench-venv/bin/python benchmarks/bench.py            # torch + numpy + ember (in-process)
    .venv/bin/python benchmarks/bench.py                        # ember + numpy only
    python benchmarks/bench.py --isolate                        # each (case, library) in a subprocess

Libraries are imported lazily; a missing library or a missing function shows as "n/a".
This file imports nothing but the standard library at module level.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

perf_ns = time.perf_counter_ns

ALL_CASES = ["S1", "S1k", "S2", "S2b", "S3", "S4", "S4d", "S4m", "S4a", "S5", "S9", "S10", "S10f", "S11"]
ALL_LIBS = ["ember", "numpy", "torch"]
# unit -> True when higher is better
UNITS = {"ns/op": False, "us": False, "ms": False, "x": False,
         "GB/s": True, "Gelem/s": True, "GFLOP/s": True}

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_EMBER_VENV = os.path.join(REPO, ".venv")
DEFAULT_TORCH_VENV = "/work/bench-venv"

MIN_REPEAT_NS = 20_000_000  # each timed repeat lasts at least 20 ms


class NA(Exception):
    """The case does not apply to / is not supported by this library."""


# --------------------------------------------------------------------------------------------
# timing harness
# --------------------------------------------------------------------------------------------
class Timer:
    def __init__(self, quick: bool):
        self.quick = quick
        self.max_repeats = 5 if quick else 15
        self.min_repeats = 3 if quick else 5
        self.budget_ns = (0.4 if quick else 1.5) * 1e9

    def __call__(self, run):
        """run(n) executes the operation n times and returns elapsed ns.
        Returns the median ns per operation."""
        run(1)  # warm-up (first call: allocation, lazy init, caches)
        n = 1
        while True:
            t = run(n)
            if t >= MIN_REPEAT_NS:
                break
            n = max(n * 2, int(n * MIN_REPEAT_NS * 1.25 / max(t, 1)))
        repeats = int(self.budget_ns // max(t, 1))
        repeats = max(self.min_repeats, min(self.max_repeats, repeats))
        samples = [run(n) / n for _ in range(repeats)]
        return statistics.median(samples)


# --------------------------------------------------------------------------------------------
# library adapters
# --------------------------------------------------------------------------------------------
class Lib:
    def __init__(self, name, mod, np):
        self.name = name
        self.m = mod
        self.np = np

    def fn(self, attr):
        f = getattr(self.m, attr, None)
        if f is None:
            raise NA(f"{self.name}.{attr} missing")
        return f

    def from_np(self, arr):
        """A library tensor holding a copy/view of the numpy array `arr`."""
        if self.name == "numpy":
            return arr.copy()
        m = self.m
        errors = []
        for attr in ("from_numpy", "as_tensor", "tensor"):
            f = getattr(m, attr, None)
            if f is None:
                continue
            try:
                return f(arr)
            except Exception as e:  # noqa: BLE001
                errors.append(f"{attr}: {type(e).__name__}")
        f = getattr(m, "tensor", None)
        if f is not None and arr.size <= (1 << 20):
            try:
                return f(arr.tolist())
            except Exception as e:  # noqa: BLE001
                errors.append(f"tensor(list): {type(e).__name__}")
        raise NA("cannot create tensor (" + ", ".join(errors or ["no from_numpy/tensor"]) + ")")

    def sync(self, x):
        return x


def import_lib(name, args):
    """Import a library lazily; returns (module, None) or (None, reason)."""
    try:
        if name == "ember":
            ensure_ember_importable(args)
        mod = __import__(name)
        return mod, None
    except Exception as e:  # noqa: BLE001
        return None, f"import failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


_ember_site_added = None


def _ember_site_dirs(args):
    if args.ember_site:
        return [args.ember_site]
    venv = args.ember_venv or DEFAULT_EMBER_VENV
    pyver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return sorted(glob.glob(os.path.join(venv, "lib", pyver, "site-packages")))


def ensure_ember_importable(args):
    """Make ember importable from a different interpreter/venv (e.g. the torch venv).

    The ember venv's site-packages is appended to the END of sys.path (so this interpreter's
    numpy/torch win), and only ember's .pth files (scikit-build-core's editable redirect, e.g.
    `_ember_editable.pth` -> `import _ember_editable`, which installs a meta-path finder) are
    processed; the other .pth files of that venv are ignored."""
    global _ember_site_added
    try:
        import importlib.util
        if importlib.util.find_spec("ember") is not None:
            return
    except Exception:  # noqa: BLE001
        pass
    if _ember_site_added is not None:
        return
    _ember_site_added = []
    for d in _ember_site_dirs(args):
        if not os.path.isdir(d):
            continue
        if d not in sys.path:
            sys.path.append(d)
        _ember_site_added.append(d)
        for pth in sorted(glob.glob(os.path.join(d, "*.pth"))):
            if "ember" not in os.path.basename(pth).lower():
                continue
            with open(pth, encoding="utf-8") as fh:
                for line in fh:
                    line = line.rstrip("\n")
                    if not line or line.startswith("#"):
                        continue
                    if line.startswith(("import ", "import\t")):
                        exec(line)  # noqa: S102 - same as site.addpackage
                        continue
                    p = os.path.join(d, line)
                    if os.path.exists(p) and p not in sys.path:
                        sys.path.append(p)


def set_threads(name, mod, n):
    if n is None:
        return None
    if name == "torch":
        mod.set_num_threads(n)
        return f"torch.set_num_threads({n})"
    if name == "ember":
        f = getattr(mod, "set_num_threads", None)
        if f is None:
            return "ember.set_num_threads missing"
        f(n)
        return f"ember.set_num_threads({n})"
    if name == "numpy":
        try:
            import threadpoolctl
            threadpoolctl.threadpool_limits(n)
            return f"threadpoolctl({n}) + env"
        except ImportError:
            return "env OPENBLAS/OMP_NUM_THREADS"
    return None


# --------------------------------------------------------------------------------------------
# cases: each returns a list of (sub, value, unit); raises NA when not applicable
# --------------------------------------------------------------------------------------------
def rng_array(np, shape, seed=0, kind="normal"):
    r = np.random.default_rng(seed)
    if kind == "uniform":
        return r.random(shape, dtype=np.float32)
    return r.standard_normal(shape, dtype=np.float32)


def case_S1(L, T, args):
    np = L.np
    a = L.from_np(np.array([1.5], dtype=np.float32))
    b = L.from_np(np.array([2.5], dtype=np.float32))
    a + b  # noqa: B018 - raises if unsupported

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = a + b  # noqa: F841
        return perf_ns() - t0
    return [("a + b, 1 elem", T(run), "ns/op")]


def case_S1k(L, T, args):
    if L.name == "numpy":
        raise NA("numpy.add has no alpha")
    np = L.np
    add = L.fn("add")
    a = L.from_np(np.array([1.5], dtype=np.float32))
    b = L.from_np(np.array([2.5], dtype=np.float32))
    add(a, b, alpha=2.0)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = add(a, b, alpha=2.0)  # noqa: F841
        return perf_ns() - t0
    return [("add(a, b, alpha=2.0)", T(run), "ns/op")]


N24 = 1 << 24


def case_S2(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 1))
    b = L.from_np(rng_array(np, N24, 2))
    c = a + b  # noqa: F841
    del c

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = a + b  # noqa: F841
        return perf_ns() - t0
    ns = T(run)
    return [("c = a + b (new), 2^24", 3 * N24 * 4 / ns, "GB/s")]


def case_S2b(L, T, args):
    np = L.np
    add = L.fn("add")
    a = L.from_np(rng_array(np, N24, 1))
    b = L.from_np(rng_array(np, N24, 2))
    c = L.from_np(np.zeros(N24, dtype=np.float32))
    add(a, b, out=c)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            add(a, b, out=c)
        return perf_ns() - t0
    ns = T(run)
    return [("add(a, b, out=c), 2^24", 3 * N24 * 4 / ns, "GB/s")]


def case_S3(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 3))
    rows = []
    for op in ("exp", "tanh"):
        try:
            f = L.fn(op)
            f(a)
        except NA as e:
            rows.append((op + ", 2^24", e, "Gelem/s"))
            continue

        def run(n, f=f):
            t0 = perf_ns()
            for _ in range(n):
                c = f(a)  # noqa: F841
            return perf_ns() - t0
        rows.append((op + ", 2^24", N24 / T(run), "Gelem/s"))
    return rows


def case_S4(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 4))
    f = L.fn("sum")
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("sum, 2^24", N24 * 4 / T(run), "GB/s")]


def _mat4096(L, seed):
    return L.from_np(rng_array(L.np, (4096, 4096), seed))


def _reduce_dim(L, fname, dim):
    """Returns callable x -> reduction of x over dim, library-appropriate."""
    if L.name == "numpy":
        f = L.fn(fname)
        return lambda x: f(x, axis=dim)
    f = L.fn(fname)
    return lambda x: f(x, dim=dim)


def case_S4d(L, T, args):
    a = _mat4096(L, 5)
    f = _reduce_dim(L, "sum", 1)
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("sum(dim=1), 4096^2", 4096 * 4096 * 4 / T(run), "GB/s")]


def case_S4m(L, T, args):
    a = _mat4096(L, 6)
    rows = []
    for dim in (0, 1):
        label = f"max(dim={dim}) 4096^2"
        f = _reduce_dim(L, "max", dim)
        r = f(a)
        if L.name != "numpy":
            # must return (values, indices)
            try:
                _v, _i = r
            except Exception:  # noqa: BLE001
                raise NA("max(dim) does not return (values, indices)") from None

        def run(n, f=f):
            t0 = perf_ns()
            for _ in range(n):
                s = f(a)  # noqa: F841
            return perf_ns() - t0
        v = 4096 * 4096 * 4 / T(run)
        rows.append((label, (v, "values only (numpy .max(axis))") if L.name == "numpy" else v, "GB/s"))
    return rows


def case_S4a(L, T, args):
    a = _mat4096(L, 7)
    f = _reduce_dim(L, "amax", 0)
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("amax(dim=0), 4096^2", 4096 * 4096 * 4 / T(run), "GB/s")]


def case_S5(L, T, args):
    np = L.np
    mm = L.fn("matmul")
    rows = []
    shapes = [((n, n), (n, n), 2.0 * n ** 3, f"matmul {n}") for n in (128, 512, 1024, 2048)]
    shapes.append(((64, 128, 128), (64, 128, 128), 64 * 2.0 * 128 ** 3, "bmm 64x128^2"))
    for sa, sb, flops, label in shapes:
        a = L.from_np(rng_array(np, sa, 8))
        b = L.from_np(rng_array(np, sb, 9))
        try:
            mm(a, b)
        except Exception as e:  # noqa: BLE001
            rows.append((label, NA(f"{type(e).__name__}: {e}"), "GFLOP/s"))
            continue

        def run(n, a=a, b=b):
            t0 = perf_ns()
            for _ in range(n):
                c = mm(a, b)  # noqa: F841
            return perf_ns() - t0
        rows.append((label, flops / T(run), "GFLOP/s"))
    return rows


def case_S9(L, T, args):
    if L.name == "numpy":
        raise NA("not applicable to numpy")
    np = L.np
    fn = L.fn("from_numpy")
    rows = []
    for label, size in (("1 KiB", 256), ("64 MiB", N24)):
        arr = rng_array(np, size, 10)
        try:
            t = fn(arr)
        except Exception as e:  # noqa: BLE001
            rows.append((f"from_numpy {label}", NA(f"{type(e).__name__}"), "us"))
            t = None
        else:
            def run(n, arr=arr):
                t0 = perf_ns()
                for _ in range(n):
                    x = fn(arr)  # noqa: F841
                return perf_ns() - t0
            rows.append((f"from_numpy {label}", T(run) / 1e3, "us"))
        try:
            if t is None:
                t = L.from_np(arr)
            to_np = t.numpy
            to_np()
        except Exception as e:  # noqa: BLE001
            rows.append((f".numpy() {label}", NA(f"{type(e).__name__}"), "us"))
            continue

        def run2(n, t=t):
            f = t.numpy
            t0 = perf_ns()
            for _ in range(n):
                x = f()  # noqa: F841
            return perf_ns() - t0
        rows.append((f".numpy() {label}", T(run2) / 1e3, "us"))
    return rows


def _chain_ops(L):
    m = L.m
    tanh = L.fn("tanh")

    def forward(x):
        y = x
        for i in range(100):
            k = i % 3
            if k == 0:
                y = y * 1.01
            elif k == 1:
                y = y + 0.1
            else:
                y = tanh(y)
        return y
    return m, forward


def _leaf16(L):
    np = L.np
    x = L.from_np(rng_array(np, 16, 11))
    if hasattr(x, "requires_grad_"):
        x.requires_grad_(True)
    else:
        try:
            x.requires_grad = True
        except Exception:  # noqa: BLE001
            raise NA("no requires_grad") from None
    if not getattr(x, "requires_grad", False):
        raise NA("requires_grad not set")
    return x


def case_S10(L, T, args):
    if L.name == "numpy":
        raise NA("no autograd")
    m, forward = _chain_ops(L)
    x = _leaf16(L)
    y = forward(x).sum()
    if not hasattr(y, "backward"):
        raise NA("no backward")
    y.backward()

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            forward(x).sum().backward()
        return perf_ns() - t0
    return [("100 ops fwd+bwd, 16 elem", T(run) / 1e3, "us")]


def case_S10f(L, T, args):
    if L.name == "numpy":
        raise NA("no autograd")
    m, forward = _chain_ops(L)
    x = _leaf16(L)
    no_grad = getattr(m, "no_grad", None)
    if no_grad is None:
        raise NA("no_grad missing")
    forward(x)

    def run_rec(n):
        t0 = perf_ns()
        for _ in range(n):
            y = forward(x)  # noqa: F841
        return perf_ns() - t0

    def run_ng(n):
        with no_grad():
            t0 = perf_ns()
            for _ in range(n):
                y = forward(x)  # noqa: F841
            return perf_ns() - t0
    rec = T(run_rec) / 1e3
    ng = T(run_ng) / 1e3
    return [("fwd, recording", rec, "us"), ("fwd, no_grad", ng, "us"),
            ("recording / no_grad", rec / ng, "x")]


def _python_for(lib, args):
    """An interpreter that can `import lib` by itself, or None."""
    cands = [sys.executable]
    if lib == "ember":
        cands.append(args.ember_python or os.path.join(args.ember_venv or DEFAULT_EMBER_VENV, "bin", "python"))
    if lib == "torch":
        cands.append(args.torch_python or os.path.join(DEFAULT_TORCH_VENV, "bin", "python"))
    for py in cands:
        if not py or not os.path.exists(py):
            continue
        r = subprocess.run([py, "-c", f"import {lib}"], capture_output=True, timeout=300)
        if r.returncode == 0:
            return py
    return None


def case_S11(L, T, args):
    py = _python_for(L.name, args)
    if py is None:
        raise NA("no interpreter imports it by itself")

    def wall(code):
        ts = []
        for _ in range(5):
            t0 = perf_ns()
            subprocess.run([py, "-c", code], check=True, capture_output=True, timeout=300)
            ts.append(perf_ns() - t0)
        return statistics.median(ts) / 1e6
    base = wall("pass")
    imp = wall(f"import {L.name}")
    note = f"{py}; bare interpreter start {base:.0f} ms"
    return [("import wall time", (imp, note), "ms")]


CASE_FUNCS = {k: globals()["case_" + k] for k in ALL_CASES}


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------
def run_inprocess(cases, libs, args):
    """Returns results: {case: {sub: {"unit":u, "values":{lib:v}, "na":{lib:reason}, "notes":{}}}}"""
    import numpy as np
    T = Timer(args.quick)
    mods = {}
    meta_libs = {}
    for name in libs:
        if name == "numpy":
            mod, err = np, None
        else:
            mod, err = import_lib(name, args)
        thr = None
        if mod is not None:
            try:
                thr = set_threads(name, mod, args.threads)
            except Exception as e:  # noqa: BLE001
                thr = f"set threads failed: {e}"
        mods[name] = (mod, err)
        meta_libs[name] = {
            "version": getattr(mod, "__version__", "?") if mod else None,
            "file": getattr(mod, "__file__", None) if mod else None,
            "error": err, "threads": thr,
        }
        if name == "torch" and mod is not None:
            meta_libs[name]["num_threads"] = mod.get_num_threads()
        if name == "ember" and mod is not None:
            g = getattr(mod, "get_num_threads", None)
            if g is not None:
                try:
                    meta_libs[name]["num_threads"] = g()
                except Exception:  # noqa: BLE001
                    pass
    results = {}
    for case in cases:
        results[case] = {}
        for name in libs:
            mod, err = mods[name]
            if not args.child:
                print(f"  {case:5s} {name:6s} ...", end="", flush=True, file=sys.stderr)
            t0 = time.time()
            rows = []
            if mod is None:
                rows = [(None, NA(err), None)]
            else:
                L = Lib(name, mod, np)
                try:
                    rows = CASE_FUNCS[case](L, T, args)
                except NA as e:
                    rows = [(None, e, None)]
                except Exception as e:  # noqa: BLE001
                    if args.verbose:
                        traceback.print_exc()
                    rows = [(None, NA(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"), None)]
            if not args.child:
                print(f" {time.time() - t0:.1f}s", file=sys.stderr)
            record_rows(results[case], name, rows)
    return results, meta_libs


def record_rows(case_res, lib, rows):
    for sub, val, unit in rows:
        key = sub if sub is not None else "*"
        ent = case_res.setdefault(key, {"unit": unit, "values": {}, "na": {}, "notes": {}})
        if unit and not ent["unit"]:
            ent["unit"] = unit
        if isinstance(val, tuple):
            val, note = val
            ent["notes"][lib] = note
        if isinstance(val, Exception):
            ent["na"][lib] = str(val)[:160]
        else:
            ent["values"][lib] = float(val)


def merge(dst, src):
    for case, subs in src.items():
        d = dst.setdefault(case, {})
        for sub, ent in subs.items():
            e = d.setdefault(sub, {"unit": ent.get("unit"), "values": {}, "na": {}, "notes": {}})
            if ent.get("unit") and not e["unit"]:
                e["unit"] = ent["unit"]
            for k in ("values", "na", "notes"):
                e[k].update(ent.get(k, {}))


def lib_python(name, args):
    if name == "ember":
        py = args.ember_python or os.path.join(args.ember_venv or DEFAULT_EMBER_VENV, "bin", "python")
        if os.path.exists(py):
            return py
    if name == "torch":
        py = args.torch_python or os.path.join(DEFAULT_TORCH_VENV, "bin", "python")
        if os.path.exists(py):
            return py
    return sys.executable


def run_isolated(cases, libs, args):
    """Each (case, library) in its own subprocess, run back to back."""
    results, meta_libs = {}, {}
    passthru = []
    if args.threads is not None:
        passthru += ["--threads", str(args.threads)]
    if args.quick:
        passthru.append("--quick")
    for opt in ("ember_site", "ember_venv", "ember_python", "torch_python"):
        v = getattr(args, opt)
        if v:
            passthru += ["--" + opt.replace("_", "-"), v]
    for case in cases:
        for name in libs:
            py = lib_python(name, args)
            print(f"  {case:5s} {name:6s} [{py}] ...", end="", flush=True, file=sys.stderr)
            t0 = time.time()
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tf:
                out = tf.name
            cmd = [py, os.path.abspath(__file__), "--child", "--libs", name, "--cases", case,
                   "--json", out] + passthru
            r = None
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.child_timeout)
                with open(out, encoding="utf-8") as fh:
                    data = json.load(fh)
                merge(results, data["results"])
                meta_libs.setdefault(name, data["meta"]["libs"].get(name, {}))
                meta_libs[name]["python"] = py
            except Exception as e:  # noqa: BLE001 - crash, timeout, no json
                rc = getattr(r, "returncode", None)
                if rc is not None and rc < 0:
                    why = f"subprocess crashed (signal {-rc})"
                elif isinstance(e, subprocess.TimeoutExpired):
                    why = f"subprocess timed out after {args.child_timeout}s"
                else:
                    why = f"subprocess failed (rc={rc}): {type(e).__name__}"
                lines = (r.stderr or "").strip().splitlines() if r is not None else []
                frames = [ln.strip() for ln in lines if ln.startswith("  File ")]
                if rc is not None and rc < 0 and frames:
                    why += " in " + frames[0][:140]  # faulthandler: most recent call first
                elif lines:
                    why += ": " + lines[-1][:140]
                merge(results, {case: {"*": {"unit": None, "values": {}, "na": {name: why}, "notes": {}}}})
            finally:
                try:
                    os.unlink(out)
                except OSError:
                    pass
            print(f" {time.time() - t0:.1f}s", file=sys.stderr)
    return results, meta_libs


def time_ratio(e, o, unit):
    """ember time / other time (> 1: ember slower)."""
    if e is None or o is None or e == 0 or o == 0:
        return None
    return (o / e) if UNITS.get(unit, False) else (e / o)


def finalize(results, libs):
    """Drop placeholder '*' rows where real rows exist; compute ratios."""
    for case, subs in results.items():
        if "*" in subs and len(subs) > 1:
            star = subs.pop("*")
            for ent in subs.values():
                for lib, why in star["na"].items():
                    if lib not in ent["values"]:
                        ent["na"].setdefault(lib, why)
        for ent in subs.values():
            for lib in libs:
                if lib not in ent["values"] and lib not in ent["na"]:
                    ent["na"][lib] = "not measured"
            v = ent["values"]
            ent["ratio_ember_numpy"] = time_ratio(v.get("ember"), v.get("numpy"), ent["unit"])
            ent["ratio_ember_torch"] = time_ratio(v.get("ember"), v.get("torch"), ent["unit"])
    return results


def fmt(v):
    if v is None:
        return "n/a"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def print_table(results, cases, libs):
    hdr = ["case", "what", "unit"] + libs + ["ember/numpy", "ember/torch"]
    rows = []
    for case in cases:
        for sub, ent in results.get(case, {}).items():
            unit = ent["unit"] or ""
            if unit:
                unit += " (" + ("higher" if UNITS.get(unit) else "lower") + " better)"
            r = [case, "" if sub == "*" else sub, unit]
            r += [fmt(ent["values"].get(lib)) for lib in libs]
            for k in ("ratio_ember_numpy", "ratio_ember_torch"):
                r.append("n/a" if ent.get(k) is None else f"{ent[k]:.2f}x")
            rows.append(r)
    w = [max(len(str(x)) for x in col) for col in zip(hdr, *rows)]
    line = "  ".join(h.ljust(w[i]) for i, h in enumerate(hdr))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join((c.ljust(w[i]) if i < 3 else c.rjust(w[i])) for i, c in enumerate(r)))
    print("ratios = ember time / other time: > 1 means ember slower, < 1 ember faster.")
    # n/a reasons grouped per (library, reason); import failures are shown in the header
    grouped = {}
    for case in cases:
        for sub, ent in results.get(case, {}).items():
            for lib, why in ent["na"].items():
                if why.startswith("import failed"):
                    continue
                lst = grouped.setdefault((lib, why), [])
                if case not in lst:
                    lst.append(case)
    notes = [f"  [{lib}] n/a in {','.join(cs)}: {why}" for (lib, why), cs in grouped.items()]
    for case in cases:
        for sub, ent in results.get(case, {}).items():
            for lib, note in sorted(ent["notes"].items()):
                notes.append(f"  [{lib}] {case} {'' if sub == '*' else sub}: {note}")
    if notes:
        print("notes:")
        for n in notes:
            print(n)


def blas_info():
    try:
        import threadpoolctl
        info = threadpoolctl.threadpool_info()
        return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                        "threading_layer", "filepath")} for d in info]
    except Exception as e:  # noqa: BLE001
        return f"threadpoolctl unavailable ({type(e).__name__})"


def machine_meta(args, mode, meta_libs):
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "mode": mode,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "threads_arg": args.threads,
        "quick": args.quick,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                               "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                               "MKL_NUM_THREADS")},
        "ember_site_added": _ember_site_added,
        "libs": meta_libs,
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default=",".join(ALL_CASES),
                   help="comma-separated subset of " + ",".join(ALL_CASES))
    p.add_argument("--libs", default=",".join(ALL_LIBS), help="comma-separated subset of ember,numpy,torch")
    p.add_argument("--threads", type=int, default=None,
                   help="intra-op threads: torch.set_num_threads, ember.set_num_threads if present, "
                        "OMP/OPENBLAS/MKL_NUM_THREADS env (+threadpoolctl) for numpy")
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--json", metavar="FILE", help="also write results as JSON")
    p.add_argument("--isolate", action="store_true",
                   help="run each (case, library) in its own subprocess: ember under the ember venv's "
                        "python, torch under the torch venv's python, numpy under this python")
    p.add_argument("--ember-site", help="site-packages dir holding ember (default: REPO/.venv/lib/pythonX.Y/site-packages)")
    p.add_argument("--ember-venv", help=f"venv with ember installed (default {DEFAULT_EMBER_VENV})")
    p.add_argument("--ember-python", help="python for ember in --isolate mode and S11 (default EMBER_VENV/bin/python)")
    p.add_argument("--torch-python", help=f"python for torch in --isolate mode and S11 (default {DEFAULT_TORCH_VENV}/bin/python)")
    p.add_argument("--openblas-native", action="store_true",
                   help="re-run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (numpy picks its native kernel); "
                        "affects every OpenBLAS in the process (ember links Debian's): prefer with --libs numpy")
    p.add_argument("--child-timeout", type=int, default=900, help=argparse.SUPPRESS)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true", help="print tracebacks of failing cases")
    args = p.parse_args(argv)

    if args.openblas_native and ("OPENBLAS_CORETYPE" in os.environ or "OPENBLAS_L2_SIZE" in os.environ):
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + (argv if argv is not None else sys.argv[1:]), env)

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in cases if c not in CASE_FUNCS]
    if bad:
        p.error(f"unknown case(s) {bad}; known: {ALL_CASES}")
    libs = [x.strip() for x in args.libs.split(",") if x.strip()]
    bad = [x for x in libs if x not in ALL_LIBS]
    if bad:
        p.error(f"unknown lib(s) {bad}")

    if args.threads is not None:  # before numpy/torch are imported
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[k] = str(args.threads)

    import faulthandler
    faulthandler.enable()  # a crash in a library names the case; use --isolate to survive crashes

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if args.isolate and not args.child:
        mode = "isolated: one subprocess per (case, library)"
        results, meta_libs = run_isolated(cases, libs, args)
    else:
        mode = "in-process: all libraries in one interpreter"
        results, meta_libs = run_inprocess(cases, libs, args)
    finalize(results, libs)
    meta = machine_meta(args, mode, meta_libs)
    meta["loadavg_1min"] = {"start": load_start,
                            "end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    if "numpy" in libs and not args.isolate:
        meta["blas"] = blas_info()

    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"meta": meta, "results": results}, fh, indent=1)
    if args.child:
        return 0

    print(f"# {meta['time']}  {meta['cpu']} ({meta['nproc']} cpus)  python {meta['python_version']}  [{mode}]")
    print(f"# threads: {args.threads if args.threads is not None else 'library default'}; "
          f"env: " + ", ".join(f"{k}={v}" for k, v in meta["env"].items() if v is not None))
    for name in libs:
        m = meta_libs.get(name, {})
        if m.get("error"):
            print(f"# {name}: n/a ({m['error']})")
        else:
            extra = f", threads={m['num_threads']}" if "num_threads" in m else ""
            print(f"# {name} {m.get('version')} from {m.get('file') or '?'}{extra}"
                  + (f" [python {m['python']}]" if m.get("python") else ""))
    la = meta["loadavg_1min"]
    if la["start"] is not None:
        busy = max(la["start"], la["end"] or 0) > 0.5 * (os.cpu_count() or 1)
        print(f"# load average (1 min): start {la['start']:.2f}, end {la['end']:.2f}"
              + ("  WARNING: other processes are using the CPUs; multi-threaded figures are unreliable "
                 "(try --threads 1, or rerun when idle)" if busy else ""))
    if isinstance(meta.get("blas"), list):
        for d in meta["blas"]:
            print(f"# blas: {d.get('internal_api')} {d.get('version')} arch={d.get('architecture')} "
                  f"threads={d.get('num_threads')} ({os.path.basename(d.get('filepath') or '')})")
    elif meta.get("blas"):
        print(f"# blas: {meta['blas']}")
    print()
    print_table(results, cases, libs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
