"""The harness of bench.py: libraries (ember, numpy, torch) imported lazily, thread settings,
the timer. Standard library only at module level."""
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

# The one list of cases (bench.py and bench_cases.py take it from here).
ALL_CASES = ["S1", "S1k", "S2", "S2b", "S3", "S4", "S4d", "S4m", "S4a", "S5", "S6", "S7", "S9", "S10", "S10f", "S11", "S12", "S13", "S14", "S15", "S16"]
ALL_LIBS = ["ember", "numpy", "torch"]
# unit -> True when higher is better
UNITS = {"ns/op": False, "us": False, "ms": False, "x": False,
         "GB/s": True, "batches/s": True, "Gelem/s": True, "GFLOP/s": True}

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
