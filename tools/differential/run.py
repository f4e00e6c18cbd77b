#!/usr/bin/env python3
"""Differential harness: the same calls through PyTorch and ember, differences reported by op.

    .venv/bin/python tools/differential/run.py [--mode quick|full] [--ops add,sum,...] [--no-targeted]

See tools/differential/README.md. Not part of CI; nothing in tests_py imports it.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import cases as C  # noqa: E402
import schema_ops  # noqa: E402
from compare import COUNT_OF, compare  # noqa: E402
from plan_dsl import expand  # noqa: E402
from plans_index import SKIP, all_plans  # noqa: E402
from report import write_report  # noqa: E402

TORCH_ALIAS = {"gelu": "nn.functional.gelu", "silu": "nn.functional.silu"}  # not in torch's namespace
STRIDE_SENSITIVE = {"view", "view_as", "as_strided"}
DEFAULT_TORCH_PY = os.environ.get("DIFF_TORCH_PYTHON", "/work/bench-venv/bin/python")


def plan_all(mode, selected):
    """Returns (cases, unplanned op names, skipped {op: reason})."""
    ctx = C.Ctx(mode)
    plans = all_plans()
    groups = schema_ops.by_base(schema_ops.load(ROOT / "src" / "ops"))
    unplanned, skipped = [], {}
    for base, entries in groups.items():
        if selected and not any(fnmatch.fnmatch(base, pat) for pat in selected):
            continue
        if base in SKIP:
            skipped[base] = SKIP[base]
            continue
        start = len(ctx.cases)
        structured = [e for e in entries if e.meta]
        if base in plans:
            expand(ctx, base, plans[base], entries[0].variants)
        elif structured:
            C.plan_structured(ctx, structured[0])
        else:
            unplanned.append(base)
        for c in ctx.cases[start:]:
            c["schema_op"] = base
            if base in TORCH_ALIAS:
                c["torch_call"] = TORCH_ALIAS[base]
    # ember's "neg" inputs are negative-stride views, PyTorch's are flipped copies: calls whose
    # validity depends on strides (view) or that read the storage (as_strided) cannot be compared
    keep = [c for c in ctx.cases if not (c["schema_op"] in STRIDE_SENSITIVE and '"neg"' in json.dumps(c["args"]))]
    return keep, unplanned, skipped


def run_worker(py, lib, batch_file, out_file, cases, timeout, env, call_limit=30):
    """Runs a batch to the end, restarting after any call that kills the process."""
    ids = [c["id"] for c in cases]
    pos = {cid: i for i, cid in enumerate(ids)}
    recs, dead = {}, {}
    start = 0
    if out_file.exists():
        out_file.unlink()
    while start < len(cases):
        cmd = [py, str(HERE / "worker.py"), "--lib", lib, "--cases", str(batch_file), "--out", str(out_file),
               "--start", str(start), "--call-limit", str(call_limit)]
        t0 = time.time()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
            rc, err = p.returncode, p.stderr[-600:]
        except subprocess.TimeoutExpired as ex:
            rc, err = "hang", (ex.stderr or b"")[-300:].decode(errors="replace") if ex.stderr else ""
        last_begin = None
        for line in out_file.read_text().splitlines() if out_file.exists() else []:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if "begin" in r:
                last_begin = r["begin"]
            else:
                recs[r["id"]] = r
        if rc == 0:
            break
        bad = last_begin if last_begin is not None and last_begin not in recs else None
        if bad is None:  # died before the first call (import failure): give up on the batch
            for cid in ids[start:]:
                if cid not in recs:
                    dead[cid] = {"crash": "startup", "detail": f"rc={rc} {err.strip()[-300:]}"}
            break
        sig = f"signal {-rc}" if isinstance(rc, int) and rc < 0 else f"rc={rc}"
        dead[bad] = {"crash": "hang" if rc == "hang" else "crash",
                     "detail": f"{sig} after {time.time() - t0:.1f}s; stderr: {err.strip()[-300:]}"}
        start = pos[bad] + 1
    for cid, d in dead.items():
        recs[cid] = dict(d, id=cid)
    return recs


# torch results are cached per batch; the key covers the code that produces them
CODE_HASH = hashlib.sha1(b"".join(p.read_bytes() for p in sorted(HERE.glob("*.py"))
                                  if p.name in ("worker.py", "inputs.py") or p.name.startswith("targeted"))).hexdigest()


def run_batches(cases, args, tag):
    work = Path(args.out) / "work"
    cache = Path(args.out) / "torch-cache"
    work.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONHASHSEED="0", DIFF_MODE=args.mode,
               DIFF_MEM_LIMIT_GB=str(args.mem_limit_gb))
    results = {}
    batches = [cases[i:i + args.batch] for i in range(0, len(cases), args.batch)]
    for bi, batch in enumerate(batches):
        text = json.dumps(batch, sort_keys=True)
        h = hashlib.sha1(text.encode() + CODE_HASH.encode()).hexdigest()[:16]
        bfile = work / f"{tag}_{bi:03d}.json"
        bfile.write_text(text)
        tcache = cache / f"{h}.json"
        procs = []
        ember_out, torch_out = work / f"{tag}_{bi:03d}.ember.jsonl", work / f"{tag}_{bi:03d}.torch.jsonl"
        # torch and ember side by side (two processes); torch results are cached by batch content
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(2) as ex:
            lim = 30 if tag == "targeted" else 10
            ptimeout = min(args.timeout, 150) if tag == "targeted" else args.timeout
            fe = ex.submit(run_worker, args.ember_python, "ember", bfile, ember_out, batch, ptimeout, env, lim)
            ft = None
            if not tcache.exists() or args.no_cache:
                ft = ex.submit(run_worker, args.torch_python, "torch", bfile, torch_out, batch, ptimeout, env, lim)
            er = fe.result()
            if ft is not None:
                tr = ft.result()
                tcache.write_text(json.dumps(tr))
            else:
                tr = json.loads(tcache.read_text())
        del procs
        for c in batch:
            results[c["id"]] = (c, tr.get(c["id"], {"crash": "lost"}), er.get(c["id"], {"crash": "lost"}))
        print(f"  [{tag}] batch {bi + 1}/{len(batches)}: {len(batch)} calls", flush=True)
    return results


def summarize(results, allow):
    counts = {"calls run": 0, "crashes": 0, "value mismatches": 0, "dtype mismatches": 0,
              "exception-type mismatches": 0, "grad mismatches": 0}
    found = []  # (op, kind, case, detail, known_reason)
    notes = {"torch-lacks": 0, "torch-crash": 0}
    for cid, (case, t, e) in results.items():
        counts["calls run"] += 1 + (1 if case.get("grad") else 0)
        diffs = compare(case, t, e)
        seen_counts = set()
        for kind, detail in diffs:
            if kind in notes:
                notes[kind] += 1
                continue
            reason = allow.match(kind, case, detail)
            found.append((case.get("schema_op", case["op"]), kind, case, detail, reason))
            cnt = COUNT_OF.get(kind)
            if cnt and cnt not in seen_counts and reason is None:
                counts[cnt] += 1
                seen_counts.add(cnt)
    return counts, found, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["quick", "full"], default="quick")
    ap.add_argument("--ops", default="", help="comma-separated op names or globs (schema base names)")
    ap.add_argument("--no-targeted", action="store_true", help="skip the hand-written checks")
    ap.add_argument("--only-targeted", action="store_true")
    ap.add_argument("--targeted", default="", help="comma-separated globs of targeted check names")
    ap.add_argument("--torch-python", default=DEFAULT_TORCH_PY)
    ap.add_argument("--ember-python", default=sys.executable)
    ap.add_argument("--out", default=str(ROOT / "build" / "differential"))
    ap.add_argument("--batch", type=int, default=2500, help="calls per child process")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per child process before a hang is recorded")
    ap.add_argument("--mem-limit-gb", type=float, default=8, help="address-space limit of each child (0: none)")
    ap.add_argument("--no-cache", action="store_true", help="rerun PyTorch even when its results are cached")
    ap.add_argument("--list", action="store_true", help="print the planned calls per op and exit")
    args = ap.parse_args()
    t0 = time.time()
    selected = [s for s in args.ops.split(",") if s]
    from allowlist import Allowlist
    allow = Allowlist(HERE / "allowlist.txt")
    results, unplanned, skipped = {}, [], {}
    if not args.only_targeted:
        cases, unplanned, skipped = plan_all(args.mode, selected)
        if args.list:
            per = {}
            for c in cases:
                per[c["schema_op"]] = per.get(c["schema_op"], 0) + 1
            for k, v in sorted(per.items()):
                print(f"{k:30s} {v}")
            print("total", len(cases), "unplanned", unplanned)
            return
        print(f"fuzzed calls: {len(cases)} over {len({c['schema_op'] for c in cases})} schema ops ({args.mode})", flush=True)
        results.update(run_batches(cases, args, "ops"))
    if not args.no_targeted and not selected:
        import targeted
        tcases = targeted.cases(args.mode, [s for s in args.targeted.split(",") if s])
        print(f"targeted checks: {len(tcases)}", flush=True)
        results.update(run_batches(tcases, args, "targeted"))
    counts, found, notes = summarize(results, allow)
    path = write_report(Path(args.out) / "report.md", args, counts, found, notes, unplanned, skipped, time.time() - t0)
    print(f"\nreport: {path}")


if __name__ == "__main__":
    main()
