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

from bench_cases import *  # noqa: F401,F403 (CASE_FUNCS and the cases)
from bench_lib import *  # noqa: F401,F403
import bench_lib

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
        "ember_site_added": bench_lib._ember_site_added,
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
