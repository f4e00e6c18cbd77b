"""Compares one call's records from PyTorch and ember and names the differences."""
from __future__ import annotations

import math

# rtol, atol per result dtype (1-2 ulp of float16/bfloat16 differences from a different opmath order)
TOL = {"float16": (2e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2), "float32": (2e-5, 1e-5), "float64": (1e-7, 1e-9)}
GRAD_TOL = (1e-6, 1e-8)

# PyTorch's argument parser rejecting a call form (ember accepting it is an API difference)
SIGNATURE_MSGS = ("invalid combination of arguments", "unexpected keyword", "must be", "missing required")
KINDS = ["crash", "hang", "setup", "missing-api", "exc-type", "missing-error", "spurious-error",
         "shape", "dtype", "value", "identity", "requires-grad", "grad", "grad-exc"]
# Which summary count a kind adds to.
COUNT_OF = {"crash": "crashes", "hang": "crashes", "setup": "exception-type mismatches",
            "missing-api": "exception-type mismatches", "exc-type": "exception-type mismatches",
            "missing-error": "exception-type mismatches",
            "accepts-more": "exception-type mismatches", "extra-dtype": "exception-type mismatches", "spurious-error": "exception-type mismatches",
            "shape": "value mismatches", "value": "value mismatches", "identity": "value mismatches",
            "dtype": "dtype mismatches", "requires-grad": "grad mismatches", "grad": "grad mismatches",
            "grad-exc": "grad mismatches"}


def _close(a, b, rtol, atol):
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    fa, fb = float(a), float(b)
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    if math.isinf(fa) or math.isinf(fb):
        return fa == fb
    return abs(fa - fb) <= atol + rtol * abs(fb)


def short(rec, n=8):
    """A one-line rendering of a result record for the report."""
    if rec is None:
        return "-"
    k = rec.get("k")
    if k == "exc":
        return f"{rec['cls']}({rec['type']}): {rec['msg'][:110]}"
    if k == "t":
        d = rec.get("data")
        vals = "" if d is None else " " + str([round(x, 6) if isinstance(x, float) else x for x in d[:n]])[:120] + \
            ("..." if len(d) > n else "")
        return f"{rec['dtype']}{rec['shape']}{' rg' if rec.get('rg') else ''}{vals}"
    if k == "seq":
        return "(" + ", ".join(short(i, 4) for i in rec["items"]) + ")"
    if k == "dict":
        return "{" + ", ".join(f"{a}={short(b, 4)}" for a, b in rec["items"].items()) + "}"
    if k == "py":
        return f"{rec['type']}:{str(rec['v'])[:80]}"
    return str(rec)[:120]


def diff_values(t, e, cmp, tol=None, path=""):
    """Returns a list of (kind, detail) for two serialized results."""
    kt, ke = t.get("k"), e.get("k")
    if kt != ke:
        if "seq" in (kt, ke) or "t" in (kt, ke):
            return [("value", f"{path} result kind {kt} vs {ke}")]
        return [("value", f"{path} {short(t)} vs {short(e)}")]
    if kt == "t":
        out = []
        if t["shape"] != e["shape"]:
            return [("shape", f"{path} shape {t['shape']} vs {e['shape']}")]
        if t["dtype"] != e["dtype"]:
            out.append(("dtype", f"{path} dtype {t['dtype']} vs {e['dtype']}"))
        if t.get("rg") != e.get("rg"):
            out.append(("requires-grad", f"{path} requires_grad {t.get('rg')} vs {e.get('rg')}"))
        if "data_exc" in t or "data_exc" in e:
            if "data_exc" not in t:
                out.append(("spurious-error", f"{path} reading values: {short(e.get('data_exc'))}"))
            return out
        if cmp == "values" and not out and t.get("data") is not None and e.get("data") is not None:
            rtol, atol = tol or TOL.get(t["dtype"], (0, 0))
            bad = [i for i, (a, b) in enumerate(zip(t["data"], e["data"])) if not _close(b, a, rtol, atol)]
            if bad:
                i = bad[0]
                out.append(("value", f"{path} {len(bad)}/{len(t['data'])} differ, first at flat {i}: "
                                     f"torch {t['data'][i]!r} ember {e['data'][i]!r}"))
        return out
    if kt == "seq":
        if len(t["items"]) != len(e["items"]):
            return [("value", f"{path} {len(t['items'])} results vs {len(e['items'])}")]
        out = []
        for i, (a, b) in enumerate(zip(t["items"], e["items"])):
            out += diff_values(a, b, cmp, tol, f"{path}[{i}]")
        return out
    if kt == "dict":
        out = []
        for key in t["items"]:
            a, b = t["items"][key], e["items"].get(key)
            if b is None:
                continue
            if key == "same":
                if a["v"] != b["v"]:
                    out.append(("identity", f"{path} returns its argument: torch {a['v']} ember {b['v']}"))
                continue
            out += diff_values(a, b, cmp if key != "self" else "values", tol, f"{path}.{key}")
        return out
    if kt == "py":
        tv, ev = t["v"], e["v"]
        if t["type"] != e["type"] and not ({t["type"], e["type"]} <= {"int", "float"}):
            return [("value", f"{path} {short(t)} vs {short(e)}")]
        if isinstance(tv, (int, float)) and isinstance(ev, (int, float)) and not isinstance(tv, bool):
            ok = _close(ev, tv, 1e-6, 1e-9)
        else:
            ok = tv == ev
        return [] if ok or cmp != "values" else [("value", f"{path} {short(t)} vs {short(e)}")]
    return []


def compare(case, t, e):
    """t, e: worker records (or crash/hang markers). Returns a list of (kind, detail)."""
    if e.get("crash"):
        return [("crash" if e["crash"] != "hang" else "hang", e.get("detail", ""))]
    if t.get("crash"):
        return [("torch-crash", t.get("detail", ""))]
    if "setup_exc" in t or "setup_exc" in e:
        if "setup_exc" in e and "setup_exc" not in t:
            return [("setup", f"building inputs: {short(e['setup_exc'])}")]
        return []
    rt, re_ = t["res"], e["res"]
    if re_.get("k") == "timeout" and rt.get("k") != "timeout":
        return [("hang", f"ember call still running after {e.get('timeout')} s; torch {short(rt)}")]
    if rt.get("k") == "timeout":
        return [("torch-crash", "torch call timed out")]
    if rt.get("k") == "exc" and rt["type"] == "AttributeError":
        return [("torch-lacks", short(rt))]
    if rt.get("k") == "exc" or re_.get("k") == "exc":
        if rt.get("k") == "exc" and re_.get("k") == "exc":
            if rt["type"] != re_["type"]:
                return [("exc-type", f"torch {short(rt)} | ember {short(re_)}")]
            return []
        if rt.get("k") == "exc":
            if rt["type"] == "AttributeError":
                return [("torch-lacks", short(rt))]
            if rt["type"] == "TypeError" and any(m in rt["msg"] for m in SIGNATURE_MSGS):
                return [("accepts-more", f"torch {short(rt)} | ember {short(re_)}")]
            if rt["type"] == "NotImplementedError":
                return [("extra-dtype", f"torch {short(rt)} | ember {short(re_)}")]
            return [("missing-error", f"torch {short(rt)} | ember {short(re_)}")]
        if re_["type"] in ("AttributeError",) or (re_["type"] == "TypeError" and "argument" in re_["msg"]):
            return [("missing-api", f"ember {short(re_)}")]
        return [("spurious-error", f"ember {short(re_)} | torch {short(rt)}")]
    out = diff_values(rt, re_, case.get("cmp", "values"))
    if case.get("grad") and "grad" in t and "grad" in e:
        gt, ge = t["grad"], e["grad"]
        if gt.get("k") == "nograd" or ge.get("k") == "nograd":
            if gt.get("k") != ge.get("k"):
                out.append(("requires-grad", f"output requires grad: torch {gt.get('k') != 'nograd'} ember {ge.get('k') != 'nograd'}"))
        elif gt.get("k") == "exc" or ge.get("k") == "exc":
            if gt.get("k") != ge.get("k") or gt.get("type") != ge.get("type"):
                out.append(("grad-exc", f"backward: torch {short(gt)} | ember {short(ge)}"))
        else:
            for kind, d in diff_values(gt, ge, "values", GRAD_TOL, "grad"):
                out.append(("grad" if kind in ("value", "shape") else "grad-exc" if kind.endswith("error") else kind, d))
    return out
