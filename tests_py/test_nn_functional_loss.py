"""ember.nn.functional losses: values against numpy in float64 for every reduction (cross_entropy with
class indices and probabilities, ignore_index, label_smoothing, weight, K-dim inputs; nll_loss; the
pointwise losses), gradcheck of each, float32 fused cross entropy against float64, meta shapes and
PyTorch's errors."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def T(a, dtype=None, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a))
    if dtype is not None:
        t = t.to(dtype)
    return t.requires_grad_() if grad else t


def reduce(loss, reduction, total=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if total is None else total)


def np_log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def np_cross_entropy(x, t, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """PyTorch's definition over (N, C, *) logits and (N, *) class indices."""
    c = x.shape[1]
    logp = np_log_softmax(x, 1)
    w = np.ones(c) if weight is None else weight
    keep = t != ignore_index
    tc = np.where(keep, t, 0)
    picked = np.take_along_axis(logp, tc[:, None], 1)[:, 0]
    wt = w[tc] * keep
    nll = -picked * wt
    smooth = -(logp * w.reshape((1, c) + (1,) * (x.ndim - 2))).sum(1) * keep
    loss = (1 - label_smoothing) * nll + label_smoothing / c * smooth
    return reduce(loss, reduction, wt.sum())


CE_CASES = [  # (logits shape, kwargs)
    ((5, 7), {}),
    ((6, 4), dict(weight=True)),
    ((6, 4), dict(ignore_index=2)),
    ((6, 5), dict(label_smoothing=0.2)),
    ((6, 5), dict(label_smoothing=0.3, weight=True, ignore_index=1)),
    ((3, 4, 5), dict(weight=True)),  # K-dim: (N, C, d1)
    ((2, 3, 4, 2), dict(label_smoothing=0.1, ignore_index=0)),
]


def _ce_inputs(shape, kw):
    x = rng.standard_normal(shape)
    t = rng.integers(0, shape[1], size=(shape[0],) + shape[2:])
    w = rng.uniform(0.5, 2, size=shape[1]) if kw.get("weight") else None
    kw = dict(kw, weight=w)
    return x, t, w, kw


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,kw", CE_CASES)
def test_cross_entropy_class_indices(shape, kw, reduction):
    x, t, w, kw = _ce_inputs(shape, kw)
    ref = np_cross_entropy(x, t, reduction=reduction, **kw)
    ekw = dict(kw, weight=None if w is None else T(w))
    got = F.cross_entropy(T(x), T(t), reduction=reduction, **ekw)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-10, atol=1e-12)
    got32 = F.cross_entropy(T(x, ember.float32), T(t), reduction=reduction,
                            **dict(kw, weight=None if w is None else T(w, ember.float32)))
    assert got32.dtype == ember.float32
    np.testing.assert_allclose(got32.to(ember.float64).numpy(), ref, rtol=1e-5, atol=1e-5)
    xg = T(x, grad=True)
    assert gradcheck(lambda a: F.cross_entropy(a, T(t), reduction=reduction, **ekw), (xg,))


def test_cross_entropy_float32_gradient_matches_float64():
    x, t = rng.standard_normal((64, 300)) * 3, rng.integers(0, 300, size=64)
    grads = []
    for dt in (ember.float64, ember.float32):
        xe = T(x, dt, grad=True)
        F.cross_entropy(xe, T(t), label_smoothing=0.1).backward()
        grads.append(xe.grad.to(ember.float64).numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-7)
    # the fused gradient is softmax - one_hot, scaled: each row sums to 0
    np.testing.assert_allclose(grads[0].sum(1), 0, atol=1e-15)


def test_cross_entropy_unbatched_and_all_ignored():
    x, t = rng.standard_normal(5), 3
    ref = -np_log_softmax(x, 0)[t]
    np.testing.assert_allclose(F.cross_entropy(T(x), ember.tensor(t)).numpy(), ref, rtol=1e-12)
    got = F.cross_entropy(T(rng.standard_normal((3, 4))), T(np.array([-100, -100, -100])))
    assert np.isnan(got.item())  # 0 / 0, as PyTorch


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities(reduction):
    x = rng.standard_normal((4, 5, 3))
    p = rng.uniform(0, 1, size=(4, 5, 3))
    p /= p.sum(1, keepdims=True)
    w = rng.uniform(0.5, 2, size=5)
    for ls in (0.0, 0.2):
        q = p * (1 - ls) + ls / 5
        loss = -(np_log_softmax(x, 1) * q * w[None, :, None]).sum(1)
        ref = loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.sum() / 12
        got = F.cross_entropy(T(x), T(p), weight=T(w), reduction=reduction, label_smoothing=ls)
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-10)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, reduction=reduction, label_smoothing=0.1),
                     (T(x, grad=True), T(p, grad=True)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    for shape in ((6, 4), (3, 4, 2, 2)):
        logp = np_log_softmax(rng.standard_normal(shape), 1)
        t = rng.integers(0, shape[1], size=(shape[0],) + shape[2:])
        t.flat[0] = 1
        w = rng.uniform(0.5, 2, size=shape[1])
        keep = t != 1
        tc = np.where(keep, t, 0)
        wt = w[tc] * keep
        loss = -np.take_along_axis(logp, tc[:, None], 1)[:, 0] * wt
        ref = reduce(loss, reduction, wt.sum())
        got = F.nll_loss(T(logp), T(t), weight=T(w), ignore_index=1, reduction=reduction)
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
        assert gradcheck(lambda a: F.nll_loss(a, T(t), weight=T(w), ignore_index=1, reduction=reduction),
                         (T(logp, grad=True),))
    x4, t3 = T(rng.standard_normal((2, 3, 2, 2))), T(rng.integers(0, 3, size=(2, 2, 2)))
    np.testing.assert_allclose(ember.nll_loss2d(x4, t3).numpy(), ember.nll_loss(x4, t3).numpy())
    np.testing.assert_allclose(ember.nll_loss_nd(x4, t3).numpy(), ember.nll_loss(x4, t3).numpy())


def test_nll_loss_forward_and_backward_ops():
    x, t = T(rng.standard_normal((4, 3))), T(np.array([0, 2, 1, 2]))
    out, total = ember.nll_loss_forward(x, t, None, 1, -100)
    np.testing.assert_allclose(out.numpy(), -x.numpy()[np.arange(4), t.numpy()].mean())
    assert total.item() == 4
    g = ember.nll_loss_backward(ember.tensor(1.0, dtype=ember.float64), x, t, None, 1, -100, total)
    ref = np.zeros((4, 3))
    ref[np.arange(4), t.numpy()] = -0.25
    np.testing.assert_allclose(g.numpy(), ref)
    out, lse, total = ember._C._cross_entropy_forward(x, t, None, 2, -100, 0.0)
    np.testing.assert_allclose(lse.numpy(), np.log(np.exp(x.numpy()).sum(1)))
    g = ember._C._cross_entropy_backward(ember.tensor(1.0, dtype=ember.float64), x, t, None, 2, -100, 0.0, lse, total)
    sm = np.exp(np_log_softmax(x.numpy(), 1))
    sm[np.arange(4), t.numpy()] -= 1
    np.testing.assert_allclose(g.numpy(), sm, atol=1e-12)


def test_class_loss_meta_shapes():
    x = ember.empty(8, 10, device="meta", requires_grad=True)
    t = ember.empty(8, dtype=ember.int64, device="meta")
    loss = F.cross_entropy(x, t)
    assert loss.is_meta and loss.shape == ()
    loss.backward()
    assert x.grad.is_meta and tuple(x.grad.shape) == (8, 10)
    assert tuple(F.nll_loss(ember.empty(2, 3, 4, device="meta"), ember.empty(2, 4, dtype=ember.int64, device="meta"),
                            reduction="none").shape) == (2, 4)


def test_class_loss_errors():
    x = T(rng.standard_normal((3, 4)))
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        F.cross_entropy(x, T(np.array([0, 4, 1])))
    with pytest.raises(IndexError, match="Target -1 is out of bounds."):
        F.nll_loss(x, T(np.array([0, -1, 1])))
    with pytest.raises(RuntimeError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.cross_entropy(x, T(np.array([0, 1])))
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 4 classes or no classes "
                                           r"but got weight tensor of shape: \[3\]"):
        F.cross_entropy(x, T(np.array([0, 1, 2])), weight=T(np.ones(3)))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 5\], got \[2, 4\]"):
        F.cross_entropy(T(rng.standard_normal((2, 3, 5))), T(np.zeros((2, 4), dtype=np.int64)))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.cross_entropy(x, T(np.array([0, 1, 2])), reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, T(np.array([0, 1, 2])), label_smoothing=1.5)


def _pointwise_cases():
    d = lambda x, y: x - y  # noqa: E731
    return {
        "mse_loss": (F.mse_loss, {}, lambda x, y: d(x, y) ** 2),
        "l1_loss": (F.l1_loss, {}, lambda x, y: np.abs(d(x, y))),
        "smooth_l1_loss": (F.smooth_l1_loss, dict(beta=0.5),
                           lambda x, y: np.where(np.abs(d(x, y)) < 0.5, 0.5 * d(x, y) ** 2 / 0.5, np.abs(d(x, y)) - 0.25)),
        "huber_loss": (F.huber_loss, dict(delta=0.7),
                       lambda x, y: np.where(np.abs(d(x, y)) < 0.7, 0.5 * d(x, y) ** 2, 0.7 * (np.abs(d(x, y)) - 0.35))),
    }


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(_pointwise_cases()))
def test_pointwise_losses(name, reduction):
    fn, kw, ref = _pointwise_cases()[name]
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    got = fn(T(x), T(y), reduction=reduction, **kw)
    np.testing.assert_allclose(got.numpy(), reduce(ref(x, y), reduction), rtol=1e-12)
    assert gradcheck(lambda a, b: fn(a, b, reduction=reduction, **kw), (T(x, grad=True), T(y, grad=True)))
    assert getattr(ember, name)(T(x), T(y)).shape == ()  # the schema op, mean by default


def test_smooth_l1_beta_zero_is_l1():
    x, y = T(rng.standard_normal(6)), T(rng.standard_normal(6))
    np.testing.assert_allclose(F.smooth_l1_loss(x, y, beta=0.0).numpy(), F.l1_loss(x, y).numpy())


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p, t, w = rng.uniform(0.05, 0.95, (3, 4)), rng.uniform(0, 1, (3, 4)), rng.uniform(0.5, 2, (3, 4))
    ref = -(t * np.log(p) + (1 - t) * np.log(1 - p)) * w
    got = F.binary_cross_entropy(T(p), T(t), weight=T(w), reduction=reduction)
    np.testing.assert_allclose(got.numpy(), reduce(ref, reduction), rtol=1e-12)
    assert gradcheck(lambda a: F.binary_cross_entropy(a, T(t), reduction=reduction), (T(p, grad=True),))
    assert np.isfinite(F.binary_cross_entropy(T(np.array([0.0, 1.0])), T(np.array([1.0, 0.0]))).item())
    with pytest.raises(ValueError, match="Using a target size"):
        F.binary_cross_entropy(T(p), T(t[0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    x, t = rng.standard_normal((3, 4)) * 3, rng.uniform(0, 1, (3, 4))
    w, pw = rng.uniform(0.5, 2, (3, 4)), rng.uniform(0.5, 2, 4)
    s = 1 / (1 + np.exp(-x))
    ref = -(pw * t * np.log(s) + (1 - t) * np.log(1 - s)) * w
    got = F.binary_cross_entropy_with_logits(T(x), T(t), weight=T(w), pos_weight=T(pw), reduction=reduction)
    np.testing.assert_allclose(got.numpy(), reduce(ref, reduction), rtol=1e-10)
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=T(pw), reduction=reduction),
                     (T(x, grad=True), T(t, grad=True)))
    big = F.binary_cross_entropy_with_logits(T(np.array([200.0, -200.0])), T(np.array([0.0, 1.0])), reduction="none")
    np.testing.assert_allclose(big.numpy(), [200.0, 200.0])  # stable for large logits


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
def test_kl_div(reduction):
    x = np_log_softmax(rng.standard_normal((3, 4)), 1)
    t = np.exp(np_log_softmax(rng.standard_normal((3, 4)), 1))
    t[0, 0] = 0.0  # 0 log 0 = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.where(t > 0, t * np.log(np.where(t > 0, t, 1)), 0) - t * x
    want = ref.sum() / 3 if reduction == "batchmean" else reduce(ref, reduction)
    np.testing.assert_allclose(F.kl_div(T(x), T(t), reduction=reduction).numpy(), want, rtol=1e-12)
    lt = np.log(np.where(t > 0, t, 1e-3))
    ref_log = np.exp(lt) * (lt - x)
    want = ref_log.sum() / 3 if reduction == "batchmean" else reduce(ref_log, reduction)
    np.testing.assert_allclose(F.kl_div(T(x), T(lt), reduction=reduction, log_target=True).numpy(), want, rtol=1e-12)
    assert gradcheck(lambda a: F.kl_div(a, T(t), reduction=reduction), (T(x, grad=True),))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_losses_double_backward(reduction):
    """create_graph=True: the gradients are built from differentiable ops (gradgradcheck)."""
    from ember.autograd import gradgradcheck
    x = T(rng.standard_normal((4, 3, 2)), grad=True)
    t = T(np.array([[0, 2], [1, -100], [2, 2], [0, 1]]))
    w = T(rng.uniform(0.5, 2, 3))
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, weight=w, reduction=reduction, label_smoothing=0.2), (x,))
    assert gradgradcheck(lambda a: F.nll_loss(a, t, weight=w, reduction=reduction), (x,))
    xs = T(rng.standard_normal(5), grad=True)  # unbatched
    assert gradgradcheck(lambda a: F.cross_entropy(a, ember.tensor(3)), (xs,))
