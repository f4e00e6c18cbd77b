"""Plans for in-place methods, Python indexing (`t[i]`, `t[i] = v`) and the internal index ops."""
from __future__ import annotations

from plan_dsl import OMIT, Plan, fixed, idx, mask, same
from plans import PLANS


def SL(*a):
    return {"t": "SL", "v": list(a)}


E = {"t": "E"}
N = {"t": "N"}

GET = [SL(1, 3), (SL(None), SL(1, None, 2)), SL(5, 10), SL(-2, None), SL(None, None, -1), SL(None, None, 0),
       1, -1, 3, -4, (1, 2), (E, 1), (N, SL(None), 0), True, False, N, (1, 2, 3), (E, E),
       idx((2,), 0, 3), idx((2, 2), -3, 3), mask(), mask((3,)), (idx((2,), 0, 3), idx((2,), 0, 4)),
       (E, idx((2,), 0, 4)), (SL(None), idx((3,), 0, 4)), idx((2,), 0, 9), idx((2,), 0, 3, "int32"),
       idx((2,), 0, 3, "uint8"), fixed((2,), "float32"), [0, 2], [[0, 1], [1, 2]], (idx((2,), 0, 3), SL(None), N),
       mask((2, 4)), idx((0,), 0, 3)]
VALS = [1.5, 0, 300, -1, True, {"t": "F", "v": "nan"}, same(()), fixed((), "float64"), same((4,)), same((2, 4)),
        fixed((7,), "float32")]

PLANS_INDEX = {
    "slice": Plan(forms=["getitem"], pos=[GET], mains=[(3, 4), (2, 3, 4)]),
    "_index_gather": Plan(forms=["getitem"], pos=[GET[18:]], mains=[(3, 4), ()]),
    "_index_scatter": Plan(forms=["setitem"], pos=[[SL(1, 3)] + GET[6:], VALS], mains=[(3, 4)], grad=False),
    "scatter_": Plan(forms=["method"], pos=[[1, 0, 5], [idx((3, 2), 0, 4), idx((3, 2), 0, 9), idx((3, 2), 0, 4, "int32")],
                                            [same((3, 2)), 1.5, same((3, 1))]], kw={"reduce": [OMIT, "add"]}, grad=False),
    "scatter_add_": Plan(forms=["method"], pos=[[1, 0], [idx((3, 2), 0, 4), idx((3, 2), 0, 9)], [same((3, 2))]], grad=False),
    "masked_fill_": Plan(forms=["method"], pos=[[mask(), mask((4,))], [1.5, 300, -1, True, same(()), fixed((2,), "float32")]],
                         grad=False, vals=("rand",)),
    "index_put_": Plan(forms=["method"], pos=[[(idx((2,), 0, 3),), (mask(),), (idx((2,), 0, 9),), (idx((3,), 0, 3),)],
                                              [same((2, 4)), same((4,)), same(())], [OMIT, True]], grad=False),
    "allclose": Plan(pos=[[same(), 0.5, same(vals="special"), fixed((3, 4), "float64"), fixed((2, 4), "float32")]],
                     kw={"rtol": [OMIT, 0.0], "atol": [OMIT, 0.0], "equal_nan": [OMIT, True]},
                     vals=("rand", "special"), grad=False),
}
# _index_scatter_ and _index_scatter_self_backward are reached through `t[i] = v` above.
SKIP = {"_index_scatter_": "reached through t[i] = v (the _index_scatter plan)",
        "_index_scatter_self_backward": "internal backward helper, exercised by the gradients of t[i] = v",
        "threshold_backward": "relu's backward; PyTorch has it only as torch.ops.aten.threshold_backward"}


def all_plans():
    d = dict(PLANS)
    d.update(PLANS_INDEX)
    return d
