"""Builds the same inputs in either library from a JSON spec (numpy only; imported by worker.py).

A tensor spec is a dict:
  {"t": "T", "shape": [2, 3], "dtype": "float32", "lay": "c", "vals": "rand", "seed": 7}
lay: c (contiguous), nc (every other element of the last dim), neg (a negative-stride view in ember,
     flip() in torch, which has no negative strides: same values either way), tr (transpose of the
     last two dims), bc (expanded from size-1 dims: stride 0).
vals: rand (small random values), special (0, -0, inf, -inf, nan, extremes of the dtype),
      pos (positive), unit (in (-1, 1)), idx:LO:HI (integers in [LO, HI)), sorted (ascending).
Other specs: {"t": "S", "v": 2.5} a Python scalar; {"t": "D", "v": "float64"} a dtype;
{"t": "L", "v": [spec, ...]} a list; {"t": "N"} None; {"t": "G"} a seeded Generator;
anything else (int, str, list of ints) is passed as is.
"""
from __future__ import annotations

import zlib

import numpy as np

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
FLOATS = {"float16", "bfloat16", "float32", "float64"}
INTS = {"uint8", "int8", "int16", "int32", "int64"}
_NP = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16, "int32": np.int32,
       "int64": np.int64, "float16": np.float16, "bfloat16": np.float32, "float32": np.float32,
       "float64": np.float64}


def _rng(spec, shape):
    key = f"{spec.get('seed', 0)}|{shape}|{spec.get('dtype')}|{spec.get('vals')}".encode()
    return np.random.default_rng(zlib.crc32(key))


def values(spec, shape):
    """The numpy array (float32 standing in for bfloat16) a tensor spec denotes, before layout."""
    dt, kind = spec.get("dtype", "float32"), spec.get("vals", "rand")
    rng = _rng(spec, tuple(shape))
    n = int(np.prod(shape)) if len(shape) else 1
    if kind.startswith("idx:"):
        lo, hi = (int(x) for x in kind.split(":")[1:3])
        a = rng.integers(lo, hi, size=n) if hi > lo else np.zeros(n, dtype=np.int64)
    elif kind == "sorted":
        a = np.sort(rng.integers(-4, 6, size=n)).astype(np.float64)
    elif dt == "bool":
        a = rng.random(n) < 0.5
    elif kind == "special":
        if dt in FLOATS:
            fi = np.finfo(np.float16 if dt == "float16" else np.float32 if dt in ("bfloat16", "float32") else np.float64)
            pool = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -2.5, float(fi.max), float(fi.tiny), 3.0]
        else:
            ii = np.iinfo(_NP[dt])
            pool = [0, 1, -1 if dt != "uint8" else 2, ii.min, ii.max, 7, ii.max - 1]
        a = np.array([pool[i % len(pool)] for i in rng.permutation(n)], dtype=np.float64 if dt in FLOATS else np.int64)
    elif dt in FLOATS:
        if kind == "pos":
            a = rng.random(n) * 3 + 0.25
        elif kind == "unit":
            a = rng.random(n) * 1.8 - 0.9
        else:
            a = np.round(rng.standard_normal(n) * 2, 3)
    else:
        lo = 1 if kind == "pos" else (0 if dt == "uint8" else -5)
        a = rng.integers(lo, 6, size=n)
    a = np.asarray(a)
    if dt == "bfloat16":  # values exactly representable in bfloat16, so both sides start equal
        a32 = a.astype(np.float32)
        a = (a32.view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)
    with np.errstate(all="ignore"):
        return a.astype(_NP[dt]).reshape(shape)


class Maker:
    """Turns specs into objects of library L ("torch" or "ember")."""

    def __init__(self, L, libname):
        self.L, self.lib = L, libname

    def dtype(self, name):
        return getattr(self.L, name)

    def from_np(self, arr, dt):
        t = self.L.from_numpy(np.ascontiguousarray(arr).copy())
        if dt == "bfloat16":
            t = t.to(self.L.bfloat16)
        return t

    def tensor(self, spec, requires_grad=False):
        """Returns (tensor, leaf) where leaf is the tensor that requires grad (it may be a base)."""
        shape, dt, lay = list(spec["shape"]), spec.get("dtype", "float32"), spec.get("lay", "c")
        v = values(spec, shape)
        if lay == "bc":
            small = [1 if i % 2 == 0 else s for i, s in enumerate(shape)]
            v = values(spec, small)
            leaf = self.from_np(v, dt)
            return self._grad(leaf, requires_grad).expand(*shape), leaf
        if lay == "nc" and len(shape) >= 1:
            big = np.zeros(shape[:-1] + [shape[-1] * 2], dtype=v.dtype)
            big[..., ::2] = v
            leaf = self._grad(self.from_np(big, dt), requires_grad)
            return leaf[..., ::2], leaf
        if lay == "tr" and len(shape) >= 2:
            leaf = self._grad(self.from_np(np.swapaxes(v, -1, -2), dt), requires_grad)
            return leaf.transpose(-1, -2), leaf
        if lay == "neg" and len(shape) >= 1:
            leaf = self._grad(self.from_np(v[::-1], dt), requires_grad)
            if self.lib == "torch":
                return leaf.flip(0), leaf
            return leaf[::-1], leaf
        leaf = self._grad(self.from_np(v, dt), requires_grad)
        return leaf, leaf

    def _grad(self, t, rg):
        return t.requires_grad_() if rg else t

    def build(self, spec, leaves=None, rg=False):
        if isinstance(spec, dict) and "t" in spec:
            k = spec["t"]
            if k == "T":
                want = rg and spec.get("dtype") == "float64" and not spec.get("nograd")
                t, leaf = self.tensor(spec, want)
                if leaves is not None:
                    leaves.append(leaf if want else None)
                return t
            if k == "S":
                return spec["v"] if spec.get("py") != "float" else float(spec["v"])
            if k == "D":
                return self.dtype(spec["v"])
            if k == "L":
                return [self.build(s, leaves, rg) for s in spec["v"]]
            if k == "TU":
                return tuple(self.build(s, leaves, rg) for s in spec["v"])
            if k == "N":
                return None
            if k == "G":
                return self.L.Generator().manual_seed(spec.get("v", 0))
            if k == "F":  # a float Python value that JSON cannot hold (inf, nan)
                return float(spec["v"])
            if k == "SL":
                return slice(*spec["v"])
            if k == "E":
                return Ellipsis
        return spec
