"""ember.dispatch.Observer: the recording hook at the op boundary; record a program, replay it by name."""
import threading

import numpy as np
import pytest

import ember
from ember import _C


class Recorder(ember.dispatch.Observer):
    def __init__(self, inside=False):
        self.calls = []
        self.inside = inside

    def on_op(self, name, args, kwargs, outputs):
        self.calls.append((name, args, kwargs, outputs))
        if self.inside:
            ember.ones(2) + 1  # the observer's own ops are not reported

    @property
    def names(self):
        return [c[0] for c in self.calls]


def test_records_names_args_kwargs_outputs():
    x = ember.ones(2, 3)
    with Recorder(inside=True) as r:
        y = (x * 2 + 1).sum(1)
        x.add_(1, alpha=3)
        v, i = x.max(0)
    assert r.names == ["aten::mul.Tensor", "aten::add.Tensor", "aten::sum.dim_IntList", "aten::add_.Tensor",
                       "aten::max.dim"]
    name, args, kwargs, outputs = r.calls[0]
    assert args[0] is x and args[1] == 2 and type(args[1]) is int  # the Python number comes back as a number
    assert kwargs == {} and len(outputs) == 1
    assert r.calls[1][2] == {"alpha": 1}
    assert r.calls[2][1][1:] == ([1], False) and r.calls[2][2] == {"dtype": None}
    assert r.calls[2][3][0] is y
    assert r.calls[3][2] == {"alpha": 3} and r.calls[3][3][0] is x
    assert r.calls[4][3][0] is v and r.calls[4][3][1] is i


def test_not_reported_inside_ops_or_without_observer():
    a, b = ember.randn(3, 4), ember.randn(4)
    with Recorder() as r:
        ember.matmul(a, b)          # composite: its mv is not reported
        ember.tensor([1.0, 2.0])    # data is a constant, not an op
        a.var(1)
    a + 1
    assert r.names[0] == "aten::matmul.default"
    assert len(r.names) == 2 and r.names[1].startswith("aten::var.")


def test_replay_through_the_boxed_registry():
    x, w = ember.randn(3, 4, dtype=ember.float64), ember.randn(4, 2, dtype=ember.float64)
    with Recorder() as r:
        h = ember.matmul(x, w).tanh()
        p = h.chunk(2, 1)
        s = ember.cat([p[1], p[0] * 3], 0)
        result = s.clamp(-0.5, 0.5).sum(0) - 1
        result2 = ember.where(result > 0, result, ember.zeros_like(result))

    def replay(env):
        last = None
        sub = lambda v: [env.get(id(t), t) for t in v] if isinstance(v, (list, tuple)) else env.get(id(v), v)  # noqa: E731
        for name, args, kwargs, outputs in r.calls:
            full = list(args) + [kwargs[k] for k in kwargs]  # keyword-only args follow in schema order
            out = _C._call_boxed(name, *[sub(a) for a in full])
            out = (out,) if len(outputs) == 1 else out  # one output may itself be a tuple (Tensor[])
            for old, new in zip(outputs, out):
                if isinstance(old, (list, tuple)):
                    env.update({id(o): n for o, n in zip(old, new)})
                else:
                    env[id(old)] = new
            last = out[0]
        return last

    np.testing.assert_array_equal(replay({}).numpy(), result2.numpy())
    x2 = x * 2
    got = replay({id(x): x2})
    h2 = ember.matmul(x2, w).tanh()
    p2 = h2.chunk(2, 1)
    e = ember.cat([p2[1], p2[0] * 3], 0).clamp(-0.5, 0.5).sum(0) - 1
    np.testing.assert_allclose(got.numpy(), ember.where(e > 0, e, ember.zeros_like(e)).numpy())


def test_nesting_threads_and_errors():
    with Recorder() as outer:
        ember.ones(1)
        with Recorder() as inner:
            ember.zeros(1)
            t = threading.Thread(target=lambda: ember.ones(3))  # other threads are not observed
            t.start()
            t.join()
        with pytest.raises(RuntimeError):
            ember.ones(2) + ember.ones(3)
        ember.ones(4)
    assert inner.names == ["aten::zeros.default"]
    # ones(1), ones(2), ones(3) and ones(4); the failed add is not reported; nothing after the with block
    assert outer.names == ["aten::ones.default"] * 4
    ember.ones(5)
    assert len(outer.calls) == 4


def test_observer_errors_propagate_and_state_is_restored():
    class Bad(ember.dispatch.Observer):
        def on_op(self, name, args, kwargs, outputs):
            raise KeyError("from on_op")

    with pytest.raises(KeyError, match="from on_op"):
        with Bad():
            ember.ones(1) + 1
    with Recorder() as r:
        ember.ones(1)
    assert r.names == ["aten::ones.default"]
    with pytest.raises(NotImplementedError):
        with ember.dispatch.Observer():
            ember.ones(1)
