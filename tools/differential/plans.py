"""Hand-written argument plans for the ops that are not planned from a meta rule (see plan_dsl.py).

Keys are schema base names. The first option of each argument is the base case; each further
option is tried once per alternative dtype. Bad options (out-of-range dims, wrong shapes, negative
sizes) are there on purpose: the exception types are compared too.
"""
from __future__ import annotations

from cases import tspec
from plan_dsl import OMIT, Plan, fixed, idx, mask, same

M34 = [(3, 4), (0, 4), (2, 3, 4)]
DIMS = [1, 0, -1, 2, -3]           # 2 / -3 are out of range for a 2-d main
DIMLISTS = [OMIT, 1, [0, 1], [-1], [], [0, 0], 5, None]
KEEP = [OMIT, True, False]
NOGEN = dict(cmp="meta", grad=False)


def scalar_t(shape=()):
    return lambda sh, dt, sd: tspec(shape, dt, "c", "rand", sd + 7)


def seq(n):
    return lambda sh, dt, sd: tspec((n,), dt, "c", "sorted", sd + 9)


def red(extra_kw=None, dims=DIMLISTS, **kw):
    k = {"keepdim": KEEP}
    k.update(extra_kw or {})
    return Plan(mains=M34 + [()], pos=[dims], kw=k, vals=("rand", "special"), **kw)


def dimred(call=None, **kw):
    return Plan(mains=[(3, 4), (2, 3, 4), ()], pos=[DIMS, KEEP], call=call, vals=("rand", "special"), **kw)


def factory(pos, kw=None, cmp="values"):
    k = {"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int32"}, {"t": "D", "v": "bool"}],
         "requires_grad": [OMIT, True]}
    k.update(kw or {})
    return Plan(nomain=True, pos=pos, kw=k, cmp=cmp)


SIZES = [[2, 3], [], [0], [3], [-1, 2], [2 ** 31, 0]]
PLANS = {
    # ---------------------------------------------------------------- advanced indexing
    "gather": Plan(pos=[[1, 0, -1, 2], [idx((3, 2), 0, 4), idx((3, 4), -4, 0), idx((3, 2), 0, 9),
                                        idx((3, 2), 0, 4, "int32"), idx((5, 2), 0, 4), idx((3,), 0, 4)]],
                   mains=[(3, 4), (3, 4, 1)]),
    "scatter": Plan(pos=[[1, 0, 5], [idx((3, 2), 0, 4), idx((3, 2), 0, 9), idx((3, 2), 0, 4, "int32"), idx((3, 2), -4, 0)],
                         [same((3, 2)), same((3, 1)), 1.5, same((4, 4))]],
                    kw={"reduce": [OMIT, "add", "multiply"]}),
    "scatter_add": Plan(pos=[[1, 0, 5], [idx((3, 2), 0, 4), idx((3, 2), 0, 9), idx((3, 2), 0, 4, "int32")],
                             [same((3, 2)), same((3, 1))]]),
    "index_select": Plan(pos=[[1, 0, -1, 3], [idx((5,), 0, 3), idx((0,), 0, 3), idx((2,), 0, 9), idx((2, 2), 0, 3),
                                            idx((3,), 0, 3, "int32"), idx((), 0, 3), fixed((2,), "float32")]]),
    "index_add": Plan(pos=[[1, 0, 4], [idx((5,), 0, 3), idx((2,), 0, 9), idx((5,), 0, 3, "int32")],
                           [same((3, 5)), same((3, 2)), same((5, 3))]],
                      kw={"alpha": [OMIT, 2, 0.5]}),
    "masked_fill": Plan(pos=[[mask(), mask((4,)), mask((2, 4)), fixed((3, 4), "uint8")],
                             [1.5, 0, -1, 300, True, scalar_t(), fixed((), "float64"), fixed((2,), "float32"),
                              {"t": "F", "v": "nan"}]], vals=("rand", "special")),
    "masked_select": Plan(pos=[[mask(), mask((4,)), mask((2, 4)), fixed((3, 4), "uint8")]]),
    "nonzero": Plan(mains=[(3, 4), (), (0,), (2, 3, 4)], kw={"as_tuple": [OMIT, True]}, vals=("rand", "special")),
    "take_along_dim": Plan(pos=[[idx((3, 2), 0, 4), idx((3, 2), -4, 0), idx((3, 2), 0, 4, "int32"), idx((6,), 0, 12)],
                                [1, OMIT, 0, 3]]),
    "index_put": Plan(pos=[[(idx((2,), 0, 3),), (idx((2,), 0, 3), idx((2,), 0, 4)), (mask(),), (idx((2,), 0, 9),)],
                           [same((2, 4)), same((4,)), 1.5, same((3,))], [False, True]], main=None),
    "where": Plan(main_at=1, pos=[[mask(), mask((4,)), fixed((3, 4), "uint8"), fixed((3, 4), "float32")],
                                  [same(), 0.5, 2, True, fixed((3, 4), "int64"), fixed((3, 1), "float16"), fixed((2, 4), "float32")]]),
    "isclose": Plan(pos=[[same(), 0.5, same(vals="special"), fixed((3, 4), "float64"), fixed((2, 4), "float32")]],
                    kw={"rtol": [OMIT, 0.0], "atol": [OMIT, 0.0, 1e9], "equal_nan": [OMIT, True]},
                    vals=("rand", "special"), grad=False),
    "equal": Plan(pos=[[same(), fixed((3, 4), "float64"), same((4, 3)), same(vals="special")]], grad=False),
    # ---------------------------------------------------------------- factories
    "empty": factory([SIZES], cmp="meta"),
    "zeros": factory([SIZES]),
    "ones": factory([SIZES]),
    "full": factory([SIZES, [2.5, 300, -1, True, 2 ** 40, {"t": "F", "v": "nan"}]]),
    "arange": factory([[5, 0, -3, 2.5, 10], [OMIT, 10, 0.5, 2], [OMIT, 2, -1, 0, 0.3]]),
    "linspace": factory([[0, -1.5, 5], [1, 10], [5, 1, 0, -1]]),
    "logspace": factory([[0, -1.5], [1, 3], [5, 1, 0, -1], [OMIT, 2.0]]),
    "eye": factory([[3, 0, -1], [OMIT, 4, 0, -2]]),
    "rand": factory([SIZES], cmp="meta"),
    "randn": factory([SIZES], cmp="meta"),
    "randint": factory([[0, 5, -3], [10, 3, 300], [[2, 3], [], [0], [-1]]], cmp="meta"),
    "randperm": factory([[5, 0, -1, 1]], cmp="meta"),
    "fill_": Plan(pos=[[2.5, 0, -1, 300, True, 2 ** 40, scalar_t(), fixed((2,), "float32"), {"t": "F", "v": "inf"}]],
                  forms=["method"], mains=[(3, 4), (), (0,)], grad=False),
    "zero_": Plan(forms=["method"], mains=[(3, 4), ()], grad=False),
    "copy_": Plan(pos=[[same(), fixed((3, 4), "float64"), fixed((4,), "int64"), fixed((2, 4), "float32"),
                        fixed((), "bool"), fixed((3, 4), "float32", lay="tr")]], forms=["method"], grad=False),
    "empty_like": Plan(kw={"dtype": [OMIT, {"t": "D", "v": "int64"}]}, **NOGEN),
    "zeros_like": Plan(kw={"dtype": [OMIT, {"t": "D", "v": "int64"}]}, grad=False),
    "ones_like": Plan(kw={"dtype": [OMIT, {"t": "D", "v": "bool"}]}, grad=False),
    "full_like": Plan(pos=[[2.5, 300, -1, True]], kw={"dtype": [OMIT, {"t": "D", "v": "int8"}]}, grad=False),
    "rand_like": Plan(kw={"dtype": [OMIT, {"t": "D", "v": "float64"}]}, **NOGEN),
    "randn_like": Plan(kw={"dtype": [OMIT, {"t": "D", "v": "float64"}]}, **NOGEN),
    "new_empty": Plan(pos=[[[2, 3], [], [-1]]], forms=["method"], **NOGEN),
    "new_zeros": Plan(pos=[[[2, 3], [], [-1]]], forms=["method"], grad=False),
    "new_ones": Plan(pos=[[[2, 3], [], [0, 2]]], kw={"dtype": [OMIT, {"t": "D", "v": "int16"}]}, forms=["method"], grad=False),
    "new_full": Plan(pos=[[[2, 3], []], [1.5, 300, -1]], forms=["method"], grad=False),
    "type_as": Plan(pos=[[fixed((2,), "float64"), fixed((2,), "int8"), fixed((), "bool")]], forms=["method"]),
    "tril": Plan(pos=[[OMIT, 1, -1, 10, -10]], mains=[(3, 4), (2, 3, 4), (4,)], vals=("rand", "special")),
    "triu": Plan(pos=[[OMIT, 1, -1, 10, -10]], mains=[(3, 4), (2, 3, 4), (4,)], vals=("rand", "special")),
    # ---------------------------------------------------------------- joining / sorting
    "cat": Plan(main=lambda sh, dt, sd, lay, v: {"t": "L", "v": [tspec(sh, dt, lay, v, sd), tspec(sh, dt, "c", v, sd + 1)]},
                pos=[[0, 1, -1, 2]]),
    "stack": Plan(main=lambda sh, dt, sd, lay, v: {"t": "L", "v": [tspec(sh, dt, lay, v, sd), tspec(sh, dt, "c", v, sd + 1)]},
                  pos=[[0, 2, -1, 3]]),
    "hstack": Plan(main=lambda sh, dt, sd, lay, v: {"t": "L", "v": [tspec(sh, dt, lay, v, sd), tspec(sh, "float32", "c", v, sd + 1)]}),
    "vstack": Plan(main=lambda sh, dt, sd, lay, v: {"t": "L", "v": [tspec(sh, dt, lay, v, sd), tspec(sh, "int64", "c", v, sd + 1)]},
                   mains=[(3, 4), (4,), ()]),
    "dstack": Plan(main=lambda sh, dt, sd, lay, v: {"t": "L", "v": [tspec(sh, dt, lay, v, sd), tspec(sh, dt, "c", v, sd + 1)]},
                   mains=[(3, 4), (4,), ()]),
    "repeat": Plan(pos=[[[2, 1], [1, 2, 3], [0, 1], [2], [-1, 1]]], forms=["method"]),
    "tile": Plan(pos=[[[2, 1], [1, 2, 3], [0, 1], [2], [-1, 1]]]),
    "repeat_interleave": Plan(pos=[[2, 0, -1], [OMIT, 0, 1, 2]]),
    "_repeat_interleave_tensor": Plan(call="repeat_interleave", pos=[[idx((3,), 0, 3), idx((1,), 1, 3), idx((3,), -1, 0), idx((2,), 0, 3)],
                                                                     [0, OMIT, 1]]),
    "sort": Plan(pos=[[OMIT, 0, -1, 2], [OMIT, True]], kw={"stable": [OMIT, True]}, vals=("rand", "special"),
                 mains=M34 + [()]),
    "argsort": Plan(pos=[[OMIT, 0, 2], [OMIT, True]], kw={"stable": [OMIT, True]}, vals=("rand", "special"), mains=M34 + [()]),
    "msort": Plan(mains=M34, vals=("rand", "special")),
    "topk": Plan(pos=[[2, 0, 5, -1], [OMIT, 0, 3], [OMIT, False], [OMIT, False]], vals=("rand", "special")),
    "_unique2": Plan(call="unique", kw={"sorted": [OMIT, True], "return_inverse": [OMIT, True], "return_counts": [OMIT, True]},
                     mains=[(3, 4), (0,), ()], vals=("rand", "special"), grad=False),
    "unique_dim": Plan(call="unique", kw={"dim": [0, 1, 2], "return_inverse": [OMIT, True], "return_counts": [OMIT, True]},
                       grad=False),
    "searchsorted": Plan(main_at=1, mains=[(3,), (2, 3), ()], pos=[[seq(6), fixed((2, 6), "float32", "sorted"), seq(0)]],
                         kw={"right": [OMIT, True], "out_int32": [OMIT, True], "side": [OMIT, "right", "bogus"]}),
    "bincount": Plan(mains=[(6,), (0,), (2, 3)], vals=("idx:0:5", "idx:-1:3"), pos=[[OMIT, fixed((6,), "float64")], [OMIT, 8]],
                     dtypes=["uint8", "int8", "int16", "int32", "int64", "float32", "bool"]),
    # ---------------------------------------------------------------- linalg
    "matmul": Plan(pos=[[same((4, 2)), same((4,)), same((5, 4, 2)), same((3, 2)), same((0, 2)), fixed((4, 2), "float64")]],
                   mains=[(3, 4), (4,), (2, 3, 4), (3, 0)]),
    "mm": Plan(pos=[[same((4, 2)), same((4,)), same((3, 2)), same((4, 0))]], mains=[(3, 4), (3, 0)]),
    "mv": Plan(pos=[[same((4,)), same((3,)), fixed((4,), "float64")]], mains=[(3, 4), (0, 4)]),
    "bmm": Plan(pos=[[same((2, 4, 3)), same((3, 4, 3)), same((4, 3))]], mains=[(2, 3, 4), (2, 3, 0)]),
    "dot": Plan(pos=[[same(), same((3,)), fixed((4,), "float64")]], mains=[(4,), (0,)]),
    "outer": Plan(pos=[[same((3,)), same(()), fixed((3,), "float64")]], mains=[(4,), (0,)]),
    "addmm": Plan(main=lambda sh, dt, sd, lay, v: tspec((3, 2), dt, lay, v, sd), mains=[(3, 2)],
                  pos=[[same((3, 4))], [same((4, 2)), same((3, 2))]],
                  kw={"beta": [OMIT, 0, 0.5, 2], "alpha": [OMIT, 0, 0.5, 2]}, vals=("rand", "special")),
    "baddbmm": Plan(main=lambda sh, dt, sd, lay, v: tspec((2, 3, 2), dt, lay, v, sd), mains=[(2, 3, 2)],
                    pos=[[same((2, 3, 4))], [same((2, 4, 2)), same((2, 3, 2))]],
                    kw={"beta": [OMIT, 0, 0.5], "alpha": [OMIT, 0, 0.5]}, vals=("rand", "special")),
    "tensordot": Plan(pos=[[same((4, 5)), same((3, 4))]], kw={"dims": [([1], [0]), 1, 0, ([0], [1])]}, mains=[(3, 4)]),
    "einsum": Plan(main_at=1, pos=[["ij,jk->ik", "ij->ji", "ii->i", "ij,kj", "ij->"], [same((4, 2)), OMIT]], mains=[(3, 4), (4, 4)]),
    # ---------------------------------------------------------------- random (shapes and dtypes only)
    "uniform_": Plan(forms=["method"], pos=[[OMIT, -1, 5], [OMIT, 1, -5]], **NOGEN),
    "normal_": Plan(forms=["method"], pos=[[OMIT, 1], [OMIT, 2, -1]], **NOGEN),
    "random_": Plan(forms=["method"], pos=[[OMIT, 10, 0, 300, -5], [OMIT, 20, 2 ** 40]], **NOGEN),
    "bernoulli": Plan(vals=("unit",), **NOGEN),
    "multinomial": Plan(mains=[(4,), (2, 4)], vals=("pos",), pos=[[2, 5, 0], [OMIT, True]], **NOGEN),
    # ---------------------------------------------------------------- reductions
    "sum": red({"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}, {"t": "D", "v": "int16"}]}),
    "mean": red({"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}]}),
    "nansum": red({"dtype": [OMIT, {"t": "D", "v": "float64"}]}),
    "prod": Plan(mains=M34 + [()], pos=[[OMIT, 1, -1, 2]], kw={"keepdim": KEEP, "dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}]},
                 vals=("rand", "special")),
    "softmax": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], kw={"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}]},
                    vals=("rand", "special")),
    "log_softmax": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], kw={"dtype": [OMIT, {"t": "D", "v": "float64"}]},
                        vals=("rand", "special")),
    "amax": red(), "amin": red(),
    "max": Plan(mains=M34 + [()], vals=("rand", "special")),
    "min": Plan(mains=M34 + [()], vals=("rand", "special")),
    "max_dim": dimred("max"), "min_dim": dimred("min"), "median_dim": dimred("median"),
    "argmax": Plan(mains=M34 + [()], pos=[[OMIT, 1, 0, -1, 2], [OMIT, True]], vals=("rand", "special")),
    "argmin": Plan(mains=M34 + [()], pos=[[OMIT, 1, 0, -1, 2], [OMIT, True]], vals=("rand", "special")),
    "all": red(), "any": red(),
    "count_nonzero": Plan(mains=M34 + [()], pos=[[OMIT, 1, [0, 1], 3]], vals=("rand", "special")),
    "var": red({"correction": [OMIT, 0, 2, 0.5, 100]}), "std": red({"correction": [OMIT, 0, 2, 100]}),
    "var_mean": red({"correction": [OMIT, 0]}), "std_mean": red({"correction": [OMIT, 0]}),
    "logsumexp": Plan(mains=M34 + [()], pos=[[1, [0, 1], -1, 5, []], [OMIT, True]], vals=("rand", "special")),
    "norm": Plan(mains=M34 + [()], pos=[[OMIT, 1, 0, {"t": "F", "v": "inf"}, {"t": "F", "v": "-inf"}, 3, 0.5, "fro"],
                                        [OMIT, 1, [0, 1]], [OMIT, True]], vals=("rand", "special")),
    "cumsum": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], kw={"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}]},
                   vals=("rand", "special")),
    "cumprod": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], kw={"dtype": [OMIT, {"t": "D", "v": "float64"}, {"t": "D", "v": "int64"}]},
                    vals=("rand", "special")),
    "cummax": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], vals=("rand", "special")),
    "cummin": Plan(mains=M34 + [()], pos=[[1, 0, -1, 2]], vals=("rand", "special")),
    "kthvalue": Plan(mains=M34, pos=[[2, 1, 4, 0, 9], [OMIT, 0, 5], [OMIT, True]], vals=("rand", "special")),
    "median": Plan(mains=M34 + [()], vals=("rand", "special")),
    "quantile": Plan(mains=[(3, 4), (5,)], pos=[[0.5, fixed((3,), "float32", "unit"), 1.5, same((2,), "unit")], [OMIT, 0, 1],
                                                [OMIT, True]],
                     kw={"interpolation": [OMIT, "lower", "higher", "nearest", "midpoint", "bogus"]},
                     dtypes=["float32", "float64", "float16", "int64"]),
    # ---------------------------------------------------------------- shape / views
    "view": Plan(pos=[[[4, 3], [-1], [2, -1, 2], [5, -1], [-1, -1], [12], {"t": "D", "v": "int32"},
                       {"t": "D", "v": "float16"}, {"t": "D", "v": "float64"}, {"t": "D", "v": "uint8"}]],
                 forms=["method"]),
    "resize_": Plan(pos=[[[2, 2], [0], [3, 5], [12], [-1]]], forms=["method"], grad=False),
    "reshape": Plan(pos=[[[4, 3], [-1], [2, -1, 2], [5, -1], [0, 12]]]),
    "transpose": Plan(pos=[[0, 1, -1, 2], [1, 0, 5]]),
    "permute": Plan(pos=[[[1, 0], [0, 1], [0, 0], [0], [1, 2]]]),
    "expand": Plan(mains=[(3, 1), (1,), ()], pos=[[[3, 4], [2, 3, 4], [-1, 4], [3, -2], [0, 4], [1]]], forms=["method"]),
    "contiguous": Plan(forms=["method"]),
    "clone": Plan(mains=M34 + [()]),
    "to": Plan(pos=[[{"t": "D", "v": "float64"}, {"t": "D", "v": "int8"}, {"t": "D", "v": "bool"}, {"t": "D", "v": "bfloat16"},
                     {"t": "D", "v": "uint8"}]], forms=["method"], vals=("rand", "special")),
    "unsqueeze": Plan(mains=[(3, 4), ()], pos=[[0, -1, 2, 3, -4]]),
    "squeeze": Plan(mains=[(3, 1, 4), (1,), ()], pos=[[OMIT, 1, [0, 1], 3, -1]]),
    "flatten": Plan(mains=[(2, 3, 4), ()], pos=[[OMIT, 1, -1, 5], [OMIT, 1, 0]]),
    "unflatten": Plan(pos=[[1, 0, 2], [[2, 2], [-1, 2], [3, 3], [4]]]),
    "narrow": Plan(pos=[[1, 0, 3], [1, 0, -1, 5], [2, 0, 4, -1]]),
    "select": Plan(pos=[[1, 0, 3], [1, -1, 4, -5]]),
    "movedim": Plan(mains=[(2, 3, 4)], pos=[[0, [0, 1], 3, [0, 0]], [2, [2, 0], 0, [1, 2]]]),
    "expand_as": Plan(mains=[(3, 1)], pos=[[fixed((3, 4), "float32"), fixed((2, 3, 4), "int8"), fixed((4, 4), "float32")]],
                      forms=["method"]),
    "diagonal": Plan(mains=[(3, 4), (2, 3, 4)], pos=[[OMIT, 1, -1, 9], [OMIT, 1, 0], [OMIT, 0, 2, 1]]),
    "as_strided": Plan(pos=[[[2, 2], [0], [3, 4], [13]], [[1, 2], [0], [-1, 1], [4, 1]], [OMIT, 1, 100, -1]]),
    "unfold": Plan(pos=[[1, 0, 2], [2, 4, 0, 5], [1, 2, 0, -1]], forms=["method"]),
    "t": Plan(mains=[(3, 4), (4,), (), (2, 3, 4)]),
    "view_as": Plan(pos=[[fixed((4, 3), "float32"), fixed((12,), "int8"), fixed((5,), "float32")]], forms=["method"]),
    "reshape_as": Plan(pos=[[fixed((4, 3), "float32"), fixed((5,), "float32")]], forms=["method"]),
    "flip": Plan(pos=[[[0], [0, 1], [-1], [], [2], [0, 0]]], mains=M34 + [()]),
    "roll": Plan(pos=[[1, [1, 2], -5, [1]], [OMIT, 0, [0, 1], 1, 5]], mains=M34 + [()]),
}

# Schema ops reached only through Python syntax (planned in plans_index.py) or internal ones.
INDEX_OPS = {"slice", "_index_gather", "_index_scatter_", "_index_scatter", "_index_scatter_self_backward",
             "index_put_", "scatter_", "scatter_add_", "masked_fill_", "allclose"}
