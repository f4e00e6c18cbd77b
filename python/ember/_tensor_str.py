"""Tensor printing as PyTorch does it: `tensor([[1., 2.], [3., 4.]])`, with the dtype appended when
it is not the default for its kind, sci notation for wide ranges, and summarization of big tensors."""
import math

import numpy as np

import ember

_DEFAULT_INT = "int64"


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Sets how tensors print, as torch.set_printoptions: digits after the point, the element count
    above which printing is summarized, items shown at each edge when summarized, characters per line,
    a profile ("default", "short", "full"), and sci_mode (None: automatic)."""
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, math.inf, 3, 80
    elif profile is not None:
        raise ValueError(f"unknown print profile {profile!r}")
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


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
            if nonzero.size and (nonzero.max() / max(nonzero.min(), 1e-300) > 1000.0 or nonzero.max() > 1e8):
                self.sci_mode = True
                self.int_mode = False
            strs = [self.raw(v) for v in values]
        else:
            if nonzero.size and (nonzero.max() / max(nonzero.min(), 1e-300) > 1000.0 or nonzero.max() > 1e8
                                 or nonzero.min() < 1e-4):
                self.sci_mode = True
            strs = [self.raw(v) for v in values]
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
            if self.sci_mode:
                self.int_mode = False
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
            return f"{v:.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            return self._fmt_int(v)
        return f"{v:.{PRINT_OPTS.precision}f}"

    def format(self, v):
        return self.raw(v).rjust(self.width)


def _summarize(a):
    return a.size > PRINT_OPTS.threshold


def _fmt(a, fmt, indent, summarize):
    E = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        if summarize and a.shape[0] > 2 * E:
            items = [fmt.format(v) for v in a[:E]] + [" ..."] + [fmt.format(v) for v in a[-E:]]
        else:
            items = [fmt.format(v) for v in a]
        per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2))))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"
    rows = list(range(a.shape[0]))
    if summarize and a.shape[0] > 2 * E:
        rows = rows[:E] + [None] + rows[-E:]
    parts = [("..." if r is None else _fmt(a[r], fmt, indent + 1, summarize)) for r in rows]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def tensor_repr(t):
    dt = t.dtype
    name = repr(dt).split(".")[-1]
    if t.is_meta:  # no values: size, and dtype unless it is the default one (as PyTorch)
        suffix = ["device='meta'", f"size={tuple(t.shape)}"]
        if dt != ember.get_default_dtype():
            suffix.append(f"dtype=ember.{name}")
        return "tensor(..." + "".join(", " + s for s in suffix) + _grad_suffix(t) + ")"
    floating = dt.is_floating_point
    d = t.detach()  # numpy() refuses tensors that require grad
    if dt == ember.bool:
        a = d.numpy()
        body = _fmt_bool(a, 7)
    else:
        a = d.to(ember.float64).numpy() if floating else d.to(ember.int64).numpy()
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
    # as PyTorch: int64 and bool are implied by the printed values, so an empty tensor names them too
    if not (name == default or (t.numel() > 0 and (name == _DEFAULT_INT or name == "bool"))):
        suffix.append(f"dtype=ember.{name}")
    if t.device.type != "cpu":
        suffix.insert(0, f"device='{t.device}'")
    return "tensor(" + body + "".join(", " + s for s in suffix) + _grad_suffix(t) + ")"


def _grad_suffix(t):
    fn = t.grad_fn
    if fn is not None:
        return f", grad_fn=<{fn.name().split('::')[-1]}>"
    return ", requires_grad=True" if t.requires_grad else ""


def _fmt_bool(a, indent):
    if a.ndim == 0:
        return str(bool(a))
    if a.ndim == 1:
        return "[" + ", ".join(("True" if v else "False").rjust(5) for v in a) + "]"
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(_fmt_bool(x, indent + 1) for x in a) + "]"


def _edge_values(a):
    E = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a.reshape(1)
    if a.shape[0] > 2 * E:
        a = np.concatenate([a[:E], a[-E:]])
    return np.concatenate([_edge_values(x) for x in a]) if a.ndim > 1 else a
