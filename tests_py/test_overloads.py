"""Overload resolution (docs/op_names.md): the generated Python parser and the C++ resolver
(ember::resolve_overload, used by call_boxed by name and later by the script compiler) pick the same
registry entry for the same arguments; a call no overload takes raises PyTorch's TypeError listing the
signatures; the ops that used to be written twice (C++ and Python) now come from one schema entry."""
import re

import numpy as np
import pytest

import ember

X = ember.arange(12.0).reshape(3, 4)
T = ember.ones(3, 4)

# (function, args, kwargs, expected entry): the cases where choosing matters.
CASES = [
    (ember.max, (X,), {}, "aten::max.default"),
    (ember.max, (X, 1), {}, "aten::max.dim"),
    (ember.max, (X, 1, True), {}, "aten::max.dim"),
    (ember.max, (X,), {"dim": 0}, "aten::max.dim"),
    (ember.max, (X, T), {}, "aten::max.other"),
    (ember.min, (X, T), {}, "aten::min.other"),
    (ember.median, (X,), {}, "aten::median.default"),
    (ember.median, (X, 0), {}, "aten::median.dim"),
    (ember.var, (X,), {}, "aten::var.correction"),
    (ember.var, (X, 1), {}, "aten::var.correction"),
    (ember.var, (X, True), {}, "aten::var.default"),
    (ember.var, (X, 1, True), {}, "aten::var.dim"),
    (ember.var, (X,), {"dim": 1, "unbiased": False}, "aten::var.dim"),
    (ember.var, (X,), {"unbiased": False}, "aten::var.default"),
    (ember.var, (X,), {"correction": 0}, "aten::var.correction"),
    (ember.std_mean, (X, 1, False), {}, "aten::std_mean.dim"),
    (ember.split, (X, 2), {}, "aten::split.Tensor"),
    (ember.split, (X, [1, 2]), {}, "aten::split.sizes"),
    (ember.split, (X, (1, 3), 1), {}, "aten::split.sizes"),
    (ember.clamp, (X, 0, 1), {}, "aten::clamp.default"),
    (ember.clamp, (X,), {"min": T}, "aten::clamp.Tensor"),
    (ember.clamp, (X, None, T), {}, "aten::clamp.Tensor"),
    (ember.clamp, (X, 0, 1), {"out": T}, "aten::clamp.out"),
    (ember.add, (X, T), {}, "aten::add.Tensor"),
    (ember.add, (X, 2), {}, "aten::add.Tensor"),
    (ember.add, (X, T), {"out": T}, "aten::add.out"),
    (ember.randint, (10, (3,)), {}, "aten::randint.generator"),
    (ember.randint, (0, 10, (3,)), {}, "aten::randint.low_generator"),
    (ember.repeat_interleave, (X, 2), {}, "aten::repeat_interleave.self_int"),
    (ember.repeat_interleave, (X, ember.tensor([1, 2, 3])), {"dim": 0}, "aten::repeat_interleave.self_Tensor"),
    (ember.repeat_interleave, (ember.tensor([1, 2]),), {}, "aten::repeat_interleave.Tensor"),
    (ember._C.tensordot, (X, X.T, [1], [0]), {}, "aten::tensordot.default"),
    (ember._C.tensordot, (X, X.T), {"dims": 1}, "aten::tensordot.int"),
    (ember.meshgrid, ([X[0], X[1]],), {}, "aten::meshgrid.default"),
    (ember.meshgrid, ([X[0], X[1]],), {"indexing": "xy"}, "aten::meshgrid.indexing"),
    (ember.einsum, ("ij,jk", [X, X.T]), {}, "aten::einsum.default"),
    (ember.where, (X > 1, X, T), {}, "aten::where.self"),
    (ember.norm, (X,), {}, "aten::norm.ScalarOpt_dim_dtype"),
    (ember.norm, (X, "fro"), {}, "aten::norm.str"),
    (ember.searchsorted, (X[0], X), {}, "aten::searchsorted.Tensor"),
    (ember.pow, (X, 2), {}, "aten::pow.Tensor_Tensor"),
]

METHOD_CASES = [
    (ember.Tensor.to, (X, ember.float64), {}, "aten::to.dtype"),
    (ember.Tensor.to, (X, "cpu"), {}, "aten::to.prim_Device"),
    (ember.Tensor.to, (X, T), {}, "aten::to.other"),
    (ember.Tensor.to, (X,), {"dtype": ember.float64}, "aten::to.prim_Device"),
    (ember.Tensor.max, (X, 1), {}, "aten::max.dim"),
    (ember.Tensor.clamp_, (X, 0), {}, "aten::clamp_.default"),
    (ember.Tensor.clamp_, (X, T), {}, "aten::clamp_.Tensor"),
    (ember.Tensor.add_, (X, 1), {}, "aten::add_.Tensor"),
    (ember.Tensor.pow_, (X, T), {}, "aten::pow_.Tensor"),
    (ember.Tensor.where, (X, X > 1, T), {}, "aten::where.self"),
    (ember.Tensor.split, (X, [1, 2]), {}, "aten::split.sizes"),
]


# Python-only argument forms (varargs tensors): the C++ resolver takes the list form (CASES above).
VARARGS_CASES = [
    (ember.meshgrid, (X[0], X[1]), {}, "aten::meshgrid.default"),
    (ember.meshgrid, (X[0], X[1]), {"indexing": "ij"}, "aten::meshgrid.indexing"),
    (ember.einsum, ("ij,jk", X, X.T), {}, "aten::einsum.default"),
]


@pytest.mark.parametrize("fn,args,kwargs,expected", VARARGS_CASES)
def test_python_varargs(fn, args, kwargs, expected):
    assert ember._C._python_overload(fn, *args, **kwargs) == expected


@pytest.mark.parametrize("fn,args,kwargs,expected", CASES + METHOD_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES + METHOD_CASES)])
def test_python_and_cpp_choose_the_same_overload(fn, args, kwargs, expected):
    assert ember._C._python_overload(fn, *args, **kwargs) == expected
    name = expected.split("::")[1].split(".")[0]
    if "out" not in kwargs:
        assert ember._C._resolve_overload(name, *args, **kwargs) == expected


def _sample(t):
    """A value of schema type t for a resolution-only call (values are never computed with)."""
    base = t.rstrip("?")
    if base.startswith("int["):
        return [1] if base.startswith("int[]") else 1
    return {"Tensor": X, "Tensor[]": [X, X], "Scalar": 2, "int": 1, "float": 0.5, "bool": True, "str": "x",
            "ScalarType": ember.float64, "Device": "cpu", "Generator": ember.Generator()}[base]


def _schema_calls():
    """Every registry entry (but out= forms) called in its Python form with all arguments positional and
    with only the required ones, so both resolvers see every op's signatures."""
    calls = []
    for sig in ember._C._op_schemas():
        m = re.match(r"^(\w+)\.(\w+)\((.*)\) -> (.*)$", sig)
        name, overload, params = m.group(1), m.group(2), m.group(3)
        if overload.endswith("out") and "Tensor(a!) out" in params:
            continue
        parts = [p.strip() for p in re.split(r",\s*(?![^\[]*\])", params) if p.strip()]
        pos, req, kw, req_kw = [], [], False, {}
        for p in parts:
            if p == "*":
                kw = True
                continue
            typ, rest = p.rsplit(" ", 1)
            typ = re.sub(r"\(\w!?\)", "", typ)
            pname = rest.split("=")[0]
            has_default = "=" in rest
            if not kw:
                pos.append((pname, typ))
                if not has_default:
                    req.append((pname, typ))
            elif not has_default:  # a required keyword-only argument (the fused optimizers' lr=, ...)
                req_kw[pname] = _sample(typ)
        qualified = f"aten::{name}.{overload}"
        calls.append((qualified, name, [_sample(t) for _, t in pos], req_kw))
        if len(req) < len(pos):
            calls.append((qualified, name, [_sample(t) for _, t in req], req_kw))
    return calls


def _registry_only():
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tools" / "codegen"))
    import schema
    return {op.name for op in schema.load(root / "src" / "ops") if op.registry_only}


REGISTRY_ONLY = _registry_only()


def _python_fn(name):
    fn = getattr(ember._C, name, None)
    if fn is not None:
        return fn, False
    m = getattr(ember.Tensor, name, None)
    return m, True


@pytest.mark.parametrize("qualified,name,args,kwargs", _schema_calls(), ids=lambda x: x if isinstance(x, str) else "")
def test_schema_driven_calls_resolve_alike(qualified, name, args, kwargs):
    cpp = ember._C._resolve_overload(name, *args, **kwargs)
    assert cpp is not None, f"the C++ resolver takes no overload of {name} for the arguments of {qualified}"
    fn, method = _python_fn(name)
    if fn is None or name in REGISTRY_ONLY:  # an entry without a Python binding of this name (python_name differs): C++ only
        return
    if method and not (args and isinstance(args[0], ember.Tensor)):
        return
    try:
        py = ember._C._python_overload(fn, *args, **kwargs)
    except TypeError:
        # The Python form of this op has another shape (e.g. a Tensor method whose self is not the first
        # schema argument); the entry itself is reachable from C++.
        return
    assert py == cpp


def test_no_overload_raises_pytorch_type_error():
    with pytest.raises(TypeError) as e:
        X.max(True)
    msg = str(e.value)
    assert msg.startswith("max() received an invalid combination of arguments - got (bool), but expected one of:")
    assert " * (int dim, bool keepdim = False)" in msg and " * (Tensor other)" in msg
    with pytest.raises(TypeError, match=r"max\(\) received an invalid combination of arguments - got \(Tensor, str\)"
                                       r"[\s\S]*\(Tensor input, int dim, bool keepdim = False\)"):
        ember.max(X, "a")
    with pytest.raises(TypeError, match="invalid combination"):
        X.split("a")
    # A single signature keeps the plain messages.
    with pytest.raises(TypeError, match=r"argument 'dim' \(position 2\) must be int, not str"):
        ember.cumsum(X, "a")


def test_cpp_resolver_error_lists_signatures():
    with pytest.raises(TypeError, match=r"max\(\) received an invalid combination of arguments"):
        ember._C._call_boxed("max", X, "a")


def test_bool_is_not_an_int():
    with pytest.raises(TypeError):
        ember.zeros(True)
    with pytest.raises(TypeError, match="received an invalid combination of arguments - got \\(bool\\)"):
        X.max(True)


# ---- the former twins: one schema entry, the same results from Python and C++ (tests_cpp/ops/test_overloads.cpp)
def test_max_min_overloads_values():
    v, i = ember.max(X, 1)
    assert v.tolist() == [3.0, 7.0, 11.0] and i.tolist() == [3, 3, 3]
    assert isinstance(ember.max(X, 1), ember.return_types.max)
    assert ember.max(X, 0, keepdim=True).values.shape == (1, 4)
    np.testing.assert_array_equal(ember.max(X, T).numpy(), np.maximum(X.numpy(), 1))
    np.testing.assert_array_equal(X.min(T).numpy(), np.minimum(X.numpy(), 1))
    assert ember.median(X, 1).indices.tolist() == [1, 1, 1]
    assert type(X.kthvalue(2)).__name__ == "kthvalue" and X.cummax(1).values.shape == (3, 4)


def test_split_chunk_unbind_meshgrid():
    a = X.split(3, 1)
    assert isinstance(a, tuple) and [p.shape for p in a] == [(3, 3), (3, 1)]
    assert [p.shape for p in ember.split(X, [1, 2])] == [(1, 4), (2, 4)]
    assert [p.shape for p in X.split_with_sizes([3, 1], 1)] == [(3, 3), (3, 1)]
    assert [p.shape for p in X.chunk(3, 1)] == [(3, 2), (3, 2)]
    assert [p.tolist() for p in X.unbind(1)][0] == [0.0, 4.0, 8.0]
    a[0][0, 0] = 100.0  # views
    assert X[0, 0].item() == 100.0
    X[0, 0] = 0.0
    gx, gy = ember.meshgrid(ember.arange(3), ember.arange(2), indexing="xy")
    nx, ny = np.meshgrid(np.arange(3), np.arange(2), indexing="xy")
    np.testing.assert_array_equal(gx.numpy(), nx)
    np.testing.assert_array_equal(gy.numpy(), ny)
    assert [g.shape for g in ember.meshgrid([ember.arange(3), ember.arange(2)])] == [(3, 2), (3, 2)]
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly to 4"):
        X.split([1, 2], 1)
    with pytest.raises(ValueError, match="indexing must be one of"):
        ember.meshgrid(X[0], indexing="yx")


def test_split_backward():
    x = ember.arange(6.0, requires_grad=True)
    a, b = x.split([2, 4])
    (a.sum() * 2 + (b * b).sum()).backward()
    assert x.grad.tolist() == [2.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_var_std_unbiased_and_norm_fro():
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(X.var(False).item(), a.var())
    np.testing.assert_allclose(ember.std(X, 1, False).numpy(), a.std(1))
    np.testing.assert_allclose(ember.var(X, 1, unbiased=True, keepdim=True).numpy(), a.var(1, ddof=1, keepdims=True))
    v, m = ember.var_mean(X, False)
    assert abs(v.item() - a.var()) < 1e-5 and abs(m.item() - a.mean()) < 1e-5
    np.testing.assert_allclose(ember.norm(X, "fro").item(), np.linalg.norm(a), rtol=1e-6)
    np.testing.assert_allclose(X.norm("fro", 1).numpy(), np.linalg.norm(a, axis=1), rtol=1e-6)
    with pytest.raises(RuntimeError, match="'nuc' is not supported"):
        ember.norm(X, "nuc")


def test_to_overloads_and_clamp_tensor():
    assert X.to(ember.float64).dtype == ember.float64
    assert X.to(ember.ones(1, dtype=ember.int32)).dtype == ember.int32
    assert X.to("cpu", ember.float16).dtype == ember.float16
    assert X.to("cpu") is X
    lo, hi = ember.full((4,), 2.0), ember.full((3, 1), 9.0)
    np.testing.assert_array_equal(ember.clamp(X, lo, hi).numpy(), np.clip(X.numpy(), 2, 9))
    np.testing.assert_array_equal(X.clip(min=lo).numpy(), np.maximum(X.numpy(), 2))
    y = X.clone()
    y.clamp_(lo, hi)
    np.testing.assert_array_equal(y.numpy(), np.clip(X.numpy(), 2, 9))
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        ember.clamp(X)
    assert X.where(X > 5, -1.0).tolist()[0] == [-1.0] * 4


def test_randint_forms_repeat_interleave_tensordot_searchsorted_nonzero():
    g = ember.Generator().manual_seed(3)
    a = ember.randint(5, (1000,), generator=g)
    assert a.dtype == ember.int64 and 0 <= a.min().item() and a.max().item() == 4
    b = ember.randint_like(X, 3, 7)
    assert b.dtype == X.dtype and b.min().item() >= 3 and b.max().item() < 7
    assert ember.randint_like(X, 2).max().item() < 2
    assert ember.repeat_interleave(ember.tensor([1, 0, 2])).tolist() == [0, 2, 2]
    assert X.repeat_interleave(ember.tensor([1, 0, 2]), dim=0).shape == (3, 4)
    with pytest.raises(RuntimeError, match="allocated size does not match"):
        ember.repeat_interleave(ember.tensor([1, 2]), output_size=4)
    np.testing.assert_allclose(ember.tensordot(X, X.T, dims=1).numpy(), np.tensordot(X.numpy(), X.numpy().T, 1))
    np.testing.assert_allclose(ember.tensordot(X, X, dims=([0, 1], [0, 1])).item(), (X.numpy() ** 2).sum())
    seq = ember.tensor([5.0, 1.0, 3.0])
    order = ember.tensor([1, 2, 0])
    assert ember.searchsorted(seq, ember.tensor([2.0, 4.0]), sorter=order).tolist() == [1, 2]
    assert ember.searchsorted(seq.sort().values, 3.0, side="right").item() == 2
    r, c = ember.nonzero(X > 5, as_tuple=True)
    nr, nc = np.nonzero(X.numpy() > 5)
    assert r.tolist() == nr.tolist() and c.tolist() == nc.tolist()


# ---- the types the next issues need: Tensor(a!)[] (fused optimizers), non-tensor and no results
def test_foreach_mutable_tensor_lists():
    ts = [ember.ones(2), ember.zeros(3)]
    v0 = ts[0]._version
    assert ember._foreach_add_(ts, 2.0) is None
    ember._foreach_add_(ts, [ember.ones(2), ember.ones(3)], alpha=3)
    ember._foreach_mul_(ts, 0.5)
    assert ts[0].tolist() == [3.0, 3.0] and ts[1].tolist() == [2.5, 2.5, 2.5]
    assert ts[0]._version > v0
    ember._foreach_zero_(ts)
    assert ts[1].sum().item() == 0
    with pytest.raises(RuntimeError, match="tensor lists must have the same length"):
        ember._foreach_add_(ts, [ember.ones(2)])
    leaf = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        ember._foreach_add_([leaf], 1.0)
    assert ember._C._op_schemas().count("_foreach_add_.Scalar(Tensor(a!)[] self, Scalar scalar) -> ()") == 1


def test_registry_only_ops_with_non_tensor_results():
    x = ember.ones(2, 3)
    assert ember._C._call_boxed("size", x) == [2, 3]
    assert ember._C._call_boxed("size", x, -1) == 3
    assert ember._C._call_boxed("aten::size.int", x, 0) == 2
    assert ember._C._call_boxed("dim", x) == 2 and ember._C._call_boxed("numel", x) == 6
    assert ember._C._call_boxed("is_floating_point", x) is True
    assert ember._C._call_boxed("item", ember.tensor(3)) == 3 and isinstance(ember._C._call_boxed("item", ember.tensor(3)), int)
    assert ember._C._call_boxed("item", ember.tensor(2.5)) == 2.5
    assert "size.int(Tensor self, int dim) -> int" in ember._C._op_schemas()
    assert not hasattr(ember._C, "numel")  # no generated Python binding: Tensor.numel is hand-written


def test_boxed_calls_match_direct_calls():
    v, i = ember._C._call_boxed("max", X, 1)
    assert v.tolist() == X.max(1).values.tolist() and i.tolist() == X.max(1).indices.tolist()
    parts = ember._C._call_boxed("split", X, [1, 2])
    assert [p.shape for p in parts] == [(1, 4), (2, 4)]
    assert ember._C._call_boxed("var", X, True).item() == X.var(True).item()
    assert ember._C._call_boxed("clamp", X, min=T).tolist() == ember.clamp(X, min=T).tolist()
