"""nn.utils: clip_grad_norm_ / clip_grad_value_ against numpy, parameters_to_vector round trip."""
import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn.utils import (clip_grad_norm_, clip_grad_value_, get_total_norm, parameters_to_vector,
                            vector_to_parameters)


def _params_with_grads(seed, scale=1.0, dtype=ember.float32):
    rng = np.random.default_rng(seed)
    params = []
    for shape in [(3, 4), (5,), (2, 2, 2)]:
        p = nn.Parameter(ember.from_numpy(rng.standard_normal(shape)).to(dtype))
        p.grad = ember.from_numpy(rng.standard_normal(shape) * scale).to(dtype)
        params.append(p)
    params.append(nn.Parameter(ember.zeros(2)))  # no grad: skipped
    return params


def _np_norm(grads, norm_type):
    flat = np.concatenate([g.ravel() for g in grads])
    if norm_type == float("inf"):
        return np.abs(flat).max()
    return (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf"), "inf"])
@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_against_numpy(norm_type, foreach, max_norm):
    params = _params_with_grads(0, dtype=ember.float64)
    before = [p.grad.numpy().copy() for p in params if p.grad is not None]
    nt = float(norm_type)
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type, foreach=foreach)
    ref = _np_norm(before, nt)
    assert total.dim() == 0
    np.testing.assert_allclose(total.item(), ref, rtol=1e-12)
    coef = min(1.0, max_norm / (ref + 1e-6))
    for p, g in zip(params, before):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-12)
    if max_norm < ref:
        after = [p.grad.numpy() for p in params if p.grad is not None]
        assert _np_norm(after, nt) == pytest.approx(max_norm, rel=1e-5)


def test_clip_grad_norm_forms_and_errors():
    p = nn.Parameter(ember.ones(4))
    p.grad = ember.full((4,), 2.0)
    total = clip_grad_norm_(p, 1.0)  # a single tensor
    assert total.item() == pytest.approx(4.0)
    np.testing.assert_allclose(p.grad.numpy(), np.full(4, 2.0 / (4.0 + 1e-6)), rtol=1e-6)
    assert clip_grad_norm_([nn.Parameter(ember.ones(2))], 1.0).item() == 0.0  # no grads
    params = _params_with_grads(1)
    gen = (q for q in params)
    assert clip_grad_norm_(gen, 1.0).item() > 1.0  # a generator
    q = nn.Parameter(ember.ones(2))
    q.grad = ember.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is "
                                           "non-finite, so it cannot be clipped"):
        clip_grad_norm_([q], 1.0, error_if_nonfinite=True)
    q.grad = ember.tensor([float("inf"), 1.0])
    assert clip_grad_norm_([q], 1.0).item() == float("inf")
    assert get_total_norm([ember.tensor([3.0]), ember.tensor([4.0])]).item() == pytest.approx(5.0)


def test_clip_grad_norm_float32_and_model():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    (model(ember.randn(16, 4)) * 100).sum().backward()
    before = [p.grad.numpy().astype(np.float64) for p in model.parameters()]
    total = clip_grad_norm_(model.parameters(), 1.0)
    np.testing.assert_allclose(total.item(), _np_norm(before, 2.0), rtol=1e-5)
    after = [p.grad.numpy().astype(np.float64) for p in model.parameters()]
    assert _np_norm(after, 2.0) == pytest.approx(1.0, rel=1e-4)


def test_clip_grad_value():
    params = _params_with_grads(2, scale=3.0)
    before = [p.grad.numpy().copy() for p in params if p.grad is not None]
    clip_grad_value_(params, 1.5)
    for p, g in zip(params, before):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -1.5, 1.5))


def test_parameters_vector_round_trip():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (3 * 4 + 4 + 4 * 2 + 2,) and vec.dim() == 1
    ref = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    np.testing.assert_array_equal(vec.detach().numpy(), ref)
    new = ember.arange(vec.numel(), dtype=ember.float32)
    weights = [p for p in model.parameters()]
    vector_to_parameters(new, model.parameters())
    assert all(a is b for a, b in zip(model.parameters(), weights))
    np.testing.assert_array_equal(parameters_to_vector(model.parameters()).detach().numpy(), new.numpy())
    assert model[0].weight.shape == (4, 3) and model[0].weight.requires_grad
    np.testing.assert_array_equal(model[0].bias.detach().numpy(), np.arange(12, 16))
    with pytest.raises(TypeError, match="expected ember.Tensor, but got: list"):
        vector_to_parameters([1.0], model.parameters())
