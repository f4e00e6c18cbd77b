"""check_op: one helper that checks an ember op against numpy (the oracle).

    check_op(ember_fn, numpy_fn, *arg_specs, dtypes=..., shapes=..., result=..., ...)

arg_specs: one per positional argument of ember_fn. `T(...)` is a tensor argument (values drawn
from [low, high]); anything else (a Python int / float / bool, a dtype, a dim...) is passed as is to
both functions. For every dtype assignment, every shape assignment and every layout, check_op
  * builds the inputs in numpy, converts them with ember.from_numpy (bfloat16: via float32 then
    .to(ember.bfloat16), with values exactly representable in bfloat16),
  * calls ember_fn on the ember tensors and numpy_fn on float64 (floating results) or int64
    (integral / bool results) copies of the inputs,
  * checks the result dtype (from the promotion tables in tests_py/data/), shape and values
    (integral: exact; floating: per-dtype tolerances, TOLERANCES) and that the inputs are unchanged.
Layouts: "contiguous", "transposed" (a.T of an array of the reversed shape), "strided" (a[::2, ::2]),
"negative" (a[::-1, ::-1]), "expanded" (stride-0 dims via Tensor.expand). 0-d / empty shapes are in
the default shape lists. mode="inplace" checks `self` is written in place (also through numpy's
memory); mode="out" passes out= (a fresh tensor of the expected dtype, or of out_dtype).
"""
import csv
import itertools
import math
import os
from dataclasses import dataclass

import numpy as np

import ember

DATA = os.path.join(os.path.dirname(__file__), "data")

ALL_DTYPES = (ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64, ember.float16,
              ember.bfloat16, ember.float32, ember.float64)
FLOAT_DTYPES = (ember.float16, ember.bfloat16, ember.float32, ember.float64)
INT_DTYPES = (ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64)
NUMERIC_DTYPES = INT_DTYPES + FLOAT_DTYPES
NAMES = {d: str(d).split(".")[-1] for d in ALL_DTYPES}
BY_NAME = {n: d for d, n in NAMES.items()}

# (rtol, atol) per result dtype.
TOLERANCES = {
    ember.float16: (1e-3, 1e-3),
    ember.bfloat16: (1e-2, 1e-2),
    ember.float32: (1e-5, 1e-6),
    ember.float64: (1e-12, 1e-12),
}

LAYOUTS = ("contiguous", "transposed", "strided", "negative", "expanded")

UNARY_SHAPES = [(), (0,), (7,), (3, 4), (2, 3, 4), (2, 0, 3), (1, 5)]
BINARY_SHAPES = [
    ((), ()), ((5,), (5,)), ((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)),
    ((2, 1, 4), (3, 1)), ((), (2, 3)), ((2, 3), ()), ((0,), (0,)), ((0, 3), (1, 3)), ((2, 0, 3), (3,)),
    ((1,), (4,)),
]


def is_float(d):
    return d in FLOAT_DTYPES


def np_dtype(d):
    return np.dtype("bool" if d == ember.bool else NAMES[d])


def ember_dtype(npd):
    npd = np.dtype(npd)
    return ember.bool if npd == np.bool_ else BY_NAME[npd.name]


# ---------------------------------------------------------------- promotion (the oracle: the CSVs)
def _load(name):
    with open(os.path.join(DATA, name)) as f:
        return list(csv.reader(f))


def promotion_table():
    """{(lhs, rhs): result} from promotion.csv (PyTorch's promote_types)."""
    rows = _load("promotion.csv")
    cols = [BY_NAME[c] for c in rows[0][1:]]
    return {(BY_NAME[r[0]], c): BY_NAME[v] for r in rows[1:] for c, v in zip(cols, r[1:])}


def scalar_promotion_table():
    """{(tensor dtype, column): result} from promotion_scalars.csv."""
    rows = _load("promotion_scalars.csv")
    return {(BY_NAME[r[0]], c): BY_NAME[v] for r in rows[1:] for c, v in zip(rows[0][1:], r[1:])}


PROMOTE = promotion_table()
PROMOTE_SCALAR = scalar_promotion_table()


def _category(d):
    return 0 if d == ember.bool else (2 if is_float(d) else 1)


def result_type(*operands):
    """PyTorch's result type of operands (ember tensors, numpy arrays tagged by `Operand`, or Python
    scalars): tensors with dims are promoted with promotion.csv; 0-d tensors and Python scalars may
    only raise the category (README of the data; checked against promotion_scalars.csv in tests)."""
    tiers = [None, None, None]  # dim tensors, 0-d tensors, Python scalars

    def add(tier, d):
        tiers[tier] = d if tiers[tier] is None else PROMOTE[tiers[tier], d]

    for o in operands:
        if isinstance(o, bool):
            add(2, ember.bool)
        elif isinstance(o, int):
            add(2, ember.int64)
        elif isinstance(o, float):
            add(2, ember.get_default_dtype())
        else:
            dtype, ndim = o
            add(0 if ndim > 0 else 1, dtype)

    def combine(higher, lower):
        if higher is None:
            return lower
        if lower is None or _category(higher) >= _category(lower):
            return higher
        return PROMOTE[higher, lower]

    return combine(tiers[0], combine(tiers[1], tiers[2]))


def float_result_type(*operands):
    """result_type, with integral / bool results mapped to the default float dtype (div, exp, ...)."""
    r = result_type(*operands)
    return r if is_float(r) else ember.get_default_dtype()


def same_as_first(*operands):
    return operands[0][0]


# ---------------------------------------------------------------- inputs
@dataclass(frozen=True)
class T:
    """A tensor argument with values drawn from [low, high] (integral dtypes: integers in that
    range, clipped at 0 for uint8; bool: random). nonzero excludes 0 (divisors)."""
    low: float = -3.0
    high: float = 3.0
    nonzero: bool = False


def _bf16_round(a):
    """float32 values rounded to the nearest bfloat16 (round half to even), as float32."""
    a = np.asarray(a, np.float32)
    bits = a.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def make_values(rng, spec, dtype, shape):
    """A numpy array (float32 for bfloat16) of the given shape with values fitting spec and dtype."""
    if dtype == ember.bool:
        v = np.asarray(rng.random(shape) < 0.5)
        if spec.nonzero:
            v[...] = True
        return v
    if is_float(dtype):
        v = rng.uniform(spec.low, spec.high, shape)
        if spec.nonzero:
            v = np.where(np.abs(v) < 0.25, 0.25 + np.abs(v), v)
        if dtype == ember.bfloat16:
            return _bf16_round(v)
        return v.astype(np_dtype(dtype))
    lo = max(math.ceil(spec.low), 0 if dtype == ember.uint8 else -(1 << 62))
    hi = math.floor(spec.high)
    v = rng.integers(lo, hi + 1, shape)
    if spec.nonzero:
        v = np.where(v == 0, hi if hi != 0 else lo, v)
    return v.astype(np_dtype(dtype))


def _c_copy(a):
    """A C-contiguous copy that keeps 0-d arrays 0-d (np.ascontiguousarray makes them 1-d)."""
    return np.array(a, order="C", copy=True)


def layout_array(values, layout):
    """A numpy view holding `values` (any shape) with the requested memory layout."""
    shape, nd = values.shape, values.ndim
    if layout == "contiguous" or nd == 0:
        return _c_copy(values)
    if layout == "transposed":
        return _c_copy(values.T).T
    if layout == "strided":
        base = np.zeros(tuple(2 * s + 1 for s in shape), values.dtype)
        view = base[(slice(1, None, 2),) * nd]
        view[...] = values
        return view
    if layout == "negative":
        return _c_copy(values[(slice(None, None, -1),) * nd])[(slice(None, None, -1),) * nd]
    raise ValueError(layout)


def to_ember(values, dtype, layout):
    """(ember tensor, numpy view it was made from or None) for values (numpy) in the given layout."""
    if layout == "expanded":
        # stride 0 along the leading dim: expand a 1-row tensor (only when the rows are equal).
        base = values[:1] if values.ndim and values.shape[0] else values
        t = to_ember(_c_copy(base), dtype, "contiguous")[0]
        return t.expand(*values.shape), None
    if dtype == ember.bfloat16:
        if layout == "transposed" and values.ndim > 1:
            base = ember.from_numpy(_c_copy(values.T.astype(np.float32))).to(ember.bfloat16)
            return base.permute(*range(values.ndim - 1, -1, -1)), None
        # ember has no slicing yet, so bfloat16 strided / negative layouts are made in float32 and
        # converted (which makes them contiguous).
        return ember.from_numpy(layout_array(values.astype(np.float32), layout)).to(ember.bfloat16), None
    view = layout_array(values, layout)
    return ember.from_numpy(view), view


def to_numpy(t):
    """An ember tensor's values as numpy (bfloat16 read back as float32)."""
    if t.dtype == ember.bfloat16:
        return t.to(ember.float32).numpy()
    return t.numpy()


def _layout_applies(layout, values):
    if layout == "expanded":
        return values.ndim > 0 and values.shape[0] > 1
    return layout == "contiguous" or values.ndim > 0


# ---------------------------------------------------------------- checking
def assert_close(actual, expected, dtype, context):
    """actual (numpy, read back) vs expected (numpy, float64 / int64 / bool) for result dtype."""
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != expected {expected.shape}"
    if is_float(dtype):
        exp = expected.astype(np.float64)
        if dtype == ember.bfloat16:
            exp = _bf16_round(exp.astype(np.float32)).astype(np.float64)
        else:
            exp = exp.astype(np_dtype(dtype)).astype(np.float64)
        rtol, atol = TOLERANCES[dtype]
        np.testing.assert_allclose(actual.astype(np.float64), exp, rtol=rtol, atol=atol, err_msg=context)
    else:
        exp = expected.astype(np_dtype(dtype)) if dtype != ember.bool else expected.astype(bool)
        np.testing.assert_array_equal(actual, exp, err_msg=context)


def oracle_cast(values, compute_float):
    """The inputs as numpy_fn sees them: float64 for floating results, int64 for integral ones."""
    return values.astype(np.float64) if compute_float else values.astype(np.int64)


def finish(raw, dtype):
    """numpy_fn's raw result cast the way ember's result dtype demands (integers wrap; bool = != 0)."""
    raw = np.asarray(raw)
    if dtype == ember.bool:
        return raw != 0
    if not is_float(dtype):
        return raw.astype(np.int64).astype(np_dtype(dtype))
    return raw.astype(np.float64)


def returns(dtype):
    """A result rule for ops whose result dtype is fixed (to(dtype), sum(dtype=...), ...)."""
    return lambda *operands: dtype


def sum_result_type(*operands):
    """sum: bool and integral inputs sum in int64."""
    d = operands[0][0]
    return d if is_float(d) else ember.int64


def _default_shapes(n_tensors):
    if n_tensors == 0:
        return [()]
    if n_tensors == 1:
        return [(s,) for s in UNARY_SHAPES]
    if n_tensors == 2:
        return BINARY_SHAPES
    return [tuple((3, 4) for _ in range(n_tensors))]


def check_op(ember_fn, numpy_fn, *arg_specs, dtypes=ALL_DTYPES, shapes=None, layouts=LAYOUTS,
             result=result_type, mode="functional", out_dtype=None, seed=0, name=None):
    """Checks ember_fn(*args) against numpy_fn(*numpy_args) (see the module docstring).

    dtypes: dtypes (every tensor argument gets the same one) or tuples (one dtype per tensor arg).
    shapes: tuples of shapes, one per tensor argument; default: 0-d, empty, broadcasting shapes.
    result: result_type / float_result_type / same_as_first, or a callable (dtype, ndim) operands ->
            dtype; called with every argument (tensors as (dtype, ndim), scalars as themselves).
    mode:   "functional", "inplace" (ember_fn mutates and returns its first tensor argument; a
            promoted dtype that can't be cast to it must raise RuntimeError "can't be cast"), or
            "out" (ember_fn gets out=; out_dtype overrides the expected result dtype for out).
    Returns the number of cases checked (so tests can assert the sweep was not empty).
    """
    rng = np.random.default_rng(seed)
    tensor_idx = [i for i, s in enumerate(arg_specs) if isinstance(s, T)]
    shapes = shapes if shapes is not None else _default_shapes(len(tensor_idx))
    name = name or getattr(ember_fn, "__name__", "op")
    checked = 0
    for dt in dtypes:
        dts = dt if isinstance(dt, tuple) else (dt,) * len(tensor_idx)
        for shp in shapes:
            raw0 = [make_values(rng, arg_specs[i], d, s) for i, d, s in zip(tensor_idx, dts, shp)]
            for layout in layouts:
                if not all(_layout_applies(layout, v) for v in raw0):
                    continue
                raw = raw0
                if layout == "expanded":  # all rows equal to the first: what expand() will show
                    raw = [_c_copy(np.broadcast_to(v[:1], v.shape)) for v in raw0]
                ctx = (f"{name}: mode={mode} dtypes={[NAMES[d] for d in dts]} shapes={list(shp)} "
                       f"layout={layout} args={[a if not isinstance(a, T) else 'T' for a in arg_specs]}")
                _check_one(ember_fn, numpy_fn, arg_specs, tensor_idx, dts, raw, layout, result, mode, out_dtype,
                           ctx)
                checked += 1
    assert checked > 0, f"{name}: check_op checked nothing"
    return checked


def round_to(x, dtype):
    """x (numpy) converted to dtype the way ember stores it, as float64 / int64 / bool numpy."""
    x = np.asarray(x)
    if dtype == ember.bool:
        return x != 0
    if not is_float(dtype):
        return x.astype(np.int64).astype(np_dtype(dtype)).astype(np.int64)
    if dtype == ember.bfloat16:
        return _bf16_round(x.astype(np.float32)).astype(np.float64)
    return x.astype(np_dtype(dtype)).astype(np.float64)


def _check_one(ember_fn, numpy_fn, arg_specs, tensor_idx, dts, raw, layout, result, mode, out_dtype, ctx):
    import pytest

    ember_args, np_views = list(arg_specs), {}
    for i, d, v in zip(tensor_idx, dts, raw):
        ember_args[i], np_views[i] = to_ember(v, d, layout)
    operands = [(d, v.ndim) for d, v in zip(dts, raw)]
    op_args = [(operands[tensor_idx.index(i)] if i in tensor_idx else a) for i, a in enumerate(arg_specs)]
    rt = result(*op_args)
    # float64 when anything is floating (then truncated / != 0 for integral / bool results), else int64
    compute_float = is_float(rt) or any(is_float(d) for d in dts) or (mode == "out" and out_dtype is not None
                                                                      and is_float(out_dtype))
    np_args = [(oracle_cast(raw[tensor_idx.index(i)], compute_float) if i in tensor_idx else a)
               for i, a in enumerate(arg_specs)]

    if mode == "inplace":
        self_t, self_dtype = ember_args[tensor_idx[0]], dts[0]
        if layout == "expanded" or raw[0].shape != np.broadcast_shapes(*(v.shape for v in raw)):
            return  # self must own every element of the broadcast shape (error tests cover the rest)
        if _category(rt) > _category(self_dtype):
            with pytest.raises(RuntimeError, match="can't be cast"):
                ember_fn(*ember_args)
            return
        ptr = self_t.data_ptr()
        got = ember_fn(*ember_args)
        assert got.data_ptr() == ptr and got.dtype == self_dtype, f"{ctx}: not in place"
        expected = round_to(round_to(numpy_fn(*np_args), rt), self_dtype)
        assert_close(to_numpy(got), expected, self_dtype, ctx)
        assert_close(to_numpy(self_t), expected, self_dtype, ctx + " (self)")
        view = np_views[tensor_idx[0]]
        if view is not None:  # the write went through numpy's memory too
            assert_close(view, expected, self_dtype, ctx + " (numpy memory)")
        return

    if mode == "out":
        want = out_dtype or rt
        shape = np.broadcast_shapes(*(v.shape for v in raw)) if raw else ()
        out_t = ember.empty(tuple(shape), dtype=want)
        got = ember_fn(*ember_args, out=out_t)
        assert got.data_ptr() == out_t.data_ptr() and got.dtype == want, f"{ctx}: out= not returned"
        expected = round_to(round_to(numpy_fn(*np_args), rt), want)
        assert_close(to_numpy(out_t), expected, want, ctx)
        return

    got = ember_fn(*ember_args)
    assert isinstance(got, ember.Tensor), f"{ctx}: result is {type(got)}"
    assert got.dtype == rt, f"{ctx}: dtype {got.dtype} != expected {rt}"
    expected = finish(numpy_fn(*np_args), rt)
    assert tuple(got.shape) == expected.shape, f"{ctx}: shape {tuple(got.shape)} != {expected.shape}"
    assert_close(to_numpy(got), expected, rt, ctx)
    for i, v in zip(tensor_idx, raw):  # inputs untouched
        np.testing.assert_array_equal(to_numpy(ember_args[i]), v, err_msg=ctx + " (input changed)")


def pairs(dtypes=ALL_DTYPES):
    """Every (lhs, rhs) combination of dtypes, for mixed-dtype binary checks."""
    return list(itertools.product(dtypes, dtypes))
