"""Hand-written checks run in both libraries; each is a function f(L) of the library module.

A check returns something comparable (tensors, numbers, bools, tuples/lists of them, short strings
that must match exactly) or raises; the driver compares the two outcomes like a fuzzed call
(exception types, values, dtypes). Modules: targeted_bad (sizes, dims, indices, overlap, scalar
ranges), targeted_interop (numpy, DLPack, copy/deepcopy/pickle), targeted_autograd (hooks,
retain_grad, detach, inference mode, version counters, gradients at edge points), targeted_stress
(thread and leak loops; a few seconds each).
"""
from __future__ import annotations

import fnmatch
import os

REGISTRY: dict[str, tuple[str, object]] = {}


def check(group):
    def deco(fn):
        REGISTRY[f"{group}.{fn.__name__}"] = (group, fn)
        return fn
    return deco


def mode():
    return os.environ.get("DIFF_MODE", "quick")


def all_snippets():
    import targeted_autograd  # noqa: F401
    import targeted_bad  # noqa: F401
    import targeted_interop  # noqa: F401
    import targeted_stress  # noqa: F401
    return {k: fn for k, (g, fn) in REGISTRY.items()}


def cases(run_mode, selected):
    snips = all_snippets()
    out = []
    for name in snips:
        if selected and not any(fnmatch.fnmatch(name, p) for p in selected):
            continue
        group = name.split(".")[0]
        out.append({"id": name, "op": name, "form": "snippet", "args": [], "kwargs": {}, "grad": False,
                    "cmp": "values", "schema_op": group + ":" + name.split(".", 1)[1], "tag": group})
    # stress loops last, in their own batches
    out.sort(key=lambda c: c["tag"] == "stress")
    return out
