"""Linear, Bilinear, Identity, Flatten, Unflatten and the activation modules: forward against numpy,
gradients against PyTorch's formulas (boundary points included) and float64 gradcheck, default init."""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck


def _t(a, requires_grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a))
    return t.requires_grad_(requires_grad) if requires_grad else t


@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (3,), (0, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_against_numpy(shape, bias):
    rng = np.random.default_rng(0)
    lin = nn.Linear(3, 4, bias=bias).double()
    x = rng.standard_normal(shape)
    out = lin(_t(x))
    ref = x @ lin.weight.detach().numpy().T + (lin.bias.detach().numpy() if bias else 0)
    assert out.shape == ref.shape and out.dtype == ember.float64
    np.testing.assert_allclose(out.detach().numpy(), ref, rtol=1e-12, atol=1e-12)


def test_linear_float32_and_noncontiguous():
    rng = np.random.default_rng(1)
    lin = nn.Linear(6, 5)
    x = rng.standard_normal((6, 8)).astype(np.float32)
    xt = _t(x).t()  # (8, 6), transposed strides
    ref = x.T.astype(np.float64) @ lin.weight.detach().numpy().T.astype(np.float64) + lin.bias.detach().numpy()
    np.testing.assert_allclose(lin(xt).detach().numpy(), ref, rtol=1e-5, atol=1e-5)


def test_linear_gradcheck():
    rng = np.random.default_rng(2)
    x = _t(rng.standard_normal((4, 3)), True)
    w = _t(rng.standard_normal((2, 3)), True)
    b = _t(rng.standard_normal(2), True)
    assert gradcheck(lambda x, w, b: F.linear(x, w, b), (x, w, b))
    x3 = _t(rng.standard_normal((2, 4, 3)), True)
    assert gradcheck(lambda x, w, b: F.linear(x, w, b), (x3, w, b))
    assert gradcheck(lambda x, w: F.linear(x, w), (x, w))


def test_linear_module_grads_reach_parameters():
    lin = nn.Linear(3, 2).double()
    x = _t(np.random.default_rng(3).standard_normal((5, 3)))
    lin(x).sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), np.tile(x.numpy().sum(0), (2, 1)))
    np.testing.assert_allclose(lin.bias.grad.numpy(), np.full(2, 5.0))


def test_linear_bad_input():
    lin = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)"):
        lin(ember.zeros(4, 5))


def test_linear_default_init_bounds_and_statistics():
    ember.manual_seed(0)
    lin = nn.Linear(400, 300)
    w = lin.weight.detach().numpy()
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)): gain sqrt(2/6), bound gain*sqrt(3/fan_in)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound
    b = lin.bias.detach().numpy()
    assert np.abs(b).max() <= bound and b.std() > 0.4 * bound
    assert lin.weight.dtype == ember.float32 and lin.weight.requires_grad
    assert nn.Linear(2, 2, dtype=ember.float64).weight.dtype == ember.float64
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert nn.Linear(3, 0).weight.shape == (0, 3)


def test_bilinear():
    rng = np.random.default_rng(4)
    m = nn.Bilinear(3, 4, 2).double()
    x1, x2 = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    ref = np.einsum("ni,oij,nj->no", x1, m.weight.detach().numpy(), x2) + m.bias.detach().numpy()
    np.testing.assert_allclose(m(_t(x1), _t(x2)).detach().numpy(), ref, rtol=1e-12)
    assert repr(m) == "Bilinear(in1_features=3, in2_features=4, out_features=2, bias=True)"
    a, b = _t(x1[:2], True), _t(x2[:2], True)
    w, bias = _t(rng.standard_normal((2, 3, 4)), True), _t(rng.standard_normal(2), True)
    assert gradcheck(lambda a, b, w, bias: F.bilinear(a, b, w, bias), (a, b, w, bias))
    with pytest.raises(RuntimeError, match="bilinear"):
        m(_t(x1), _t(x2[:, :3]))


def test_identity_flatten_unflatten():
    x = ember.randn(2, 3, 4, 5)
    assert nn.Identity(1, foo=2)(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 1))(ember.randn(2, 3)).shape == (2, 3, 1)
    assert nn.Unflatten(-1, [2, -1])(ember.randn(2, 6)).shape == (2, 2, 3)
    assert repr(nn.Unflatten(1, [2, 3])) == "Unflatten(dim=1, unflattened_size=[2, 3])"
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found element of type float"):
        nn.Unflatten(1, (2, 3.0))
    with pytest.raises(RuntimeError):
        nn.Unflatten(1, (4, 4))(ember.randn(2, 6))


def _np_gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    from math import erf
    return 0.5 * x * (1 + np.vectorize(erf)(x / math.sqrt(2)))


# (module, numpy forward, numpy derivative) with PyTorch's boundary rules for the derivative.
ACTIVATIONS = {
    "relu": (nn.ReLU(), lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0),
    "relu6": (nn.ReLU6(), lambda x: np.clip(x, 0, 6), lambda x: ((x > 0) & (x < 6)) * 1.0),
    "hardtanh": (nn.Hardtanh(-2.0, 1.5), lambda x: np.clip(x, -2, 1.5), lambda x: ((x > -2) & (x < 1.5)) * 1.0),
    "leaky_relu": (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x), lambda x: np.where(x > 0, 1.0, 0.2)),
    "elu": (nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
            lambda x: np.where(x > 0, 1.0, 0.7 * np.exp(x))),
    "softplus": (nn.Softplus(2.0, 10.0), lambda x: np.where(2 * x > 10, x, np.log1p(np.exp(2 * x)) / 2),
                 lambda x: np.where(2 * x > 10, 1.0, 1 / (1 + np.exp(-2 * x)))),
    "silu": (nn.SiLU(), lambda x: x / (1 + np.exp(-x)), None),
    "tanh": (nn.Tanh(), np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "sigmoid": (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    "gelu": (nn.GELU(), lambda x: _np_gelu(x, "none"), None),
    "gelu_tanh": (nn.GELU("tanh"), lambda x: _np_gelu(x, "tanh"), None),
}

# random values plus the boundary points of every activation above
POINTS = np.concatenate([np.random.default_rng(5).standard_normal(40) * 4,
                         [0.0, 6.0, -2.0, 1.5, 5.0, 5.000001, 30.0, -30.0, 100.0, -0.0]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_activation_forward_and_gradient(name, dtype):
    mod, fwd, deriv = ACTIVATIONS[name]
    x = _t(POINTS).to(dtype).requires_grad_()
    y = mod(x)
    assert y.dtype == dtype and y.shape == x.shape
    tol = 1e-12 if dtype == ember.float64 else 2e-6
    np.testing.assert_allclose(y.detach().to(ember.float64).numpy(), fwd(POINTS), rtol=tol * 10, atol=tol)
    if deriv is not None:
        y.sum().backward()
        np.testing.assert_allclose(x.grad.to(ember.float64).numpy(), deriv(POINTS), rtol=tol * 10, atol=tol)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradcheck(name):
    mod = ACTIVATIONS[name][0]
    # away from the kinks, where finite differences are not defined
    x = _t(np.array([[-3.1, -0.7, 0.4], [1.2, 2.3, 7.1]]), True)
    assert gradcheck(lambda t: mod(t), (x,))


def test_activation_large_inputs_have_finite_gradients():
    x = _t(np.array([100.0, 1000.0, -1000.0]), True)
    (F.elu(x) + F.softplus(x)).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def test_elu_gradient_precision_and_second_order():
    x = _t(np.array([-40.0, -15.0, -0.5, 0.5]), True)
    F.elu(x, 1.5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.5 * math.exp(-40), 1.5 * math.exp(-15), 1.5 * math.exp(-0.5), 1.0],
                               rtol=1e-14)
    from ember.autograd import gradgradcheck
    for name in ("elu", "softplus", "leaky_relu", "hardtanh"):
        mod = ACTIVATIONS[name][0]
        assert gradgradcheck(lambda t: mod(t), (_t(np.array([[-3.1, -0.7, 0.4], [1.2, 2.3, 7.1]]), True),))


def test_inplace_activations():
    for fn in (lambda t: F.relu(t, inplace=True), lambda t: F.leaky_relu(t, 0.1, inplace=True),
               lambda t: F.elu(t, inplace=True), lambda t: F.hardtanh(t, inplace=True),
               lambda t: F.relu6(t, inplace=True), lambda t: F.silu(t, inplace=True)):
        x = _t(np.array([-2.0, -0.5, 0.5, 3.0, 7.0]), True)
        h = x * 1
        out = fn(h)
        assert out is h
        out.sum().backward()
        assert x.grad is not None
    x = _t(np.array([-1.0, 2.0]))
    assert nn.ReLU(inplace=True)(x) is x and x.numpy().tolist() == [0.0, 2.0]


def test_softmax_modules():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((3, 4))
    e = np.exp(a - a.max(1, keepdims=True))
    ref = e / e.sum(1, keepdims=True)
    np.testing.assert_allclose(nn.Softmax(dim=1)(_t(a)).numpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(_t(a)).numpy(), np.log(ref), rtol=1e-12)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        np.testing.assert_allclose(F.softmax(_t(a)).numpy(), ref, rtol=1e-12)
    assert gradcheck(lambda t: nn.LogSoftmax(0)(t), (_t(a, True),))
    assert F.softmax(_t(a).float(), -1, dtype=ember.float64).dtype == ember.float64


def test_activation_reprs_match_pytorch():
    got = [repr(m) for m in (nn.ReLU(), nn.ReLU(True), nn.ReLU6(), nn.ReLU6(True), nn.Hardtanh(),
                             nn.Hardtanh(-2, 3, True), nn.LeakyReLU(), nn.LeakyReLU(0.2, True), nn.ELU(),
                             nn.ELU(0.5, True), nn.GELU(), nn.GELU("tanh"), nn.SiLU(), nn.SiLU(True), nn.Tanh(),
                             nn.Sigmoid(), nn.Softmax(), nn.Softmax(1), nn.LogSoftmax(-1), nn.Softplus(),
                             nn.Softplus(2, 10), nn.Identity(), nn.Flatten())]
    assert got == [
        "ReLU()", "ReLU(inplace=True)", "ReLU6()", "ReLU6(inplace=True)", "Hardtanh(min_val=-1.0, max_val=1.0)",
        "Hardtanh(min_val=-2, max_val=3, inplace=True)", "LeakyReLU(negative_slope=0.01)",
        "LeakyReLU(negative_slope=0.2, inplace=True)", "ELU(alpha=1.0)", "ELU(alpha=0.5, inplace=True)",
        "GELU(approximate='none')", "GELU(approximate='tanh')", "SiLU()", "SiLU(inplace=True)", "Tanh()",
        "Sigmoid()", "Softmax(dim=None)", "Softmax(dim=1)", "LogSoftmax(dim=-1)",
        "Softplus(beta=1.0, threshold=20.0)", "Softplus(beta=2, threshold=10)", "Identity()",
        "Flatten(start_dim=1, end_dim=-1)"]
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(ember.zeros(1), 2.0, 1.0)
    with pytest.raises(ValueError, match=r"max_val \(1\) must be greater than min_val \(2\)"):
        nn.Hardtanh(2, 1)


def test_mlp_trains():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    x = ember.randn(64, 4)
    y = (x * ember.tensor([1.0, -2.0, 0.5, 3.0])).sum(1, keepdim=True)
    first = None
    for _ in range(200):
        model.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        with ember.no_grad():
            for p in model.parameters():
                p -= 0.05 * p.grad
        first = first if first is not None else loss.item()
    assert loss.item() < 0.05 * first


def test_module_argument_helpers():
    from ember.nn.modules.utils import _list_with_default, _pair, _reverse_repeat_tuple, _single, _triple
    assert _pair(3) == (3, 3) and _pair((1, 2)) == (1, 2) and _single(2) == (2,) and _triple([1, 2, 3]) == (1, 2, 3)
    assert _reverse_repeat_tuple((1, 2), 2) == (2, 2, 1, 1)
    assert _list_with_default([None, 4], [8, 3, 5, 6]) == [5, 4] and _list_with_default(3, [1, 2]) == 3
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        _list_with_default([None, 4], [5, 6])
