"""Tensors big enough for the parallel (OpenMP-chunked) paths of the iterator, reductions and softmax."""
import numpy as np

import ember
from op_check import T, check_op, float_result_type, result_type, same_as_first, sum_result_type

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
