"""ember.nn loss modules: forward equals nn.functional (and numpy for the pointwise losses) for every
reduction, float64 gradcheck, weight / pos_weight buffers (state_dict keys), the legacy size_average /
reduce arguments with PyTorch's warning, repr, and PyTorch's errors."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(2)


def T(a, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a, dtype=np.float64))
    return t.requires_grad_() if grad else t


def reduce_np(v, reduction):
    return {"none": v, "mean": v.mean(), "sum": v.sum()}[reduction]


POINTWISE = [
    (nn.L1Loss, {}, lambda x, y: np.abs(x - y)),
    (nn.MSELoss, {}, lambda x, y: (x - y) ** 2),
    (nn.HuberLoss, {"delta": 0.7},
     lambda x, y: np.where(np.abs(x - y) < 0.7, 0.5 * (x - y) ** 2, 0.7 * (np.abs(x - y) - 0.35))),
    (nn.SmoothL1Loss, {"beta": 0.5},
     lambda x, y: np.where(np.abs(x - y) < 0.5, 0.5 * (x - y) ** 2 / 0.5, np.abs(x - y) - 0.25)),
]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("cls,kw,ref", POINTWISE)
def test_pointwise_losses_against_numpy(cls, kw, ref, reduction):
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    out = cls(reduction=reduction, **kw)(T(x), T(y))
    np.testing.assert_allclose(out.detach().numpy(), reduce_np(ref(x, y), reduction), atol=1e-12)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_class_losses_equal_functional(reduction):
    x = T(rng.standard_normal((5, 4)))
    t = ember.tensor([0, 3, 1, 1, 2])
    w = T(rng.random(4) + 0.5)
    ce = nn.CrossEntropyLoss(weight=w, ignore_index=1, reduction=reduction, label_smoothing=0.1)
    assert ember.allclose(ce(x, t), F.cross_entropy(x, t, weight=w, ignore_index=1, reduction=reduction,
                                                    label_smoothing=0.1))
    lp = F.log_softmax(x, 1)
    nll = nn.NLLLoss(weight=w, reduction=reduction)
    assert ember.allclose(nll(lp, t), F.nll_loss(lp, t, weight=w, reduction=reduction))
    # numpy reference of the plain cross entropy
    xn = x.numpy()
    lse = np.log(np.exp(xn).sum(1))
    v = lse - xn[np.arange(5), t.numpy()]
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction=reduction)(x, t).numpy(), reduce_np(v, reduction),
                               atol=1e-12)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_binary_and_kl_losses(reduction):
    p = rng.random((3, 4)) * 0.9 + 0.05
    y = (rng.random((3, 4)) > 0.5).astype(np.float64)
    w = rng.random(4) + 0.5
    bce = nn.BCELoss(weight=T(w), reduction=reduction)(T(p), T(y))
    np.testing.assert_allclose(bce.numpy(), reduce_np(-w * (y * np.log(p) + (1 - y) * np.log(1 - p)), reduction),
                               atol=1e-12)
    z = rng.standard_normal((3, 4))
    pw = rng.random(4) + 0.5
    out = nn.BCEWithLogitsLoss(pos_weight=T(pw), reduction=reduction)(T(z), T(y))
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(out.numpy(), reduce_np(-(pw * y * np.log(s) + (1 - y) * np.log(1 - s)), reduction),
                               atol=1e-12)
    lp = np.log(rng.random((3, 4)) + 0.1)
    tq = rng.random((3, 4)) + 0.1
    kl = nn.KLDivLoss(reduction=reduction)(T(lp), T(tq))
    np.testing.assert_allclose(kl.numpy(), reduce_np(tq * (np.log(tq) - lp), reduction), atol=1e-12)
    kl_log = nn.KLDivLoss(reduction=reduction, log_target=True)(T(lp), T(np.log(tq)))
    np.testing.assert_allclose(kl_log.numpy(), reduce_np(tq * (np.log(tq) - lp), reduction), atol=1e-12)


def test_kl_div_batchmean():
    lp, tq = np.log(rng.random((4, 3)) + 0.1), rng.random((4, 3))
    out = nn.KLDivLoss(reduction="batchmean")(T(lp), T(tq))
    np.testing.assert_allclose(out.item(), (tq * (np.log(tq) - lp)).sum() / 4, atol=1e-12)


@pytest.mark.parametrize("make,kind", [
    (lambda: nn.L1Loss(), "real"), (lambda: nn.MSELoss(reduction="sum"), "real"),
    (lambda: nn.HuberLoss(delta=0.5), "real"), (lambda: nn.SmoothL1Loss(beta=0.3), "real"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=0.2), "class"),
    (lambda: nn.CrossEntropyLoss(weight=ember.tensor([1.0, 2.0, 0.5], dtype=ember.float64)), "class"),
    (lambda: nn.NLLLoss(reduction="sum"), "class"), (lambda: nn.BCELoss(), "prob"),
    (lambda: nn.BCEWithLogitsLoss(pos_weight=ember.tensor([2.0, 1.0, 0.5], dtype=ember.float64)), "logit"),
    (lambda: nn.KLDivLoss(reduction="batchmean"), "kl"),
])
def test_gradcheck_float64(make, kind):
    m = make()
    if kind == "class":
        x, t = T(rng.standard_normal((4, 3)), grad=True), ember.tensor([0, 2, 1, 2])
    elif kind == "prob":
        x, t = T(rng.random((4, 3)) * 0.8 + 0.1, grad=True), T((rng.random((4, 3)) > 0.5) * 1.0)
    elif kind == "logit":
        x, t = T(rng.standard_normal((4, 3)), grad=True), T((rng.random((4, 3)) > 0.5) * 1.0)
    elif kind == "kl":
        x, t = T(np.log(rng.random((4, 3)) + 0.1), grad=True), T(rng.random((4, 3)))
    else:
        x, t = T(rng.standard_normal((4, 3)), grad=True), T(rng.standard_normal((4, 3)))
    assert gradcheck(lambda inp: m(inp, t), (x,))
    if kind == "real":
        t.requires_grad_()
        assert gradcheck(lambda inp, tgt: m(inp, tgt), (x, t))


def test_repr_buffers_and_state_dict_keys():
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.CrossEntropyLoss(weight=ember.ones(3))) == "CrossEntropyLoss()"
    assert list(nn.CrossEntropyLoss(weight=ember.ones(3)).state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert list(nn.BCEWithLogitsLoss(pos_weight=ember.ones(2)).state_dict()) == ["pos_weight"]
    assert list(nn.BCEWithLogitsLoss(weight=ember.ones(2), pos_weight=ember.ones(2)).state_dict()) == [
        "weight", "pos_weight"]
    m = nn.NLLLoss(weight=ember.ones(3)).double()
    assert m.weight.dtype == ember.float64
    assert nn.KLDivLoss(log_target=True).log_target and nn.HuberLoss().delta == 1.0
    assert nn.CrossEntropyLoss().ignore_index == -100 and nn.CrossEntropyLoss().label_smoothing == 0.0


@pytest.mark.parametrize("kw,expected", [
    ({"size_average": False}, "sum"), ({"reduce": False}, "none"), ({"size_average": True, "reduce": True}, "mean"),
])
def test_legacy_size_average_reduce(kw, expected):
    with pytest.warns(UserWarning, match=f"^size_average and reduce args will be deprecated, please use "
                                         f"reduction='{expected}' instead.$"):
        m = nn.MSELoss(**kw)
    assert m.reduction == expected
    with pytest.warns(UserWarning):
        assert nn.CrossEntropyLoss(**kw).reduction == expected


def test_loss_errors():
    with pytest.raises(ValueError, match="^avg is not a valid value for reduction$"):
        nn.MSELoss(reduction="avg")(ember.zeros(2), ember.zeros(2))
    with pytest.raises((RuntimeError, IndexError)):
        nn.CrossEntropyLoss()(ember.zeros(2, 3), ember.tensor([0, 5]))
    with pytest.warns(UserWarning, match="Using a target size"):
        nn.MSELoss()(ember.zeros(2, 1), ember.zeros(2))
