"""Plans the fuzzed calls: one JSON-able dict per call (see inputs.py for the argument specs).

Elementwise ops (schema `meta:`) are planned from their meta rule: every dtype (and dtype pair for
binary ops), 0-d / empty / broadcast / non-contiguous / negative-stride inputs, special values,
Python scalars (in and out of the dtype's range), and every call form the schema declares
(function, method, in-place, out=, out= of another dtype, Python operators). Other ops follow a
hand-written plan in plans.py: the first tensor argument sweeps dtypes, shapes and layouts while
the other arguments keep their first option; then each other argument takes each of its options.
"""
from __future__ import annotations

import itertools

from inputs import DTYPES, FLOATS, INTS

LAYOUTS = ["nc", "neg", "tr", "bc"]


class Ctx:
    def __init__(self, mode):
        self.mode = mode
        self.n = 0
        self.cases: list[dict] = []

    @property
    def full(self):
        return self.mode == "full"

    def seed(self):
        self.n += 1
        return self.n


def tspec(shape, dtype, lay="c", vals="rand", seed=0, **kw):
    d = {"t": "T", "shape": list(shape), "dtype": dtype, "lay": lay, "vals": vals, "seed": seed}
    d.update(kw)
    return d


def lay_ok(lay, shape):
    if lay == "c":
        return True
    if lay == "tr":
        return len(shape) >= 2
    if lay == "bc":
        return len(shape) >= 2 and all(s > 0 for s in shape)
    return len(shape) >= 1


def layouts_for(ctx, shape, k):
    """Contiguous plus, in quick mode, one rotating odd layout; all odd layouts in full mode."""
    odd = [lay for lay in LAYOUTS if lay_ok(lay, shape)]
    if not odd:
        return ["c"]
    return ["c"] + (odd if ctx.full else [odd[k % len(odd)]])


def add(ctx, op, form, args, kwargs=None, grad=False, cmp="values", tag="", **extra):
    c = {"id": f"{op}#{len(ctx.cases)}", "op": op, "form": form, "args": args, "kwargs": kwargs or {},
         "grad": grad, "cmp": cmp, "tag": tag}
    c.update(extra)
    ctx.cases.append(c)


def call_forms(entry):
    forms = [f for f in ("function", "method") if f in entry.variants]
    return forms


# ---------------------------------------------------------------------------------------- unary
UNARY_EXTRA = {  # extra argument variants for unary structured ops: (args, kwargs)
    "round": [([], {"decimals": 1}), ([], {"decimals": -1})],
    "gelu": [([], {"approximate": "tanh"}), ([], {"approximate": "bogus"})],
    "clamp": [([-1, 1], {}), ([None, 0.5], {}), ([{"t": "F", "v": "nan"}, None], {}), ([2, -2], {}),
              ([], {"min": 0.5}), ([0, 300], {}), ([None, None], {})],
    "nan_to_num": [([0.0, 10.0, -10.0], {}), ([], {"nan": 1.5})],
}
UNARY_DEFAULT_ARGS = {"clamp": ([-1.5, 1.5], {})}


def plan_unary(ctx, e):
    op = e.pyname
    dargs, dkw = UNARY_DEFAULT_ARGS.get(op, ([], {}))
    shapes = [(2, 3), (), (0,), (3, 1, 2)] + ([(5,), (4, 5)] if ctx.full else [])
    for i, dt in enumerate(DTYPES):
        for shape in shapes:
            for lay in layouts_for(ctx, shape, i):
                for f in call_forms(e):
                    add(ctx, op, f, [tspec(shape, dt, lay, seed=ctx.seed())] + dargs, dict(dkw),
                        grad=(dt == "float64" and f == "function"))
        vals = ["special"] + (["pos", "unit"] if dt in FLOATS else [])
        for v in vals:
            add(ctx, op, "function", [tspec((12,), dt, vals=v, seed=ctx.seed())] + dargs, dict(dkw),
                grad=(dt == "float64" and v != "special"))
        x = tspec((2, 3), dt, seed=ctx.seed())
        if e.inplace:
            for lay in ["c", "nc", "bc"]:
                add(ctx, op, "inplace", [tspec((2, 3), dt, lay, seed=ctx.seed())] + dargs, dict(dkw))
        if e.out:
            add(ctx, op, "out", [x] + dargs, dict(dkw))
            add(ctx, op, "out_resize", [x] + dargs, dict(dkw))
            for od in (["float64", "int64", "bool", "float16"] if ctx.full else ["float64", "int64"]):
                add(ctx, op, "out_dtype", [x] + dargs, dict(dkw), out_dtype=od)
        for d in e.py_operators:
            add(ctx, op, "op:" + d, [x])
        for a, kw in UNARY_EXTRA.get(op, []):
            add(ctx, op, "function", [tspec((2, 3), dt, seed=ctx.seed())] + a, kw,
                grad=(dt == "float64"))


# ---------------------------------------------------------------------------------------- binary
BIN_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((), (2, 3)), ((2, 3), ()), ((0, 3), (3,)),
              ((2, 1), (1, 3)), ((), ())]
BIN_SHAPES_FULL = [((4, 1, 3), (2, 1)), ((0,), ()), ((2, 3), (4,))]  # the last one mismatches
SCALARS = [2, -1, 2.5, True, 0, 300, -1000, 2 ** 40, -0.5, {"t": "F", "v": "inf"}, {"t": "F", "v": "nan"}]
BINARY_EXTRA = {
    "add": [({"alpha": 2}), ({"alpha": 0.5}), ({"alpha": True})],
    "sub": [({"alpha": 2}), ({"alpha": 0.5})],
    "lerp": [],
}


def plan_binary(ctx, e):
    op = e.pyname
    tens = [a for a in e.args if a.type == "Tensor"]
    extra = [a for a in e.args if a.type != "Tensor"]
    # lerp(self, end, Scalar weight): a third positional scalar
    tail = [0.25] if op == "lerp" else []
    shapes = BIN_SHAPES + (BIN_SHAPES_FULL if ctx.full else [])
    pairs = [(d, d) for d in DTYPES]
    mix = DTYPES if ctx.full else ["bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32"]
    pairs += [(a, b) for a in DTYPES for b in mix if a != b and (ctx.full or (DTYPES.index(a) + DTYPES.index(b)) % 2 == 0)]
    for k, (da, db) in enumerate(pairs):
        same = da == db
        for si, (sa, sb) in enumerate(shapes if same else shapes[:2]):
            lays = layouts_for(ctx, sa, k + si) if same else ["c"]
            for lay in lays:
                a, b = tspec(sa, da, lay, seed=ctx.seed()), tspec(sb, db, seed=ctx.seed())
                for f in call_forms(e):
                    if f == "method" and si > 2 and not ctx.full:
                        continue
                    add(ctx, op, f, [a, b] + tail, grad=(da == db == "float64" and f == "function"))
        a, b = tspec((2, 3), da, seed=ctx.seed()), tspec((2, 3), db, seed=ctx.seed())
        if same:
            add(ctx, op, "function", [tspec((12,), da, vals="special", seed=ctx.seed()),
                                      tspec((12,), db, vals="special", seed=ctx.seed())] + tail)
        if e.inplace:
            add(ctx, op, "inplace", [a, b] + tail)
            if same:
                add(ctx, op, "inplace", [tspec((2, 3), da, "bc", seed=ctx.seed()), b] + tail)
                add(ctx, op, "inplace", [tspec((3,), da, seed=ctx.seed()), tspec((2, 3), db, seed=ctx.seed())] + tail)
        if e.out and (same or ctx.full):
            add(ctx, op, "out", [a, b] + tail)
            if same:
                for od in ["float64", "int64", "bool"]:
                    add(ctx, op, "out_dtype", [a, b] + tail, out_dtype=od)
        for d in e.py_operators:
            if d.startswith("__r") or (not same and d.startswith("__i")):
                continue
            add(ctx, op, "op:" + d, [a, b])
        for kw in BINARY_EXTRA.get(op, []):
            add(ctx, op, "function", [a, b] + tail, kw, grad=(da == db == "float64"))
    # Python scalars as `other` (and as `self` where the schema allows), every dtype
    if "other" in e.scalar_args or op in ("pow",):
        for dt in DTYPES:
            for s in SCALARS:
                x = tspec((2, 3), dt, seed=ctx.seed())
                for f in call_forms(e):
                    add(ctx, op, f, [x, s], grad=(dt == "float64" and f == "function"))
                for d in e.py_operators:
                    if d.startswith("__i") and not isinstance(s, dict) and dt != "bool":
                        add(ctx, op, "op:" + d, [tspec((2, 3), dt, seed=ctx.seed()), s])
                    elif not d.startswith("__i"):
                        add(ctx, op, "op:" + d, [x, s])
            add(ctx, op, "function", [tspec((0,), dt, seed=ctx.seed()), 0])
    if op == "lerp":
        for w in [0.0, 1.0, 0.5, 2]:
            add(ctx, op, "function", [tspec((2, 3), "float32", seed=1), tspec((2, 3), "float32", seed=2), w])
        add(ctx, op, "function", [tspec((2, 3), "float32", seed=1), tspec((2, 3), "float32", seed=2),
                                  tspec((2, 3), "float32", vals="unit", seed=3)], tag="tensor weight")
    return tens, extra


def plan_structured(ctx, e):
    if e.meta.startswith("unary") or e.meta == "clamp":
        plan_unary(ctx, e)
    else:
        plan_binary(ctx, e)


def dtype_pairs(ctx):
    return list(itertools.product(DTYPES, DTYPES))


__all__ = ["Ctx", "tspec", "add", "plan_structured", "layouts_for", "DTYPES", "FLOATS", "INTS"]
