"""Writes the summary (counts, then differences grouped by op and kind) as Markdown and prints it."""
from __future__ import annotations

import time

SEVERITY = ["crash", "hang", "value", "shape", "grad", "dtype", "missing-error", "identity", "exc-type",
            "spurious-error", "setup", "missing-api", "requires-grad", "grad-exc", "extra-dtype", "accepts-more"]
KIND_DOC = {
    "crash": "the ember process died (signal) on this call; PyTorch did not",
    "hang": "the ember call ran past the per-call limit",
    "value": "same shape and dtype, values differ beyond the dtype's tolerance",
    "shape": "result shapes differ", "dtype": "result dtypes differ",
    "grad": "float64 gradients differ (or one side has None)",
    "missing-error": "PyTorch raises, ember returns a result",
    "identity": "an in-place or out= call returns a different object than PyTorch's",
    "exc-type": "both raise, with different built-in exception types",
    "spurious-error": "ember raises, PyTorch returns a result",
    "setup": "ember failed to build the inputs (from_numpy / to / views)",
    "missing-api": "ember lacks the function, method or keyword",
    "requires-grad": "the output's requires_grad differs",
    "grad-exc": "backward() raises on one side only, or with different types",
    "extra-dtype": "PyTorch raises NotImplementedError for the dtype, ember computes a result",
    "accepts-more": "PyTorch's argument parser rejects the call (TypeError), ember accepts it",
}


def spec_str(s):
    if isinstance(s, dict) and "t" in s:
        k = s["t"]
        if k == "T":
            short = {"bool": "b", "uint8": "u8", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
                     "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64"}.get(s["dtype"], s["dtype"])
            lay = "" if s.get("lay", "c") == "c" else ":" + s["lay"]
            vals = "" if s.get("vals", "rand") == "rand" else ":" + s["vals"]
            return f"{short}{list(s['shape'])}{lay}{vals}"
        if k == "L":
            return "[" + ", ".join(spec_str(x) for x in s["v"]) + "]"
        if k == "TU":
            return "(" + ", ".join(spec_str(x) for x in s["v"]) + ")"
        if k == "D":
            return s["v"]
        if k == "N":
            return "None"
        if k == "SL":
            return ":".join("" if x is None else str(x) for x in s["v"]) or ":"
        if k == "E":
            return "..."
        if k == "F":
            return f"float('{s['v']}')"
        if k == "G":
            return "Generator"
        return str(s.get("v"))
    return repr(s)


def describe(case):
    """`add(f32[2,3], 2.5)`-style text for one call in the given form."""
    args = [spec_str(a) for a in case.get("args", [])]
    kw = [f"{k}={spec_str(v)}" for k, v in case.get("kwargs", {}).items()]
    form, op = case["form"], case["op"]
    if form == "snippet":
        return f"check {op}"
    if form == "method":
        return f"{args[0]}.{op}({', '.join(args[1:] + kw)})"
    if form == "inplace":
        return f"{args[0]}.{op}_({', '.join(args[1:] + kw)})"
    if form == "getitem":
        return f"{args[0]}[{args[1]}]"
    if form == "setitem":
        return f"{args[0]}[{args[1]}] = {args[2]}"
    if form.startswith("op:"):
        d = form[3:]
        if d.startswith("__r") and d != "__rshift__":
            return f"{args[1]} {d} {args[0]}"
        return f"{d}({', '.join(args)})"
    if form == "out":
        kw.append("out=<result's shape and dtype>")
    if form == "out_resize":
        kw.append("out=<empty(0) of the result dtype>")
    if form == "out_dtype":
        kw.append(f"out=<result's shape, {case.get('out_dtype')}>")
    return f"{op}({', '.join(args + kw)})"


def write_report(path, args, counts, found, notes, unplanned, skipped, seconds):
    path.parent.mkdir(parents=True, exist_ok=True)
    new = [f for f in found if f[4] is None]
    known = [f for f in found if f[4] is not None]
    L = [f"# Differential run: ember vs PyTorch ({args.mode} mode)", "",
         f"{time.strftime('%Y-%m-%d %H:%M')}, {seconds:.0f} s. Counts are calls with at least one difference"
         " of that class that the allowlist does not name; gradient runs count as calls.", ""]
    L += ["| count | n |", "|---|---|"] + [f"| {k} | {v} |" for k, v in counts.items()]
    L += [f"| known differences (allowlisted calls) | {len({id(f[2]) for f in known})} |",
          f"| calls PyTorch lacks (AttributeError there; not compared) | {notes.get('torch-lacks', 0)} |",
          f"| PyTorch crashes | {notes.get('torch-crash', 0)} |", ""]
    per_kind, per_kind_ops = {}, {}
    for op, kind, case, detail, reason in new:
        per_kind.setdefault(kind, set()).add(case["id"])
        per_kind_ops.setdefault(kind, set()).add(op)
    L += ["| kind (new) | calls | ops or checks |", "|---|---|---|"]
    L += [f"| {k} | {len(per_kind[k])} | {len(per_kind_ops[k])} |"
          for k in sorted(per_kind, key=lambda k: SEVERITY.index(k) if k in SEVERITY else 99)]
    L += [""]
    if unplanned:
        L += ["Schema ops without a plan (add one in plans.py): " + ", ".join(sorted(unplanned)), ""]
    if skipped:
        L += ["Skipped: " + "; ".join(f"{k} ({v})" for k, v in sorted(skipped.items())), ""]

    def section(title, items):
        out = [f"## {title}", ""]
        groups = {}
        for op, kind, case, detail, reason in items:
            groups.setdefault((kind, op), []).append((case, detail, reason))
        order = sorted(groups, key=lambda k: (SEVERITY.index(k[0]) if k[0] in SEVERITY else 99, k[1]))
        for kind, op in order:
            g = groups[(kind, op)]
            out.append(f"### {kind}: {op} ({len(g)} calls)")
            if g[0][2]:
                out.append(f"known: {g[0][2]}")
            shown = set()
            for case, detail, _ in g:
                sig = (detail.split(":")[0][:60], case["form"])
                if sig in shown:
                    continue
                shown.add(sig)
                out.append(f"- `{describe(case)}` -- {detail[:400]}")
                if len(shown) >= 4:
                    break
            out.append("")
        return out

    L += ["Kinds: " + "; ".join(f"**{k}**: {v}" for k, v in KIND_DOC.items()), ""]
    L += section("New differences", new)
    L += section("Known differences (allowlist.txt)", known)
    text = "\n".join(L) + "\n"
    path.write_text(text)
    # print the counts and the group headlines
    head = text.split("Kinds: ")[0]
    print(head)
    groups = {}
    for op, kind, case, detail, reason in new:
        groups[(kind, op)] = groups.get((kind, op), 0) + 1
    for (kind, op), n in sorted(groups.items(), key=lambda kv: (SEVERITY.index(kv[0][0]) if kv[0][0] in SEVERITY else 99, kv[0][1])):
        print(f"  {kind:15s} {op:28s} {n}")
    return path
