"""The run-time op registry from Python: ember.ops (built-in and loaded ops by name), ember.library
(define / impl / register_fake / register_autograd / custom_op) and the test library of C++ ops
(tests_cpp/libs/ember_test_ops.cpp) loaded with ember.ops.load_library."""
import os
import pathlib

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEST_OPS = os.environ.get("EMBER_TEST_OPS_LIB", str(ROOT / "build" / "libember_test_ops.so"))


@pytest.fixture(scope="module")
def test_ops():
    assert os.path.exists(TEST_OPS), f"the test op library is built with the tests: {TEST_OPS} is missing"
    ember.ops.load_library(TEST_OPS)
    ember.ops.load_library(TEST_OPS)  # again: nothing happens
    return ember.ops.ember_test


def f64(*shape):
    return ember.randn(*shape, dtype=ember.float64)


# ---- built-in ops by name ---------------------------------------------------------------------------
def test_builtin_ops_by_name():
    a, b = f64(2, 3), f64(2, 3)
    np.testing.assert_array_equal(ember.ops.aten.add(a, b, alpha=2).numpy(), (a + 2 * b).numpy())
    np.testing.assert_array_equal(ember.ops.aten.add.Tensor(a, b).numpy(), (a + b).numpy())
    np.testing.assert_array_equal(ember.ops.aten.add.Scalar(a, 2).numpy(), (a + 2).numpy())
    v, i = ember.ops.aten.max.dim(a, 1)
    np.testing.assert_array_equal(v.numpy(), a.numpy().max(1))
    np.testing.assert_array_equal(ember.ops.aten.max(a, 1)[1].numpy(), a.numpy().argmax(1))
    assert set(ember.ops.aten.max.overloads()) >= {"default", "dim", "other"}
    assert ember.ops.aten.relu.default.name() == "aten::relu.default"
    assert "view" in ember.ops.aten.select.int.tags
    assert "nondeterministic_seeded" in ember.ops.aten.normal_.default.tags
    assert repr(ember.ops.aten.add.Tensor) == "ember.ops.aten.add.Tensor"
    with pytest.raises(AttributeError, match="no op named 'aten::no_such_op'"):
        ember.ops.aten.no_such_op
    with pytest.raises(AttributeError, match="no overload 'Nope'"):
        ember.ops.aten.add.Nope
    with pytest.raises(TypeError):
        ember.ops.aten.add.Tensor(a, "x")


# ---- C++ ops from a shared library ----------------------------------------------------------------
def test_loaded_ops_call_by_name(test_ops):
    x = f64(2, 3)
    np.testing.assert_allclose(test_ops.scale(x).numpy(), 2 * x.numpy())
    np.testing.assert_allclose(test_ops.scale(x, 0.5).numpy(), 0.5 * x.numpy())
    np.testing.assert_allclose(test_ops.scale.default(x, k=3.0).numpy(), 3 * x.numpy())
    np.testing.assert_allclose(ember._C._call_boxed("ember_test::scale", x).numpy(), 2 * x.numpy())
    lo, hi = test_ops.halves(ember.arange(6.0), 0)
    assert lo.tolist() == [0, 1, 2] and hi.tolist() == [3, 4, 5]
    assert test_ops.sum_all([x, x]).item() == pytest.approx(2 * x.sum().item())
    assert "nondeterministic_seeded" in test_ops.noisy.default.tags
    with pytest.raises(TypeError, match="floating-point"):
        test_ops.scale(ember.arange(3))


def test_loaded_ops_autograd(test_ops):
    x = f64(4).requires_grad_()
    assert gradcheck(lambda t: test_ops.scale(t, 1.5), (x,))
    assert gradcheck(test_ops.fast_gelu, (x,))  # composite: the graph of the ops it calls
    y = test_ops.square(x)
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="the derivative for 'ember_test::square.default' is not implemented"):
        y.sum().backward()


def test_loaded_ops_on_meta(test_ops):
    m = ember.empty(4, 5, device="meta")
    r = test_ops.scale(m)
    assert r.device.type == "meta" and r.shape == (4, 5)
    assert test_ops.fast_gelu(m).shape == (4, 5)
    with pytest.raises(NotImplementedError, match="has no kernel for device 'meta'"):
        test_ops.square(m)


def test_loaded_ops_are_observed_and_replay(test_ops):
    class Rec(ember.dispatch.Observer):
        calls = []

        def on_op(self, name, args, kwargs, outputs):
            self.calls.append((name, args, kwargs, outputs))

    x = f64(3)
    with Rec() as rec:
        y = test_ops.fast_gelu(test_ops.scale(x, 2.0)) + 1
    assert [c[0] for c in rec.calls] == ["ember_test::scale.default", "ember_test::fast_gelu.default",
                                         "aten::add.Tensor"]
    env = {id(x): x}
    for name, args, kwargs, outputs in rec.calls:
        out = ember._C._call_boxed(name, *[env.get(id(a), a) for a in args], *kwargs.values())
        env[id(outputs[0])] = out
    np.testing.assert_array_equal(out.numpy(), y.numpy())


def test_load_library_errors():
    with pytest.raises(RuntimeError, match="could not load"):
        ember.ops.load_library("/nonexistent/libnothing.so")


# ---- ops defined in Python ------------------------------------------------------------------------
def test_define_impl_fake_autograd():
    ember.library.define("pytest_ops::mulk", "(Tensor x, *, float k=2.0) -> Tensor")

    @ember.library.impl("pytest_ops::mulk", "cpu")
    def mulk_cpu(x, *, k):
        return ember.from_numpy(x.numpy() * k)  # opaque to autograd

    ember.library.register_fake("pytest_ops::mulk", lambda x, *, k: ember.empty_like(x))

    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    ember.library.register_autograd("pytest_ops::mulk", lambda ctx, g: (g * ctx.k, None),
                                    setup_context=setup_context)
    op = ember.ops.pytest_ops.mulk
    x = f64(5).requires_grad_()
    np.testing.assert_allclose(op(x, k=3.0).detach().numpy(), 3 * x.detach().numpy())
    assert gradcheck(lambda t: op(t, k=0.5), (x,))
    assert op(ember.empty(2, 7, device="meta")).shape == (2, 7)
    with ember.no_grad():
        assert not op(x).requires_grad


def test_custom_op():
    @ember.library.custom_op("pytest_ops::cube", mutates_args=())
    def cube(x: ember.Tensor, scale: float = 1.0) -> ember.Tensor:
        return ember.from_numpy(x.numpy() ** 3 * scale)

    assert ember.ops.pytest_ops.cube.default._schema == "pytest_ops::cube(Tensor x, float scale=1.0) -> Tensor"
    x = f64(4).requires_grad_()
    np.testing.assert_allclose(cube(x.detach()).numpy(), x.detach().numpy() ** 3)
    with pytest.raises(RuntimeError, match="derivative for 'pytest_ops::cube.default' is not implemented"):
        cube(x).sum().backward()

    @cube.register_fake
    def _(x, scale=1.0):
        return ember.empty_like(x)

    cube.register_autograd(lambda ctx, g: (3 * ctx.x ** 2 * g * ctx.scale, None),
                           setup_context=lambda ctx, inputs, out: setattr(ctx, "x", inputs[0]) or
                           setattr(ctx, "scale", inputs[1]))
    assert gradcheck(lambda t: cube(t, 2.0), (x,))
    assert cube(ember.empty(3, device="meta")).device.type == "meta"


def test_custom_op_mutating_and_tuple_returns():
    @ember.library.custom_op("pytest_ops::fill_twos", mutates_args=("out",))
    def fill_twos(out: ember.Tensor) -> None:
        out.fill_(2)

    t = ember.zeros(3)
    assert fill_twos(t) is None and t.tolist() == [2, 2, 2]
    info = ember._C._op_info("pytest_ops::fill_twos.default")
    assert info["is_mutable"] and info["schema"] == "pytest_ops::fill_twos(Tensor(a!) out) -> ()"

    @ember.library.custom_op("pytest_ops::minmax", mutates_args=())
    def minmax(x: ember.Tensor, dims: list[int]) -> tuple[ember.Tensor, ember.Tensor]:
        return x.amin(dims), x.amax(dims)

    lo, hi = minmax(ember.arange(6.0).view(2, 3), [1])
    assert lo.tolist() == [0, 3] and hi.tolist() == [2, 5]


def test_python_registration_errors():
    ember.library.define("pytest_errs::f", "(Tensor x) -> Tensor")
    with pytest.raises(RuntimeError, match="already registered"):
        ember.library.define("pytest_errs::f", "(Tensor x) -> Tensor")
    with pytest.raises(RuntimeError, match="malformed op schema"):
        ember.library.define("pytest_errs::g", "(Tensor x -> Tensor")
    with pytest.raises(ValueError, match="unknown device type"):
        ember.library.impl("pytest_errs::f", "tpu", lambda x: x)
    ember.library.impl("pytest_errs::f", "cpu", lambda x: 3)
    with pytest.raises(TypeError, match="returned a int for its Tensor result"):
        ember.ops.pytest_errs.f(ember.ones(1))
    with pytest.raises(RuntimeError, match="already has a CPU kernel"):
        ember.library.impl("pytest_errs::f", "cpu", lambda x: x)
    ember.library.define("pytest_errs::boom", "(Tensor x) -> Tensor")
    ember.library.impl("pytest_errs::boom", "cpu", lambda x: {}["missing"])
    with pytest.raises(KeyError, match="missing"):
        ember.ops.pytest_errs.boom(ember.ones(1))
    with pytest.raises(ValueError, match="needs a type annotation"):
        ember.library.custom_op("pytest_errs::h", lambda x: x, mutates_args=())
    with pytest.raises(RuntimeError, match="namespace 'aten'"):
        ember.library.define("aten::mine", "(Tensor x) -> Tensor")
    with pytest.raises(RuntimeError, match="cannot register kernels for the built-in op"):
        ember.library.impl("aten::relu", "cpu", lambda x: x)


def test_library_object():
    lib = ember.library.Library("pytest_lib", "DEF")
    lib.define("plus1(Tensor x) -> Tensor")
    lib.impl("plus1", lambda x: x + 1, "CompositeImplicitAutograd")
    x = f64(3).requires_grad_()
    assert gradcheck(ember.ops.pytest_lib.plus1, (x,))  # composite: differentiable through x + 1
    with pytest.raises(RuntimeError, match="IMPL"):
        ember.library.Library("pytest_lib", "IMPL").define("g(Tensor x) -> Tensor")
