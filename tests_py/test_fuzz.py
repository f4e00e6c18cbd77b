"""Bad-input fuzzing (hypothesis): random shapes, dims, indices, dtypes and argument values thrown at
the shape, indexing and reduction ops. Only two outcomes are acceptable: the numpy-equal result, or a
clean Python exception (RuntimeError / IndexError / TypeError / ValueError). A crash or hang fails
the run."""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

CLEAN = (RuntimeError, IndexError, TypeError, ValueError)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
dims = st.integers(-6, 6)
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16"]


def make(shape, dtype, flip):
    a = (np.arange(int(np.prod(shape))) % 7).reshape(shape).astype(dtype)
    if flip and a.ndim:
        a = a[::-1]
    return a, ember.from_numpy(a)


def outcome(fn):
    try:
        return ("ok", fn())
    except CLEAN as e:
        return ("err", type(e).__name__)


@SETTINGS
@given(shape=shapes, dtype=st.sampled_from(DTYPES), flip=st.booleans(), d0=dims, d1=dims,
       new=st.lists(st.integers(-2, 5), max_size=4))
def test_shape_ops(shape, dtype, flip, d0, d1, new):
    a, t = make(shape, dtype, flip)
    for name, fn, ref in [
        ("transpose", lambda: t.transpose(d0, d1), lambda: np.swapaxes(a, d0, d1)),
        ("reshape", lambda: t.reshape(new), lambda: a.reshape(new)),
        ("squeeze", lambda: t.squeeze(d0), None),
        ("unsqueeze", lambda: t.unsqueeze(d0), lambda: np.expand_dims(a, d0)),
        ("flatten", lambda: t.flatten(), lambda: a.reshape(-1)),
        ("movedim", lambda: t.movedim(d0, d1), lambda: np.moveaxis(a, d0, d1)),
        ("narrow", lambda: t.narrow(d0, d1, 1), None),
        ("select", lambda: t.select(d0, d1), lambda: np.take(a, d1, axis=d0)),
        ("expand", lambda: t.expand(new), lambda: np.broadcast_to(a, new)),
        ("permute", lambda: t.permute(list(range(t.dim()))[::-1]), lambda: a.transpose()),
    ]:
        kind, val = outcome(fn)
        if kind == "ok":
            assert isinstance(val, ember.Tensor)
            if ref is not None:
                try:
                    want = ref()
                except Exception:  # noqa: BLE001 — numpy is looser/stricter on some; the shape must still be sane
                    want = None
                if want is not None and dtype != "float16":
                    np.testing.assert_array_equal(val.numpy(), want, err_msg=name)


basic_key = st.one_of(
    st.integers(-6, 6), st.none(), st.just(Ellipsis),
    st.builds(slice, st.one_of(st.none(), st.integers(-6, 6)), st.one_of(st.none(), st.integers(-6, 6)),
              st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0))))
keys = st.one_of(basic_key, st.lists(basic_key, max_size=5).map(tuple))


@SETTINGS
@given(shape=shapes, dtype=st.sampled_from(DTYPES), flip=st.booleans(), key=keys)
def test_indexing_get_and_set(shape, dtype, flip, key):
    a, t = make(shape, dtype, flip)
    kind, val = outcome(lambda: t[key])
    try:
        want = a[key]
        np_ok = True
    except (IndexError, TypeError, ValueError):
        np_ok = False
    if kind == "ok":
        assert np_ok, f"ember accepted {key!r} which numpy rejects"
        np.testing.assert_array_equal(val.numpy(), want)
    else:
        assert not np_ok, f"ember rejected {key!r} ({val}) which numpy accepts"
    b = a.copy()
    tb = ember.from_numpy(b)
    kind, _ = outcome(lambda: tb.__setitem__(key, 1))
    if kind == "ok" and np_ok:
        c = a.copy()
        c[key] = 1
        np.testing.assert_array_equal(b, c)


@SETTINGS
@given(shape=shapes, dtype=st.sampled_from(DTYPES), flip=st.booleans(),
       dim=st.one_of(st.none(), dims, st.lists(st.integers(-5, 5), max_size=3).map(tuple)), keepdim=st.booleans())
def test_reductions(shape, dtype, flip, dim, keepdim):
    a, t = make(shape, dtype, flip)
    kind, val = outcome(lambda: t.sum(dim, keepdim) if dim is not None else t.sum())
    if kind == "ok":
        try:
            # PyTorch (and ember): an empty dim list reduces over every dim; numpy's axis=() reduces none.
            want = a.sum(axis=None if dim == () else dim, keepdims=keepdim, dtype=np.float64 if dtype.startswith("float") else np.int64)
        except Exception:  # noqa: BLE001
            want = None
        if want is not None and dtype != "float16":
            np.testing.assert_allclose(val.double().numpy() if val.is_floating_point() else val.numpy(), want,
                                       rtol=1e-5)
    kind, _ = outcome(lambda: ember.softmax(t, dim if isinstance(dim, int) else 0))
    if dtype in ("int64", "int32", "uint8", "bool"):
        assert kind == "err"


@SETTINGS
@given(a=st.one_of(st.integers(-10, 10), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                   st.text(max_size=2), st.none(), st.lists(st.integers(0, 3), max_size=3)))
def test_arguments_of_wrong_type(a):
    t = ember.ones(2, 3)
    for fn in (lambda: t.view(a), lambda: t.sum(a), lambda: ember.ones(a), lambda: t.transpose(a, 0),
               lambda: ember.full((2,), a), lambda: t + a, lambda: t.expand(a)):
        outcome(fn)  # must return or raise cleanly


# ---- huge sizes (Note [size overflow]) and out-of-range Python scalars (Note [scalar range]) ----
# At least 2**47 elements: even one byte each is beyond any address space, so an allocation that is
# not refused for overflow fails cleanly whatever the machine's overcommit policy (never OOM-killed).
huge = st.one_of(st.integers(2**47, 2**62), st.sampled_from([2**47, 2**62, 2**63 - 1]))
sizes = st.lists(st.one_of(st.integers(0, 4), huge, st.integers(-3, -1)), min_size=1, max_size=4).map(tuple)
FACTORIES = {
    "empty": lambda s: ember.empty(s), "zeros": lambda s: ember.zeros(s), "ones": lambda s: ember.ones(s),
    "full": lambda s: ember.full(s, 2.0), "rand": lambda s: ember.rand(s), "randn": lambda s: ember.randn(s),
    "randint": lambda s: ember.randint(0, 5, s), "int8": lambda s: ember.zeros(s, dtype=ember.int8),
    "expand": lambda s: ember.ones(1).expand(s), "new_ones": lambda s: ember.ones(2).new_ones(s),
    "as_strided": lambda s: ember.ones(4).as_strided(s, [1] * len(s)),
    "arange": lambda s: ember.arange(0, s[0]), "linspace": lambda s: ember.linspace(0, 1, s[0]),
    "eye": lambda s: ember.eye(s[0], s[-1]), "randperm": lambda s: ember.randperm(s[0]),
}


@SETTINGS
@given(size=sizes, factory=st.sampled_from(sorted(FACTORIES)))
def test_huge_and_negative_sizes_raise_cleanly(size, factory):
    # Either a tensor whose element count is the exact product (a view, or memory that exists), or a
    # clean error: never a wrapped-around small buffer that a kernel then overruns.
    kind, val = outcome(lambda: FACTORIES[factory](size))
    if kind == "ok":
        n = int(np.prod([int(v) for v in val.shape], dtype=object))
        assert n == val.numel() and n < 2**63
        if val.numel() and val.numel() < 2**20 and factory != "expand":
            val.reshape(-1)[-1].item()  # the last element is reachable


INT_RANGES = {"uint8": (-255, 255), "int8": (-128, 127), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1)}


@SETTINGS
@given(dtype=st.sampled_from(sorted(INT_RANGES)), v=st.integers(-2**40, 2**40),
       how=st.sampled_from(["tensor", "full", "fill_", "masked_fill", "setitem", "linspace"]))
def test_out_of_range_scalars_in_factories_raise(dtype, v, how):
    lo, hi = INT_RANGES[dtype]
    dt = getattr(ember, dtype)
    calls = {
        "tensor": lambda: ember.tensor([v], dtype=dt), "full": lambda: ember.full((2,), v, dtype=dt),
        "fill_": lambda: ember.zeros(2, dtype=dt).fill_(v),
        "masked_fill": lambda: ember.zeros(2, dtype=dt).masked_fill(ember.tensor([True, False]), v),
        "setitem": lambda: ember.zeros(2, dtype=dt).__setitem__(0, v),
        "linspace": lambda: ember.linspace(0, v, 3, dtype=dt),
    }
    if lo <= v <= hi:
        calls[how]()
    else:
        with pytest.raises(RuntimeError, match="without overflow"):
            calls[how]()


@SETTINGS
@given(dtype=st.sampled_from(sorted(INT_RANGES)), v=st.integers(-2**40, 2**40),
       op=st.sampled_from(["add", "sub", "mul", "eq", "lt", "or", "xor"]))
def test_out_of_range_scalars_in_arithmetic_wrap(dtype, v, op):
    # as PyTorch: the Python int is converted to the tensor's dtype with two's complement wrap-around
    a = np.array([0, 1, 7], dtype=dtype)
    t = ember.from_numpy(a.copy())
    w = np.array(v).astype(np.int64).astype(dtype)  # the wrapped scalar
    fns = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
           "eq": lambda x, y: x == y, "lt": lambda x, y: x < y, "or": lambda x, y: x | y, "xor": lambda x, y: x ^ y}
    got = fns[op](t, v)
    with np.errstate(over="ignore"):
        want = fns[op](a, w)
    np.testing.assert_array_equal(got.numpy(), want)
    assert got.dtype == (ember.bool if op in ("eq", "lt") else t.dtype)


VIEW_DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "int16"]


@SETTINGS
@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple), src=st.sampled_from(VIEW_DTYPES),
       dst=st.sampled_from(VIEW_DTYPES), start=st.integers(0, 3), step=st.integers(1, 2))
def test_view_dtype_matches_numpy_or_raises(shape, src, dst, start, step):
    """view(dtype) of sliced tensors: numpy's reinterpretation where the layout allows, else RuntimeError."""
    a = np.zeros(shape, dtype=src)
    t = ember.from_numpy(a)[..., start::step]
    try:
        v = t.view(getattr(ember, dst))
    except RuntimeError:
        return
    try:
        ref = a[..., start::step].view(dst)
    except ValueError:  # numpy is stricter on some layouts (PyTorch's rules are ember's)
        ref = None
    if ref is not None:
        assert tuple(v.shape) == ref.shape
        np.testing.assert_array_equal(v.numpy(), ref)


@SETTINGS
@given(dtype=st.sampled_from(["uint8", "int8", "int16", "int32", "int64"]), s=st.integers(-70, 70),
       x=st.integers(-300, 300))
def test_shifts_of_any_amount(dtype, s, x):
    """Shifts never crash; in range they match numpy, outside they give 0 / the sign, as PyTorch."""
    a = np.array([x]).astype(dtype)
    t = ember.from_numpy(a)
    bits = a.itemsize * 8
    left, right = (t << s).item(), (t >> s).item()
    if 0 <= s < bits:
        assert left == int(np.left_shift(a, a.dtype.type(s))[0])
        assert right == int(np.right_shift(a, a.dtype.type(s))[0])
    else:
        assert left == 0 and right == (-1 if a[0] < 0 else 0)


@SETTINGS
@given(shape=shapes, start=st.integers(0, 6))
def test_out_of_any_size_is_resized(shape, start):
    a = ember.ones(shape)
    out = ember.empty(start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ember.mul(a, 2, out=out)
    assert tuple(out.shape) == tuple(shape)
    assert (out == 2).all().item()
