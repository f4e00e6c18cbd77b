"""The small plan language of plans.py and its expansion into calls."""
from __future__ import annotations

from cases import DTYPES, add, layouts_for, tspec

OMIT = "<omit>"


def same(shape=None, vals="rand", lay="c"):
    """A tensor of the main tensor's dtype (and shape, unless given)."""
    return lambda sh, dt, sd: tspec(sh if shape is None else shape, dt, lay, vals, sd + 101)


def idx(shape, lo, hi, dtype="int64"):
    return lambda sh, dt, sd: tspec(shape, dtype, "c", f"idx:{lo}:{hi}", sd + 202)


def mask(shape=None):
    return lambda sh, dt, sd: tspec(sh if shape is None else shape, "bool", "c", "rand", sd + 303)


def fixed(shape, dtype, vals="rand", lay="c"):
    return lambda sh, dt, sd: tspec(shape, dtype, lay, vals, sd + 404)


def resolve(v, sh, dt, sd):
    if callable(v):
        return v(sh, dt, sd)
    if isinstance(v, list):
        return {"t": "L", "v": [resolve(x, sh, dt, sd) for x in v]} if any(callable(x) for x in v) else v
    if isinstance(v, tuple):
        return {"t": "TU", "v": [resolve(x, sh, dt, sd) for x in v]}
    return v


class Plan:
    def __init__(self, mains=((3, 4),), pos=(), kw=None, call=None, forms=None, main_at=0,
                 dtypes=None, cmp="values", vals=("rand",), nomain=False, grad=True, main=None):
        self.mains, self.pos, self.kw = list(mains), list(pos), dict(kw or {})
        self.call, self.forms, self.main_at, self.dtypes = call, forms, main_at, dtypes
        self.cmp, self.vals, self.nomain, self.grad, self.main = cmp, list(vals), nomain, grad, main


def _build(plan, choice, sh, dt, sd, lay="c", vals="rand"):
    """choice: {arg position or kw name -> option index}. Returns (args, kwargs)."""
    args = []
    for i, opts in enumerate(plan.pos):
        v = opts[choice.get(i, 0)]
        if v is OMIT:
            break
        args.append(resolve(v, sh, dt, sd))
    kwargs = {}
    for k, opts in plan.kw.items():
        v = opts[choice.get(k, 0)]
        if v is not OMIT:
            kwargs[k] = resolve(v, sh, dt, sd)
    if not plan.nomain:
        m = plan.main(sh, dt, sd, lay, vals) if plan.main else tspec(sh, dt, lay, vals, sd)
        args.insert(plan.main_at, m)
    return args, kwargs


def expand(ctx, name, plan, variants):
    call = plan.call or name
    forms = plan.forms or [f for f in ("function", "method") if f in variants]
    dtypes = plan.dtypes or DTYPES
    if plan.nomain:
        # factories: every option of every argument, then the dtype= sweep
        base_args, base_kw = _build(plan, {}, (), "float32", ctx.seed())
        add(ctx, call, forms[0], base_args, base_kw, cmp=plan.cmp)
        for key, opts in list(enumerate(plan.pos)) + list(plan.kw.items()):
            for j in range(1, len(opts)):
                a, k = _build(plan, {key: j}, (), "float32", ctx.seed())
                add(ctx, call, forms[0], a, k, cmp=plan.cmp)
        if "dtype" not in plan.kw:
            for dt in DTYPES:
                add(ctx, call, forms[0], base_args, dict(base_kw, dtype={"t": "D", "v": dt}), cmp=plan.cmp)
        return
    for i, dt in enumerate(dtypes):
        for si, sh in enumerate(plan.mains):
            for lay in layouts_for(ctx, sh, i + si):
                for f in forms:
                    if f != forms[0] and (si > 0 or lay != "c") and not ctx.full:
                        continue
                    a, k = _build(plan, {}, sh, dt, ctx.seed(), lay)
                    add(ctx, call, f, a, k, cmp=plan.cmp,
                        grad=plan.grad and dt == "float64" and f in ("function", "method", "getitem"))
            for v in plan.vals[1:]:
                a, k = _build(plan, {}, sh, dt, ctx.seed(), "c", v)
                add(ctx, call, forms[0], a, k, cmp=plan.cmp, grad=plan.grad and dt == "float64" and v != "special")
    alt_dtypes = ["float32", "int64", "float64"] + (["bool", "float16", "uint8"] if ctx.full else [])
    for key, opts in list(enumerate(plan.pos)) + list(plan.kw.items()):
        for j in range(1, len(opts)):
            for dt in alt_dtypes:
                if dt not in dtypes:
                    continue
                for sh in plan.mains[:1] if not ctx.full else plan.mains:
                    a, k = _build(plan, {key: j}, sh, dt, ctx.seed())
                    add(ctx, call, forms[0], a, k, cmp=plan.cmp,
                        grad=plan.grad and dt == "float64" and forms[0] in ("function", "method", "getitem"))
