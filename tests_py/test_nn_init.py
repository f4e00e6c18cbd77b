"""nn.init: fan computations, gains, and the statistics of every initializer under a seeded generator."""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn import init


def _gen(seed=0):
    g = ember.Generator()
    g.manual_seed(seed)
    return g


def test_fans():
    assert init._calculate_fan_in_and_fan_out(ember.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(ember.empty(16, 4, 3, 3)) == (36, 144)
    assert init._calculate_fan_in_and_fan_out(ember.empty(2, 3, 7)) == (21, 14)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2 dim"):
        init._calculate_fan_in_and_fan_out(ember.empty(3))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(ember.empty(3, 3), mode="fan_avg")


def test_gains():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 1) == pytest.approx(1.0)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def _stats(t):
    a = t.detach().to(ember.float64).numpy().ravel()
    return a, a.mean(), a.std()


def test_uniform_and_normal_with_generator():
    t = ember.empty(200, 500)
    init.uniform_(t, -2.0, 3.0, generator=_gen(1))
    a, mean, std = _stats(t)
    assert a.min() >= -2 and a.max() < 3 and abs(mean - 0.5) < 0.02 and abs(std - 5 / math.sqrt(12)) < 0.02
    t2 = ember.empty(200, 500)
    init.uniform_(t2, -2.0, 3.0, generator=_gen(1))
    assert np.array_equal(t.numpy(), t2.numpy())  # the generator makes it reproducible
    init.normal_(t, 1.0, 0.5, generator=_gen(2))
    a, mean, std = _stats(t)
    assert abs(mean - 1.0) < 0.005 and abs(std - 0.5) < 0.005


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 0.0, 10.0),
                                          (0.0, 1.0, 1.0, 3.0)])
def test_trunc_normal(mean, std, a, b):
    t = ember.empty(400, 500, dtype=ember.float64)
    init.trunc_normal_(t, mean, std, a, b, generator=_gen(3))
    x, m, s = _stats(t)
    assert x.min() >= a and x.max() <= b
    # moments of the truncated normal
    alpha, beta = (a - mean) / std, (b - mean) / std
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    Z = cdf(beta) - cdf(alpha)
    exp_mean = mean + (phi(alpha) - phi(beta)) / Z * std
    exp_var = std ** 2 * (1 + (alpha * phi(alpha) - beta * phi(beta)) / Z - ((phi(alpha) - phi(beta)) / Z) ** 2)
    assert abs(m - exp_mean) < 0.01 * std
    assert abs(s - math.sqrt(exp_var)) < 0.01 * std
    # a quantile check: the empirical CDF at the midpoint matches
    mid = (max(a, mean - 3 * std) + min(b, mean + 3 * std)) / 2
    assert abs((x <= mid).mean() - (cdf((mid - mean) / std) - cdf(alpha)) / Z) < 0.005


def test_trunc_normal_float32_and_warning():
    t = ember.empty(1000)
    init.trunc_normal_(t, generator=_gen(4))
    assert t.dtype == ember.float32 and float(t.abs().max()) <= 2.0
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(ember.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


def test_constant_ones_zeros_eye_dirac():
    t = ember.empty(3, 4)
    assert init.constant_(t, 2.5) is t and np.all(t.numpy() == 2.5)
    assert np.all(init.ones_(t).numpy() == 1) and np.all(init.zeros_(t).numpy() == 0)
    np.testing.assert_array_equal(init.eye_(ember.empty(3, 4)).numpy(), np.eye(3, 4))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(3))
    w = init.dirac_(ember.empty(4, 2, 3, 3))
    ref = np.zeros((4, 2, 3, 3))
    ref[0, 0, 1, 1] = ref[1, 1, 1, 1] = 1
    np.testing.assert_array_equal(w.numpy(), ref)
    w = init.dirac_(ember.empty(4, 2, 3), groups=2)
    ref = np.zeros((4, 2, 3))
    ref[0, 0, 1] = ref[1, 1, 1] = ref[2, 0, 1] = ref[3, 1, 1] = 1
    np.testing.assert_array_equal(w.numpy(), ref)
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(ember.empty(3, 3))


def test_xavier_and_kaiming_statistics():
    t = ember.empty(300, 200, 2)
    fan_in, fan_out = 400, 600
    init.xavier_uniform_(t, gain=2.0, generator=_gen(5))
    a, m, s = _stats(t)
    bound = 2.0 * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(a).max() <= bound and abs(s - bound / math.sqrt(3)) < 0.01 * bound
    init.xavier_normal_(t, generator=_gen(6))
    a, m, s = _stats(t)
    assert abs(s - math.sqrt(2 / (fan_in + fan_out))) < 0.005 * s * 10 and abs(m) < 0.01 * s
    init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", generator=_gen(7))
    a, m, s = _stats(t)
    bound = math.sqrt(2) * math.sqrt(3 / fan_out)
    assert np.abs(a).max() <= bound and abs(s - bound / math.sqrt(3)) < 0.01 * bound
    init.kaiming_normal_(t, a=0.1, generator=_gen(8))
    a, m, s = _stats(t)
    expected = math.sqrt(2 / 1.01) / math.sqrt(fan_in)
    assert abs(s - expected) < 0.01 * expected


def test_init_on_parameters_records_nothing():
    p = nn.Parameter(ember.empty(3, 3))
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_, init.zeros_, init.eye_,
               init.trunc_normal_):
        assert fn(p) is p
        assert p.is_leaf and p.grad_fn is None and p.requires_grad
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))


def test_orthogonal_not_implemented():
    with pytest.raises(NotImplementedError, match="orthogonal_ .*QR decomposition"):
        init.orthogonal_(ember.empty(3, 3))
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(ember.empty(3))
