"""Runs a batch of calls in one library and writes one JSON line per call (no pickle anywhere).

    python worker.py --lib torch|ember --cases batch.json --out results.jsonl [--start N]

Each line is written and flushed as soon as its call finishes, so when the process dies (a
segfault, an abort) the driver knows which call killed it and restarts after that call.
Run by run.py in two interpreters: ember's .venv and the one PyTorch is installed in.
"""
from __future__ import annotations

import argparse
import json
import operator
import os
import signal
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inputs import Maker  # noqa: E402

MAX_ELEMS = 4096
OPS = {"__add__": operator.add, "__sub__": operator.sub, "__mul__": operator.mul,
       "__truediv__": operator.truediv, "__floordiv__": operator.floordiv, "__mod__": operator.mod,
       "__pow__": operator.pow, "__matmul__": operator.matmul, "__and__": operator.and_,
       "__or__": operator.or_, "__xor__": operator.xor, "__lshift__": operator.lshift,
       "__rshift__": operator.rshift, "__eq__": operator.eq, "__ne__": operator.ne,
       "__lt__": operator.lt, "__le__": operator.le, "__gt__": operator.gt, "__ge__": operator.ge,
       "__neg__": operator.neg, "__abs__": abs, "__invert__": operator.invert, "__pos__": operator.pos}
IOPS = {"__iadd__": operator.iadd, "__isub__": operator.isub, "__imul__": operator.imul,
        "__itruediv__": operator.itruediv, "__ifloordiv__": operator.ifloordiv, "__imod__": operator.imod,
        "__ipow__": operator.ipow, "__iand__": operator.iand, "__ior__": operator.ior,
        "__ixor__": operator.ixor}


class CallTimeout(BaseException):
    """Raised by SIGALRM when one call runs past its limit (not an Exception: never caught as one)."""


def _alarm(signum, frame):
    raise CallTimeout()


# op -> (position of dim among the arguments, position of keepdim or None)
TIES = {"topk": (2, None), "kthvalue": (2, 3), "sort": (1, None), "argsort": (1, None), "median": (1, 2),
        "cummin": (1, None), "cummax": (1, None)}


def exc_record(e):
    base = next((c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"), "Exception")
    return {"k": "exc", "type": base, "cls": type(e).__name__, "msg": str(e)[:300]}


def dtype_name(d):
    return str(d).split(".")[-1]


class Runner:
    def __init__(self, lib):
        if lib == "torch":
            import torch as L
            L.set_num_threads(1)
        else:
            import ember as L
        self.L, self.lib, self.mk = L, lib, Maker(L, lib)

    # ------------------------------------------------------------------ serialization
    def ser(self, x, depth=0):
        L = self.L
        if isinstance(x, L.Tensor):
            return self.ser_tensor(x)
        if isinstance(x, (tuple, list)) and depth < 3:
            return {"k": "seq", "items": [self.ser(i, depth + 1) for i in x]}
        if isinstance(x, (bool, int, float, str)) or x is None:
            return {"k": "py", "type": type(x).__name__, "v": x}
        if isinstance(x, L.dtype):
            return {"k": "py", "type": "dtype", "v": dtype_name(x)}
        if isinstance(x, L.Size) if hasattr(L, "Size") else False:
            return {"k": "py", "type": "size", "v": list(x)}
        if isinstance(x, np.ndarray):
            return {"k": "py", "type": "ndarray", "v": [str(x.dtype), list(x.shape)]}
        return {"k": "py", "type": "object", "v": None}  # other objects: only "an object" is compared

    def ser_tensor(self, t):
        rec = {"k": "t", "dtype": dtype_name(t.dtype), "shape": list(t.shape), "rg": bool(t.requires_grad)}
        try:
            n = t.numel()
            if n > MAX_ELEMS:
                rec["data"] = None
                return rec
            u = t.detach()
            if rec["dtype"] in ("bfloat16", "float16"):
                u = u.to(self.L.float32)
            a = np.array(u.contiguous().numpy(), copy=True)
            if a.dtype == np.bool_ or a.dtype.kind in "iu":
                rec["data"] = a.astype(np.int64 if a.dtype != np.uint64 else np.uint64).ravel().tolist()
            else:
                rec["data"] = a.astype(np.float64).ravel().tolist()
        except Exception as e:  # noqa: BLE001 - reading the result back failed: record it
            rec["data_exc"] = exc_record(e)
        return rec

    # ------------------------------------------------------------------ one call
    def fn(self, case):
        """The function a call names; dotted names and PyTorch-side aliases (torch_call) resolve here."""
        name = case.get("torch_call", case["op"]) if self.lib == "torch" else case["op"]
        obj = self.L
        for part in name.split("."):
            obj = getattr(obj, part)
        return obj

    def call(self, case, args, kwargs):
        r = self._call(case, args, kwargs)
        if case["op"] in TIES and case["form"] in ("function", "method"):
            try:
                r = self.tie_fix(case, args, kwargs, r)
            except Exception:  # noqa: BLE001 - keep the raw result
                pass
        return r

    def tie_fix(self, case, args, kwargs, r):
        """Indices of ops free to pick any of several equal elements are compared through the values
        they select (self.gather(dim, indices)), not as raw positions."""
        op, L = case["op"], self.L
        dpos, kpos = TIES[op]
        x = args[0]
        if op == "median" and len(args) < 2 and "dim" not in kwargs:
            return r
        if op in ("sort", "argsort") and kwargs.get("stable"):
            return r
        if not isinstance(x, L.Tensor) or x.dim() == 0:
            return r
        dim = args[dpos] if len(args) > dpos else kwargs.get("dim", -1)
        keep = (args[kpos] if len(args) > kpos else kwargs.get("keepdim", False)) if kpos else True
        idx = r if op == "argsort" else r[1]
        g = x.gather(dim, idx if keep else idx.unsqueeze(dim))
        if not keep:
            g = g.squeeze(dim)
        return g if op == "argsort" else (r[0], g)

    def _call(self, case, args, kwargs):
        L, form, name = self.L, case["form"], case["op"]
        if form == "function":
            return self.fn(case)(*args, **kwargs)
        if form == "method":
            return getattr(args[0], name)(*args[1:], **kwargs)
        if form == "inplace":
            self_ = args[0]
            r = getattr(self_, name + "_")(*args[1:], **kwargs)
            return {"result": r, "self": self_, "same": r is self_}
        if form in ("out", "out_dtype", "out_resize"):
            # out= of the result's shape (the same library's own result): of its dtype, of another
            # dtype (the dtype check), or empty (resizing, which PyTorch does without a warning)
            ref = self.fn(case)(*args, **kwargs)
            ref = ref[0] if isinstance(ref, tuple) else ref
            dt = self.mk.dtype(case["out_dtype"]) if form == "out_dtype" else ref.dtype
            out = L.empty(0 if form == "out_resize" else tuple(ref.shape), dtype=dt)
            r = self.fn(case)(*args, out=out, **kwargs)
            return {"result": r, "out": out, "same": r is out}
        if form.startswith("op:"):
            d = form[3:]
            if d in IOPS:
                self_ = args[0]
                r = IOPS[d](self_, args[1])
                return {"result": r, "same": r is self_}
            if d.startswith("__r") and d not in ("__rshift__",):
                return OPS["__" + d[3:]](args[1], args[0])  # number (op) tensor
            return OPS[d](*args)
        if form == "getitem":
            return args[0][args[1]]
        if form == "setitem":
            args[0][args[1]] = args[2]
            return args[0]
        if form == "snippet":
            return self.snippets()[name](L)
        raise ValueError(f"unknown form {form}")

    def snippets(self):
        if not hasattr(self, "_snips"):
            import targeted
            self._snips = targeted.all_snippets()
        return self._snips

    def result(self, r):
        if isinstance(r, dict):
            return {"k": "dict", "items": {k: (self.ser(v) if k != "same" else {"k": "py", "type": "bool", "v": v})
                                           for k, v in r.items()}}
        return self.ser(r)

    def run_case(self, case):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                args = [self.mk.build(a) for a in case.get("args", [])]
                kwargs = {k: self.mk.build(v) for k, v in case.get("kwargs", {}).items()}
            except Exception as e:  # noqa: BLE001
                return {"id": case["id"], "setup_exc": exc_record(e)}
            try:
                signal.setitimer(signal.ITIMER_REAL, self.limit)
                res = self.result(self.call(case, args, kwargs))
            except CallTimeout:
                return {"id": case["id"], "res": {"k": "timeout"}, "timeout": self.limit}
            except Exception as e:  # noqa: BLE001
                res = exc_record(e)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            rec = {"id": case["id"], "res": res}
            if case.get("grad") and res.get("k") != "exc":
                rec["grad"] = self.run_grad(case)
            return rec

    def run_grad(self, case):
        """Float64 gradients of sum(w * f(inputs)) with respect to every float64 input leaf."""
        L, leaves = self.L, []
        try:
            args = [self.mk.build(a, leaves, True) for a in case.get("args", [])]
            kwargs = {k: self.mk.build(v, leaves, True) for k, v in case.get("kwargs", {}).items()}
            out = self.call(case, args, kwargs)
            if isinstance(out, tuple):
                out = out[0]
            if not out.requires_grad:
                return {"k": "nograd"}
            w = np.random.default_rng(1234).standard_normal(tuple(out.shape))
            wt = L.from_numpy(np.ascontiguousarray(w)).to(out.dtype)
            (out * wt).sum().backward()
            return {"k": "seq", "items": [self.ser(lf.grad) if lf is not None else {"k": "py", "type": "NoneType", "v": None}
                                          for lf in leaves]}
        except Exception as e:  # noqa: BLE001
            return exc_record(e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, choices=["torch", "ember"])
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--call-limit", type=float, default=30, help="seconds one call may take")
    a = ap.parse_args()
    lim = float(os.environ.get("DIFF_MEM_LIMIT_GB", "0"))
    if lim > 0:  # a huge allocation that succeeds lazily must not take the machine with it
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (int(lim * 2 ** 30), int(lim * 2 ** 30)))
    cases = json.load(open(a.cases))
    runner = Runner(a.lib)
    runner.limit = a.call_limit
    signal.signal(signal.SIGALRM, _alarm)
    fd = os.open(a.out, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    for case in cases[a.start:]:
        os.write(fd, (json.dumps({"begin": case["id"]}) + "\n").encode())
        t0 = time.time()
        rec = runner.run_case(case)
        rec["sec"] = round(time.time() - t0, 4)
        os.write(fd, (json.dumps(rec) + "\n").encode())
    os.close(fd)


if __name__ == "__main__":
    main()
