"""Intra-op threads: set/get_num_threads, fork() safety (a child must not deadlock in OpenMP), and tensors
big enough for the parallel (OpenMP-chunked) paths of the iterator, reductions and softmax."""
import multiprocessing as mp

import numpy as np
import pytest

import ember
from op_check import T, check_op, float_result_type, result_type, same_as_first, sum_result_type



def test_set_get_num_threads():
    n = ember.get_num_threads()
    assert n >= 1
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        x = ember.arange(1 << 20, dtype=ember.float64)
        assert (x + 1).sum().item() == float((1 << 20) * ((1 << 20) - 1) / 2 + (1 << 20))
    finally:
        ember.set_num_threads(n)
    with pytest.raises(ValueError, match="positive integer"):
        ember.set_num_threads(0)


def _child(q):
    x = ember.arange(1 << 21, dtype=ember.float64)  # large: the parallel path in the parent
    threads = ember.get_num_threads()
    ember.set_num_threads(2)  # the child stays fork-safe even when asked for threads again
    bmm = float(ember.bmm(ember.ones(3, 128, 96), ember.ones(3, 96, 32)).sum())
    q.put(((x * 2).sum().item(), threads, float((ember.ones(64, 64) @ ember.ones(64, 64)).sum()), bmm))


def test_forked_child_does_not_deadlock():
    x = ember.arange(1 << 21, dtype=ember.float64)
    (x * 2).sum()  # start OpenMP's threads in the parent first
    ember.ones(64, 64) @ ember.ones(64, 64)  # float32: oneDNN's sgemm on the same OpenMP pool
    ember.ones(64, 64, dtype=ember.float64) @ ember.ones(64, 64, dtype=ember.float64)  # OpenBLAS's threads
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    total, threads, mm, bmm = q.get(timeout=60)
    p.join(timeout=60)
    assert p.exitcode == 0
    assert total == float(np.arange(1 << 21, dtype=np.float64).sum() * 2)
    assert threads == 1 and mm == 64.0 * 64 * 64 and bmm == 3.0 * 128 * 32 * 96


def test_caching_allocator_reuses_big_blocks_and_reports():
    ember.empty_cache()
    before = ember.memory_stats()
    a = ember.ones(1 << 20)  # 4 MiB: a huge-page block
    assert ember.memory_stats()["allocated_bytes"] >= before["allocated_bytes"] + (4 << 20)
    ptr = a.data_ptr()
    del a
    s = ember.memory_stats()
    assert s["cached_bytes"] >= 4 << 20
    b = ember.zeros(1 << 20)  # the same size class: the cached block comes back
    assert b.data_ptr() == ptr and ember.memory_stats()["cache_hits"] > s["cache_hits"]
    assert (b.numpy() == 0).all()
    del b
    ember.empty_cache()
    assert ember.memory_stats()["cached_bytes"] == 0
    c = ember.arange(1000, dtype=ember.float64)  # 8000 bytes: a power-of-two class
    np.testing.assert_array_equal(c.numpy(), np.arange(1000.0))


BIG = [((257, 301), (301,)), ((3, 257, 301), (257, 1)), ((70001,), ())]


def test_binary_large():
    check_op(ember.add, np.add, T(), T(), dtypes=(ember.float32, ember.int64, (ember.int8, ember.float64)),
             shapes=BIG, layouts=("contiguous", "transposed", "negative", "strided"), result=result_type,
             name="add big")
    check_op(ember.div, np.true_divide, T(), T(nonzero=True), dtypes=(ember.bfloat16, ember.int32), shapes=BIG[:1],
             result=float_result_type, name="div big")


def test_unary_and_inplace_large():
    check_op(ember.exp, np.exp, T(), dtypes=(ember.float16, ember.float64), shapes=[((513, 257),)],
             layouts=("contiguous", "transposed", "strided", "negative"), result=float_result_type, name="exp big")
    check_op(lambda a, b: a.mul_(b), np.multiply, T(), T(), dtypes=(ember.float32, ember.int16),
             shapes=[((513, 257), (257,))], layouts=("contiguous", "transposed", "negative"), result=result_type,
             mode="inplace", name="mul_ big")


def test_reductions_large():
    for dim in (None, 0, 1, (0, 1), -1):
        check_op(lambda a: ember.sum(a, dim) if dim is not None else a.sum(),
                 lambda a: np.sum(a, axis=dim), T(), dtypes=(ember.float32, ember.int32, ember.bool),
                 shapes=[((513, 257),), ((3, 200, 301),)] if dim != (0, 1) else [((513, 257),)],
                 layouts=("contiguous", "transposed", "negative"), result=sum_result_type, name=f"sum big {dim}")
        check_op(lambda a: ember.mean(a, dim) if dim is not None else a.mean(), lambda a: np.mean(a, axis=dim), T(),
                 dtypes=(ember.float64, ember.bfloat16), shapes=[((513, 257),)], layouts=("contiguous", "transposed"),
                 result=same_as_first, name=f"mean big {dim}")


def test_softmax_large():
    def ref(a, d):
        e = np.exp(a - a.max(axis=d, keepdims=True))
        return e / e.sum(axis=d, keepdims=True)
    for d in (0, 1, -1):
        check_op(lambda a: ember.softmax(a, d), lambda a: ref(a, d), T(-5, 5), dtypes=(ember.float32, ember.float64),
                 shapes=[((700, 301),)], layouts=("contiguous", "transposed", "negative"), result=same_as_first,
                 name=f"softmax big {d}")


def test_copy_large():
    check_op(lambda a: a.to(ember.float64), lambda a: a, T(), dtypes=(ember.float32, ember.int8),
             shapes=[((513, 257),)], layouts=("transposed", "strided", "negative"),
             result=lambda *o: ember.float64, name="to big")
