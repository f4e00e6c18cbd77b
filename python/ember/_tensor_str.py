"""Tensor printing as PyTorch does it: `tensor([[1., 2.], [3., 4.]])`, with the dtype appended when
it is not the default for its kind, sci notation for wide ranges, and summarization of big tensors."""
import math

import numpy as np

import ember

_DEFAULT_INT = "int64"
PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3


class _Formatter:
    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        finite = values[np.isfinite(values)] if values.size else values
        if not floating:
            self.width = max((len(str(int(v))) for v in values), default=1)
            return
        nonzero = np.abs(finite[finite != 0]) if finite.size else finite
        self.int_mode = bool(finite.size == 0 or np.all(finite == np.round(finite)))
        if self.int_mode:
            if nonzero.size and (nonzero.max() > 1e8):
                self.sci_mode = True
                self.int_mode = False
            strs = [self._fmt_int(v) for v in values]
        else:
            if nonzero.size and (nonzero.max() / max(nonzero.min(), 1e-300) > 1000.0 or nonzero.max() > 1e8
                                 or nonzero.min() < 1e-4):
                self.sci_mode = True
            strs = [self.raw(v) for v in values]
        self.width = max((len(s) for s in strs), default=1)

    def _fmt_int(self, v):
        if math.isnan(v) or math.isinf(v):
            return str(v).replace("inf", "inf")
        return f"{v:.0f}."

    def raw(self, v):
        if not self.floating:
            return str(int(v))
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if self.sci_mode:
            return f"{v:.{PRECISION}e}"
        if self.int_mode:
            return self._fmt_int(v)
        return f"{v:.{PRECISION}f}"

    def format(self, v):
        return self.raw(v).rjust(self.width)


def _summarize(a):
    return a.size > THRESHOLD


def _fmt(a, fmt, indent, summarize):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        if summarize and a.shape[0] > 2 * EDGEITEMS:
            items = [fmt.format(v) for v in a[:EDGEITEMS]] + ["..."] + [fmt.format(v) for v in a[-EDGEITEMS:]]
        else:
            items = [fmt.format(v) for v in a]
        return "[" + ", ".join(items) + "]"
    rows = list(range(a.shape[0]))
    if summarize and a.shape[0] > 2 * EDGEITEMS:
        rows = rows[:EDGEITEMS] + [None] + rows[-EDGEITEMS:]
    parts = [("..." if r is None else _fmt(a[r], fmt, indent + 1, summarize)) for r in rows]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def tensor_repr(t):
    dt = t.dtype
    name = repr(dt).split(".")[-1]
    floating = dt.is_floating_point
    if dt == ember.bool:
        a = t.numpy()
        body = _fmt_bool(a, 7)
    else:
        with ember.no_grad():
            a = t.to(ember.float64).numpy() if floating else t.to(ember.int64).numpy()
        if t.numel() == 0:
            body = "[]"
        else:
            summarize = _summarize(a)
            vals = a.ravel() if not summarize else _edge_values(a)
            fmt = _Formatter(vals.astype(np.float64) if floating else vals, floating)
            body = _fmt(a, fmt, 7, summarize)
    suffix = []
    if t.numel() == 0 and t.dim() != 1:
        suffix.append(f"size={tuple(t.shape)}")
    default = repr(ember.get_default_dtype()).split(".")[-1]
    if not (name == default or name == _DEFAULT_INT or name == "bool"):
        suffix.append(f"dtype=ember.{name}")
    if t.device.type != "cpu":
        suffix.insert(0, f"device='{t.device}'")
    fn = t.grad_fn
    if fn is not None:
        suffix.append(f"grad_fn=<{fn.name().split('::')[-1]}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"


def _fmt_bool(a, indent):
    if a.ndim == 0:
        return str(bool(a))
    if a.ndim == 1:
        return "[" + ", ".join(("True" if v else "False").rjust(5) for v in a) + "]"
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(_fmt_bool(x, indent + 1) for x in a) + "]"


def _edge_values(a):
    if a.ndim == 0:
        return a.reshape(1)
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
    return np.concatenate([_edge_values(x) for x in a]) if a.ndim > 1 else a
