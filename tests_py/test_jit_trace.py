"""ember.jit.trace / trace_module: functions, modules with submodules, containers, warnings, checks, grads."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.jit import TracerWarning, TracingCheckError


def checked(graph):
    """Every graph the tests make is linted and round-tripped through its text form."""
    graph.lint()
    graph.check_round_trip()
    return graph


def chain(x):
    for _ in range(25):
        x = (x * 1.01 + 0.01).tanh() - 0.001
    return x


def test_trace_function_equals_eager_on_new_inputs():
    x = ember.randn(16)
    f = ember.jit.trace(chain, (x,))
    g = checked(f.graph)
    assert g.kinds().count("aten::tanh.default") == 25  # the Python loop unrolled
    assert "prim::Constant[value=1.01]()" in str(g)
    for dt in (ember.float32, ember.float64):
        y = ember.randn(3, 5, dtype=dt)
        np.testing.assert_allclose(f(y).numpy(), chain(y).numpy(), rtol=1e-6, atol=1e-6)
    nc = ember.randn(6, 4).t()  # non-contiguous
    np.testing.assert_allclose(f(nc).numpy(), chain(nc).numpy(), rtol=1e-6, atol=1e-6)
    assert f(ember.zeros(0)).shape == (0,)
    assert "def chain(input0" in f.code and "ember.ops.aten.tanh.default" in f.code


def test_trace_single_tensor_and_errors():
    f = ember.jit.trace(lambda a, b: a * b + 1, (ember.ones(2), ember.ones(2)))
    np.testing.assert_allclose(f(ember.full((2,), 2.0), ember.full((2,), 3.0)).numpy(), [7.0, 7.0])
    with pytest.raises(TypeError, match="expected 2 arguments but got 1"):
        f(ember.ones(2))
    with pytest.raises(TypeError, match="inputs must be tensors"):
        ember.jit.trace(lambda n: n, (3,))
    with pytest.raises(TypeError, match="expected a function or an nn.Module"):
        ember.jit.trace(42, (ember.ones(1),))


def test_tuple_list_dict_inputs_and_outputs():
    def fn(pair, d):
        a, b = pair
        s = a + b * d["w"]
        return s, (s.exp(), -s)

    pair = (ember.ones(2), ember.ones(2))
    d = {"w": ember.full((2,), 3.0)}
    f = ember.jit.trace(fn, (pair, d))
    checked(f.graph)
    pair2 = (ember.full((2,), 2.0), ember.ones(2))
    d2 = {"w": ember.full((2,), -1.0)}
    got = f(pair2, d2)
    want = fn(pair2, d2)
    assert isinstance(got, tuple) and isinstance(got[1], tuple)
    np.testing.assert_allclose(got[0].numpy(), want[0].numpy())
    np.testing.assert_allclose(got[1][0].numpy(), want[1][0].numpy(), rtol=1e-6)
    # lists and dicts as outputs: refused in strict mode, as torch.jit.trace does
    with pytest.raises(RuntimeError, match="Encountering a list at the output of the tracer"):
        ember.jit.trace(lambda x: [x, x + 1], (ember.ones(1),))
    f2 = ember.jit.trace(lambda x: {"a": x + 1, "b": [x * 2]}, (ember.ones(1),), strict=False)
    out = f2(ember.full((1,), 2.0))
    assert out["a"].item() == 3.0 and out["b"][0].item() == 4.0
    f3 = ember.jit.trace(lambda xs: xs[0] + xs[1], ([ember.ones(1), ember.ones(1)],))
    assert f3([ember.full((1,), 2.0), ember.ones(1)]).item() == 3.0


def test_branch_on_a_tensor_value_warns_and_freezes():
    def fn(x):
        if x.sum() > 0:  # bool() of a traced tensor
            return x * 2
        return x * -1

    with pytest.warns(TracerWarning, match="Converting a tensor to a Python boolean"):
        f = ember.jit.trace(fn, (ember.ones(3),), check_trace=False)
    # the branch taken at trace time is frozen
    np.testing.assert_allclose(f(-ember.ones(3)).numpy(), [-2.0, -2.0, -2.0])
    with pytest.warns(TracerWarning, match="Python number"):
        ember.jit.trace(lambda x: x * x.max().item(), (ember.ones(2),))
    with pytest.warns(TracerWarning, match="Python list"):
        ember.jit.trace(lambda x: x + x.tolist()[0], (ember.ones(2),))
    with pytest.warns(TracerWarning, match="len"):
        ember.jit.trace(lambda x: x * len(x), (ember.ones(2),))
    # constants built outside the trace do not warn
    c = ember.ones(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.jit.trace(lambda x: x * c.item(), (ember.ones(2),))
    assert ember.Tensor.__bool__(ember.ones(1))  # the hooks are gone after tracing


def test_check_trace_reports_differing_outputs():
    def fn(x):
        if x.sum() > 0:
            return x * 2
        return x * -1

    with pytest.warns(TracerWarning):
        with pytest.raises(TracingCheckError, match="outputs differ"):
            ember.jit.trace(fn, (ember.ones(3),), check_inputs=[(ember.ones(3),), (-ember.ones(3),)])


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.register_buffer("shift", ember.full((4,), 0.5))

    def forward(self, x):
        return self.fc(x).relu() + self.shift


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = Block()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.body(x))


def test_trace_module_with_submodules():
    net = Net()
    x = ember.randn(3, 4)
    traced = ember.jit.trace(net, x)
    g = checked(traced.graph)
    kinds = g.kinds()
    # body, body.fc, its weight and bias, body.shift, head, its weight and bias: attributes, not constants
    assert kinds.count("prim::GetAttr") == 8
    assert "tensor(" not in str(g)  # no tensor constants
    names = [n for n, _ in traced.named_parameters()]
    assert names == [n for n, _ in net.named_parameters()]
    assert [n for n, _ in traced.named_buffers()] == ["body.shift"]
    assert list(traced.state_dict().keys()) == list(net.state_dict().keys())
    assert [n for n, _ in traced.named_children()] == ["body", "head"]
    x2 = ember.randn(5, 4)
    np.testing.assert_allclose(traced(x2).detach().numpy(), net(x2).detach().numpy(), rtol=1e-6, atol=1e-6)
    assert traced.body.fc.weight is net.body.fc.weight
    # parameters are attributes: changing the module's weights changes the traced module's outputs
    with ember.no_grad():
        net.head.bias.add_(1.0)
    np.testing.assert_allclose(traced(x2).detach().numpy(), net(x2).detach().numpy(), rtol=1e-6, atol=1e-6)
    assert traced.training
    traced.eval()
    assert not traced.training and not traced.body.training
    assert "def forward(self" in traced.code


def test_traced_module_gradients_equal_eager():
    net = Net().double()
    x = ember.randn(3, 4, dtype=ember.float64)
    traced = ember.jit.trace(net, x)
    traced(x).pow(2).sum().backward()
    got = {n: p.grad.clone() for n, p in net.named_parameters()}
    for p in net.parameters():
        p.grad = None
    net(x).pow(2).sum().backward()
    for n, p in net.named_parameters():
        np.testing.assert_allclose(got[n].numpy(), p.grad.numpy(), rtol=1e-10)


def test_gradcheck_through_a_traced_function():
    f = ember.jit.trace(lambda a, b: (a * b).tanh() + a.exp() * 0.5, (ember.randn(3), ember.randn(3)))
    a = ember.randn(3, dtype=ember.float64, requires_grad=True)
    b = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(f, (a, b))


def test_script_module_to_and_attributes():
    net = Net()
    traced = ember.jit.trace(net, ember.randn(2, 4))
    traced.to(ember.float64)
    assert all(p.dtype == ember.float64 for p in traced.parameters())
    assert traced(ember.randn(2, 4, dtype=ember.float64)).dtype == ember.float64
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        traced.nope
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        traced.save("x.ember")
    with pytest.raises(NotImplementedError, match="script compiler|not implemented yet"):
        ember.jit.script(net)


def test_trace_module_other_methods():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(ember.full((2,), 3.0))

        def forward(self, x):
            return x * self.w

        def scaled(self, x):
            return x * self.w * 2

    m = M()
    traced = ember.jit.trace_module(m, {"forward": ember.ones(2), "scaled": ember.ones(2)})
    assert traced.scaled(ember.ones(2)).tolist() == [6.0, 6.0]
    assert traced(ember.ones(2)).tolist() == [3.0, 3.0]
    checked(traced.scaled.graph)


def test_trace_a_registered_op_from_a_library():
    import os
    from pathlib import Path
    lib = os.environ.get("EMBER_TEST_OPS_LIB", str(Path(__file__).resolve().parents[1] / "build" / "libember_test_ops.so"))
    if not os.path.exists(lib):
        pytest.skip(f"the test op library is built with the C++ tests: {lib} is missing")
    ember.ops.load_library(lib)
    f = ember.jit.trace(lambda x: ember.ops.ember_test.scale(x, k=3.0) + 1, (ember.ones(2),))
    g = checked(f.graph)
    assert "ember_test::scale.default" in g.kinds()
    assert f(ember.full((2,), 2.0)).tolist() == [7.0, 7.0]
    # gradients through the registered op's Autograd kernel
    x = ember.ones(2, requires_grad=True)
    f(x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
