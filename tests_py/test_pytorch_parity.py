"""Behaviour that must match PyTorch's (issue 17): no crash on huge sizes, PyTorch's values, exception
types and scalar-range rules. The expected values were checked against PyTorch 2.13; torch is not needed."""
import threading

import numpy as np
import pytest

import ember

BIG = 2**62


# ---- Note [size overflow]: sizes whose element or byte count overflows 64 bits raise ----
@pytest.mark.parametrize("make", [
    lambda: ember.zeros(BIG), lambda: ember.ones(BIG), lambda: ember.empty(BIG), lambda: ember.randn(BIG),
    lambda: ember.rand(BIG), lambda: ember.randint(0, 5, (BIG,)), lambda: ember.full((BIG,), 1.0),
    lambda: ember.arange(0, BIG), lambda: ember.linspace(0, 1, BIG), lambda: ember.eye(2**40),
    lambda: ember.empty(BIG).fill_(1), lambda: ember.empty(2**32, 2**32, 4)[5, 5, 0],
    lambda: ember.ones(2**40, 2**40), lambda: ember.zeros(2**31, 2**31, 2**31), lambda: ember.empty(2**61, 8),
    lambda: ember.ones(3).new_zeros(BIG, 4), lambda: ember.zeros_like(ember.ones(1)).expand(BIG, 4).clone(),
    lambda: ember.randperm(BIG),
], ids=lambda f: f.__code__.co_firstlineno)
def test_size_overflow_raises(make):
    with pytest.raises(RuntimeError, match="overflow"):
        make()


def test_storage_overflow_message():
    with pytest.raises(RuntimeError, match=r"Storage size calculation overflowed with sizes=\[4611686018427387904\]"):
        ember.zeros(BIG)


def test_views_check_numel_overflow():
    assert ember.ones(1).expand(BIG).numel() == BIG  # fits: a view, no storage needed
    with pytest.raises(RuntimeError, match="numel: integer multiplication overflow"):
        ember.ones(1).expand(2**40, 2**40)
    with pytest.raises(RuntimeError, match="numel: integer multiplication overflow"):
        ember.ones(2).as_strided((2**40, 2**40), (0, 0))
    with pytest.raises(RuntimeError, match="out of bounds for storage"):
        ember.ones(2).as_strided((2**40,), (2**40,))  # the extent would wrap around int64


def test_expand_rejects_negative_sizes():
    assert ember.ones(1).expand(-1).shape == (1,)
    for size in [(-2,), (3, -2)]:
        with pytest.raises(RuntimeError, match=r"expanded size of the tensor \(-2\)"):
            ember.ones(3, 1).expand(*size) if len(size) == 2 else ember.ones(1).expand(*size)


def test_arange_size_overflow():
    with pytest.raises(RuntimeError, match="possible overflow"):
        ember.arange(-2**62, 2**62, 1)
    with pytest.raises(RuntimeError, match="possible overflow"):
        ember.arange(0, 1e30)
    assert ember.arange(0, 2**62, 2**61).tolist() == [0, 2**61]


def test_huge_allocation_is_a_clean_error():
    with pytest.raises(RuntimeError, match="out of memory"):
        ember.empty(2**61, dtype=ember.uint8)


# ---- Note [scalar range]: factories and fills raise, arithmetic wraps ----
@pytest.mark.parametrize("make", [
    lambda: ember.tensor([300], dtype=ember.uint8), lambda: ember.tensor([[1, 300]], dtype=ember.uint8),
    lambda: ember.tensor([-256], dtype=ember.uint8), lambda: ember.tensor(-129, dtype=ember.int8),
    lambda: ember.tensor([300.5], dtype=ember.uint8), lambda: ember.full((2,), 2**40, dtype=ember.int32),
    lambda: ember.full((2,), 300, dtype=ember.uint8), lambda: ember.full((2,), 1e300, dtype=ember.float32),
    lambda: ember.zeros(2, dtype=ember.uint8).fill_(300), lambda: ember.zeros(2, dtype=ember.uint8).fill_(-1.5),
    lambda: ember.zeros(2, dtype=ember.int32).fill_(float("nan")), lambda: ember.zeros(2).fill_(1e300),
    lambda: ember.zeros(2, dtype=ember.float16).fill_(1e6),
    lambda: ember.zeros(2, dtype=ember.int8).masked_fill(ember.tensor([True, False]), 1000),
    lambda: ember.zeros(2, dtype=ember.uint8).masked_fill(ember.tensor([True, False]), ember.tensor(300)),
    lambda: ember.zeros(3, dtype=ember.uint8).__setitem__(0, 300),
    lambda: ember.zeros(3, dtype=ember.uint8).__setitem__(ember.tensor([0]), 300),
    lambda: ember.zeros(3, dtype=ember.uint8).__setitem__(ember.tensor([True, False, True]), 300),
    lambda: ember.zeros(3, dtype=ember.int8).__setitem__(0, 1.5e3),
    lambda: ember.linspace(0, 1000, 5, dtype=ember.int8), lambda: ember.linspace(0, 1e6, 3, dtype=ember.float16),
    lambda: ember.randperm(300, dtype=ember.int8), lambda: ember.randperm(257, dtype=ember.uint8),
    lambda: ember.clamp(ember.ones(2, dtype=ember.int8), max=1000),
], ids=lambda f: f.__code__.co_firstlineno)
def test_out_of_range_scalar_in_factories_raises(make):
    with pytest.raises(RuntimeError, match="value cannot be converted to type .* without overflow"):
        make()


def test_in_range_scalars_and_unsigned_wrap_in_factories():
    assert ember.tensor([-255, -1], dtype=ember.uint8).tolist() == [1, 255]  # negatives down to -max wrap
    assert ember.zeros(2, dtype=ember.uint8).fill_(-1).tolist() == [255, 255]
    assert ember.full((2,), -1, dtype=ember.uint8).tolist() == [255, 255]
    assert ember.zeros(2, dtype=ember.bool).fill_(2**40).tolist() == [True, True]
    assert np.isinf(ember.zeros(2, dtype=ember.float16).fill_(float("inf")).numpy()).all()
    assert ember.tensor([1e6], dtype=ember.float16).tolist() == [float("inf")]  # tensor() of floats: no check
    assert ember.randperm(256, dtype=ember.uint8).max().item() == 255
    assert ember.linspace(0, 255, 3, dtype=ember.uint8).tolist() == [0, 127, 255]


@pytest.mark.parametrize("call, msg", [
    (lambda: ember.randint(0, 300, (3,), dtype=ember.uint8), "to - 1 is out of bounds for unsigned char"),
    (lambda: ember.randint(-1, 3, (3,), dtype=ember.uint8), "from is out of bounds for unsigned char"),
    (lambda: ember.randint(0, 2**40, (3,), dtype=ember.int32), "to - 1 is out of bounds for int"),
    (lambda: ember.randint(0, 3, (3,), dtype=ember.bool), "to - 1 is out of bounds for bool"),
    (lambda: ember.zeros(3, dtype=ember.int8).random_(-129, 0), "from is out of bounds for signed char"),
    (lambda: ember.zeros(3, dtype=ember.int8).random_(300), "to - 1 is out of bounds for signed char"),
    (lambda: ember.zeros(3, dtype=ember.float16).random_(0, 2**20), "to - 1 is out of bounds for c10::Half"),
    (lambda: ember.randperm(3000, dtype=ember.float16), "n cannot be greater than 2049 for Half type"),
])
def test_random_bounds(call, msg):
    with pytest.raises(RuntimeError, match=msg):
        call()


def test_random_bounds_in_range():
    assert ember.randint(0, 256, (50,), dtype=ember.uint8).dtype == ember.uint8
    v = ember.randint(-128, 128, (200,), dtype=ember.int8)
    assert v.min().item() >= -128 and v.max().item() <= 127
    assert ember.zeros(3, dtype=ember.bool).random_(0, 2).dtype == ember.bool


# ---- values ----
def test_tril_triu_zero_the_other_half():
    for v in (float("inf"), float("nan"), float("-inf")):
        x = ember.full((3, 3), v)
        lo, up = ember.tril(x).numpy(), ember.triu(x, 1).numpy()
        assert (lo[np.triu_indices(3, 1)] == 0).all() and (up[np.tril_indices(3)] == 0).all()
    assert ember.tril(ember.ones(2, 2, dtype=ember.bool)).tolist() == [[True, False], [True, True]]
    assert ember.triu(ember.ones(2, 2, 2, dtype=ember.int8)).dtype == ember.int8


def test_integer_isclose_does_not_overflow():
    a, b = ember.tensor([32767], dtype=ember.int16), ember.tensor([-1], dtype=ember.int16)
    assert ember.isclose(a, b).tolist() == [False] and not ember.allclose(a, b)
    assert ember.isclose(ember.tensor([100], dtype=ember.int8), ember.tensor([-100], dtype=ember.int8),
                         atol=250).tolist() == [True]
    assert ember.isclose(ember.tensor([5]), ember.tensor([6]), rtol=0.2).tolist() == [True]


def test_addmm_alpha_zero_ignores_the_product_and_beta_zero_ignores_self():
    inf, nan = float("inf"), float("nan")
    r = ember.tensor([[inf]]).addmm(ember.tensor([[inf]]), ember.tensor([[1.0]]), alpha=0)
    assert r.tolist() == [[inf]]
    r = ember.tensor([[2.0]]).addmm(ember.tensor([[inf]]), ember.tensor([[1.0]]), alpha=0, beta=0.5)
    assert r.tolist() == [[1.0]]
    assert ember.tensor([[nan]]).addmm(ember.tensor([[2.0]]), ember.tensor([[1.0]]), beta=0).tolist() == [[2.0]]
    b = ember.full((1, 1, 1), inf)
    assert ember.baddbmm(ember.ones(1, 1, 1), b, b, alpha=0).tolist() == [[[1.0]]]
    # the mats stay in the graph with zero gradients
    m = ember.ones(2, 2, requires_grad=True)
    ember.zeros(2, 2).addmm(m, m, alpha=0).sum().backward()
    assert m.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_integer_addmm_keeps_its_dtype():
    a = ember.tensor([[1, 2], [3, 4]])
    assert a.addmm(a, a, alpha=0.5).tolist() == [[1, 2], [3, 4]]  # factors truncate to ints, as PyTorch
    assert a.addmm(a, a, beta=1.5).tolist() == [[8, 12], [18, 26]]
    assert a.addmm(a, a, beta=2, alpha=3).tolist() == [[23, 34], [51, 74]]
    o = ember.ones(1, 2, 2, dtype=ember.int32)
    r = o.baddbmm(o, o, alpha=0.5)
    assert r.dtype == ember.int32 and r.tolist() == [[[1, 1], [1, 1]]]


def test_clamp_nan_bound():
    assert np.isnan(ember.clamp(ember.ones(3), min=float("nan")).numpy()).all()
    assert np.isnan(ember.clamp(ember.arange(3.0), max=float("nan")).numpy()).all()


def _grad(f, *vals):
    xs = [ember.tensor(v, dtype=ember.float64, requires_grad=True) for v in vals]
    f(*xs).sum().backward()
    return [x.grad.tolist() for x in xs]


def test_std_grad_of_a_constant_is_zero():
    assert _grad(lambda x: x.std(), [2.0, 2.0, 2.0]) == [[0.0, 0.0, 0.0]]
    assert _grad(lambda x: x.std(0), [[2.0, 1.0], [2.0, 3.0]])[0] == [[0.0, -0.7071067811865475],
                                                                       [0.0, 0.7071067811865475]]
    assert _grad(lambda x: ember.std_mean(x)[0], [2.0, 2.0]) == [[0.0, 0.0]]
    assert _grad(lambda x: x.var(), [2.0, 2.0, 2.0]) == [[0.0, 0.0, 0.0]]
    assert ember.std(ember.tensor([1.0, 3.0])).item() == pytest.approx(2 ** 0.5)


def test_pow_grads_at_zero():
    assert _grad(lambda x: x ** 0, [0.0, 1.0, -1.0]) == [[0.0, 0.0, 0.0]]
    assert _grad(lambda x: x ** 0.0, [0.0, 1.0]) == [[0.0, 0.0]]
    assert _grad(lambda x: ember.pow(x, 0), [0.0]) == [[0.0]]
    assert _grad(lambda x: x ** 2, [0.0, 1.0]) == [[0.0, 2.0]]
    assert _grad(lambda x: x ** 0.5, [0.0, 1.0]) == [[float("inf"), 0.5]]
    assert _grad(lambda x, e: x ** e, [0.0, 0.0, 0.0, 1.0], [0.0, 2.0, -1.0, 0.0]) == [
        [0.0, 0.0, float("-inf"), 0.0], [0.0, 0.0, float("-inf"), 0.0]]
    assert _grad(lambda e: 0.0 ** e, [0.0, 1.0, 2.0, -1.0]) == [[0.0, 0.0, 0.0, float("-inf")]]


# ---- exception types ----
def test_exception_types():
    x = ember.ones(2)
    with pytest.raises(RuntimeError) as e:
        x.gather(0, ember.tensor([5]))
    assert e.type is RuntimeError
    with pytest.raises(RuntimeError) as e:
        x.scatter(0, ember.tensor([5]), 1.0)
    assert e.type is RuntimeError
    with pytest.raises(ValueError, match="only one element tensors"):
        float(x)
    with pytest.raises(ValueError, match="non-empty list of Tensors"):
        ember.cat([])
    with pytest.raises(TypeError, match="only implemented on integer and Boolean-type tensors"):
        ~x
    with pytest.raises(IndexError, match="Index is supposed to be a vector"):
        ember.ones(3).index_select(0, ember.tensor([[0]]))
    with pytest.raises(IndexError, match="index out of range in self"):
        ember.ones(3).index_select(0, ember.tensor([3]))
    for call in (lambda: ember.softmax(ember.ones(2, dtype=ember.int32), 0),
                 lambda: ember.rand(2, dtype=ember.int32), lambda: ember.randn(2, dtype=ember.int32),
                 lambda: ember.bernoulli(ember.ones(2, dtype=ember.int32)), lambda: ember.bincount(x)):
        with pytest.raises(NotImplementedError, match="not implemented for"):
            call()
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor is not supported"):
        -ember.ones(2, dtype=ember.bool)


# ---- spurious errors that must not happen ----
def test_int32_indices_in_gather_scatter():
    i32 = ember.tensor([1], dtype=ember.int32)
    assert ember.ones(2).gather(0, i32).tolist() == [1.0]
    assert ember.ones(2).scatter(0, i32, ember.tensor([5.0])).tolist() == [1.0, 5.0]
    assert ember.ones(2).scatter_add(0, i32, ember.tensor([5.0])).tolist() == [1.0, 6.0]
    assert ember.ones(2).scatter(0, i32, 7.0).tolist() == [1.0, 7.0]
    x = ember.ones(3, requires_grad=True)
    x.gather(0, ember.tensor([0, 0], dtype=ember.int32)).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0]


def test_take_along_dim_negative_indices():
    t = ember.arange(4.0)
    assert t.take_along_dim(ember.tensor([-1, 0]), 0).tolist() == [3.0, 0.0]
    assert ember.take_along_dim(t, ember.tensor([-4])).tolist() == [0.0]
    m = ember.arange(6.0).view(2, 3)
    assert ember.take_along_dim(m, ember.tensor([[-1], [-3]]), 1).tolist() == [[2.0], [3.0]]
    with pytest.raises(RuntimeError, match="dtype of indices should be Long but got Int"):
        t.take_along_dim(ember.tensor([0], dtype=ember.int32), 0)


def test_empty_integer_division_by_zero():
    e = ember.empty(0, dtype=ember.int64)
    for r in (e // 0, e % 0, ember.fmod(e, 0), ember.floor_divide(e, ember.zeros(0, dtype=ember.int64))):
        assert r.shape == (0,) and r.dtype == ember.int64
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.ones(2, dtype=ember.int64) // 0


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.int64])
def test_matmul_empty_contraction_with_odd_strides(dtype):
    a = ember.ones(1, 0, dtype=dtype).expand(3, 0)
    b = ember.ones(0, 4, dtype=dtype)[:, ::2]
    assert ember.matmul(a, b).tolist() == [[0, 0]] * 3
    assert ember.mm(a, b).tolist() == [[0, 0]] * 3
    a3, b3 = a.unsqueeze(0).expand(2, 3, 0), b.unsqueeze(0).expand(2, 0, 2)
    assert ember.bmm(a3, b3).sum().item() == 0
    assert ember.baddbmm(ember.ones(2, 3, 2, dtype=dtype), a3, b3).sum().item() == 12


# ---- dtype and missing errors ----
def test_integer_reduction_dtype_of_a_tensor_requiring_grad():
    x = ember.ones(2, requires_grad=True)
    for call in (lambda: x.sum(dtype=ember.int32), lambda: x.cumsum(0, dtype=ember.int32),
                 lambda: x.prod(dtype=ember.int32), lambda: x.nansum(dtype=ember.int64),
                 lambda: x.cumprod(0, dtype=ember.int64)):
        with pytest.raises(RuntimeError, match="Autograd not support dtype"):
            call()
    with ember.no_grad():
        assert x.sum(dtype=ember.int32).dtype == ember.int32
    assert x.detach().cumsum(0, dtype=ember.int64).tolist() == [1, 2]
    assert x.sum(dtype=ember.float64).requires_grad


def test_numpy_of_a_tensor_requiring_grad():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        np.asarray(x)
    assert x.numpy(force=True).tolist() == [1.0, 1.0]
    assert x.detach().numpy().tolist() == [1.0, 1.0]
    assert x.tolist() == [1.0, 1.0] and "requires_grad=True" in repr(x)  # still printable


def test_empty_integer_tensors_print_their_dtype():
    assert repr(ember.empty(0, dtype=ember.int64)) == "tensor([], dtype=ember.int64)"
    assert repr(ember.empty(0, dtype=ember.bool)) == "tensor([], dtype=ember.bool)"
    assert repr(ember.empty(0)) == "tensor([])"


# ---- threads ----
def test_concurrent_backward_into_one_leaf_loses_no_update():
    x = ember.ones(4, requires_grad=True)
    n_threads, n_iter = 8, 200

    def work():
        for _ in range(n_iter):
            (x * 2).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert x.grad.tolist() == [2.0 * n_threads * n_iter] * 4


# ---- introspection and memory ----
def test_grad_fn_type_is_named_after_the_node():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).sum()
    assert type(y.grad_fn).__name__ == "SumBackward0" and y.grad_fn is y.grad_fn
    assert isinstance(y.grad_fn, ember._C.Node) and y.grad_fn.name() == "SumBackward0"
    mul = y.grad_fn.next_functions[0][0]
    assert type(mul).__name__ == "MulBackward0"
    assert type(mul.next_functions[0][0]).__name__ == "AccumulateGrad"
    assert type(mul).__name__ in repr(mul)

    class Twice(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    assert type(Twice.apply(x).grad_fn).__name__ == "TwiceBackward"


def test_removed_hooks_leave_nothing_behind():
    import resource

    def rss_kb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    x = ember.ones(2, requires_grad=True)
    y = x * 2
    for t in (x, y):
        for _ in range(2000):
            t.register_hook(lambda g: None).remove()
        before = rss_kb()
        for _ in range(100000):  # ~80 bytes each would be ~8 MB
            t.register_hook(lambda g: None).remove()
            x.register_post_accumulate_grad_hook(lambda v: None).remove()
        assert rss_kb() - before < 2048
    calls = []
    h1 = x.register_hook(lambda g: calls.append(1))
    x.register_hook(lambda g: calls.append(2))
    h1.remove()
    h1.remove()  # idempotent
    (x * 1).sum().backward()
    assert calls == [2]


def test_inference_tensors_are_enforced_outside_inference_mode():
    with ember.inference_mode():
        t = ember.ones(3)
        v = t[1:]
        t.add_(1)  # fine inside
        assert t.is_inference() and v.is_inference()
    n = ember.ones(3)
    assert not n.is_inference()
    for call in (lambda: t.add_(1), lambda: v.fill_(2), lambda: t.__setitem__(0, 5.0),
                 lambda: ember.add(n, 1, out=t), lambda: t.zero_()):
        with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode"):
            call()
    with ember.no_grad(), pytest.raises(RuntimeError, match="Inplace update to inference tensor"):
        t.mul_(2)
    assert t.tolist() == [2.0, 2.0, 2.0]  # nothing was written
    with pytest.raises(RuntimeError, match="Setting requires_grad=True on inference tensor"):
        t.requires_grad_()
    w = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        w * t
    assert (w + t).requires_grad  # add saves nothing
    assert not (t * 2).is_inference()  # new results outside inference mode are normal tensors
    c = t.clone()
    c.add_(1)
    assert (w * c).requires_grad


def test_cpu_cache_policy_returns_idle_large_blocks():
    old = ember.cpu_cache_policy()
    try:
        ember.empty_cache()
        ember.set_cpu_cache_policy(max_cached_bytes=1 << 30, large_block_bytes=8 << 20, large_idle_seconds=0.05)
        blocks = [ember.empty(4 << 20) for _ in range(4)]  # 16 MiB blocks
        del blocks
        assert ember.memory_stats()["cached_bytes"] >= 64 << 20
        hits = ember.memory_stats()["cache_hits"]
        for _ in range(10):  # a loop reusing its large block keeps it (no new allocation)
            x = ember.empty(4 << 20)
            del x
        assert ember.memory_stats()["cache_hits"] - hits == 10
        import time
        time.sleep(0.1)
        ember.empty(10)  # any allocator call past the idle time releases them
        ember.empty(1 << 16)
        assert ember.memory_stats()["cached_bytes"] < 8 << 20
        # small blocks stay cached whatever their idle time; a cap of 0 caches nothing
        y = ember.empty(1 << 16)
        del y
        assert ember.memory_stats()["cached_bytes"] > 0
        ember.set_cpu_cache_policy(max_cached_bytes=0)
        assert ember.memory_stats()["cached_bytes"] == 0
        z = ember.empty(1 << 16)
        del z
        assert ember.memory_stats()["cached_bytes"] == 0
    finally:
        ember.set_cpu_cache_policy(**old)
