"""ember.nn.functional normalization (batch_norm with running stats in training and eval, layer_norm,
group_norm, normalize): values against numpy in float64, gradcheck of input, weight and bias, meta shapes
and PyTorch's errors."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(0)


def T(a, dtype=None, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a))
    if dtype is not None:
        t = t.to(dtype)
    return t.requires_grad_() if grad else t


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (2, 3, 4, 4)])
def test_batch_norm_training_updates_running_stats(shape):
    x = rng.standard_normal(shape) * 2 + 1
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = np.zeros(3), np.ones(3)
    trm, trv = T(rm.copy()), T(rv.copy())
    axes = tuple(i for i in range(len(shape)) if i != 1)
    bshape = [1] * len(shape)
    bshape[1] = 3
    mean, var = x.mean(axes), x.var(axes)
    ref = (x - mean.reshape(bshape)) / np.sqrt(var.reshape(bshape) + 1e-5) * w.reshape(bshape) + b.reshape(bshape)
    got = F.batch_norm(T(x), trm, trv, T(w), T(b), training=True, momentum=0.2)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-10, atol=1e-12)
    n = x.size / 3
    np.testing.assert_allclose(trm.numpy(), 0.8 * rm + 0.2 * mean, rtol=1e-12)
    np.testing.assert_allclose(trv.numpy(), 0.8 * rv + 0.2 * var * n / (n - 1), rtol=1e-12)
    # eval mode uses the running stats
    ev = F.batch_norm(T(x), trm, trv, T(w), T(b), training=False)
    ref_ev = (x - trm.numpy().reshape(bshape)) / np.sqrt(trv.numpy().reshape(bshape) + 1e-5) * w.reshape(bshape) \
        + b.reshape(bshape)
    np.testing.assert_allclose(ev.numpy(), ref_ev, rtol=1e-10, atol=1e-12)
    f32 = F.batch_norm(T(x, ember.float32), None, None, T(w, ember.float32), T(b, ember.float32), training=True)
    np.testing.assert_allclose(f32.to(ember.float64).numpy(), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck(training):
    x = T(rng.standard_normal((3, 2, 2, 3)), grad=True)
    w, b = T(rng.standard_normal(2), grad=True), T(rng.standard_normal(2), grad=True)
    rm, rv = T(rng.standard_normal(2)), T(rng.uniform(0.5, 2, 2))
    # running stats are buffers: copies so each evaluation sees the same ones
    assert gradcheck(lambda a, c, d: F.batch_norm(a, rm.clone(), rv.clone(), c, d, training=training), (x, w, b))
    assert gradcheck(lambda a: F.batch_norm(a, None if training else rm, None if training else rv, training=training),
                     (x,))


def test_batch_norm_ops_and_errors():
    x = T(rng.standard_normal((4, 3)))
    out, mean, invstd = ember.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)
    np.testing.assert_allclose(mean.numpy(), x.numpy().mean(0))
    np.testing.assert_allclose(invstd.numpy(), 1 / np.sqrt(x.numpy().var(0) + 1e-5))
    g = T(rng.standard_normal((4, 3)))
    gi, gw, gb = ember._C._batch_norm_backward(g, x, None, mean, invstd, True)
    xr = T(x.numpy(), grad=True)
    ember.batch_norm(xr, None, None, None, None, True, 0.1, 1e-5, False).backward(g)
    np.testing.assert_allclose(gi.numpy(), xr.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(gb.numpy(), g.numpy().sum(0), atol=1e-12)
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, got input size \[1, 3\]"):
        F.batch_norm(T(rng.standard_normal((1, 3))), None, None, training=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        F.batch_norm(x, T(np.zeros(4)), T(np.ones(4)))
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(x, None, None, training=False)


@pytest.mark.parametrize("shape,norm", [((3, 5), (5,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), (4,))])
def test_layer_norm(shape, norm):
    x = rng.standard_normal(shape) * 3 + 2
    w, b = rng.standard_normal(norm), rng.standard_normal(norm)
    axes = tuple(range(len(shape) - len(norm), len(shape)))
    ref = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5) * w + b
    np.testing.assert_allclose(F.layer_norm(T(x), norm, T(w), T(b)).numpy(), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(F.layer_norm(T(x, ember.float32), norm, T(w, ember.float32),
                                            T(b, ember.float32)).to(ember.float64).numpy(), ref, rtol=1e-4, atol=1e-5)
    assert gradcheck(lambda a, c, d: F.layer_norm(a, norm, c, d), (T(x, grad=True), T(w, grad=True), T(b, grad=True)))
    assert gradcheck(lambda a: F.layer_norm(a, norm), (T(x, grad=True),))
    out, mean, rstd = ember.native_layer_norm(T(x), list(norm), None, None, 1e-5)
    assert tuple(mean.shape) == shape[:len(shape) - len(norm)] + (1,) * len(norm)
    gi, gw, gb = ember._C._layer_norm_backward(T(np.ones(shape)), T(x), list(norm), mean, rstd, None)
    np.testing.assert_allclose(gi.numpy(), 0, atol=1e-9)  # a constant gradient has no component through the norm


def test_layer_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but "
                                           r"got input of size\[2, 3\]"):
        F.layer_norm(T(np.zeros((2, 3))), 4)
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape as normalized_shape"):
        F.layer_norm(T(np.zeros((2, 3))), 3, weight=T(np.ones(2)))


def test_group_norm():
    x = rng.standard_normal((2, 6, 3, 2))
    w, b = rng.standard_normal(6), rng.standard_normal(6)
    g = x.reshape(2, 3, -1)
    ref = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(x.shape)
    ref = ref * w[None, :, None, None] + b[None, :, None, None]
    np.testing.assert_allclose(F.group_norm(T(x), 3, T(w), T(b)).numpy(), ref, rtol=1e-10, atol=1e-12)
    assert gradcheck(lambda a, c, d: F.group_norm(a, 3, c, d), (T(x, grad=True), T(w, grad=True), T(b, grad=True)))
    with pytest.raises(RuntimeError, match=r"Expected number of channels in input to be divisible by num_groups, but "
                                           r"got input of shape \[2, 6, 3, 2\] and num_groups=4"):
        F.group_norm(T(x), 4)


def test_normalize():
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(F.normalize(T(x)).numpy(), x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(F.normalize(T(x), p=1, dim=0).numpy(), x / np.abs(x).sum(0, keepdims=True), rtol=1e-12)
    assert F.normalize(T(np.zeros((2, 2)))).abs().sum().item() == 0
    assert gradcheck(lambda a: F.normalize(a), (T(x, grad=True),))


def test_norm_meta_shapes():
    x = ember.empty(4, 8, 5, 5, device="meta", requires_grad=True)
    w = ember.empty(8, device="meta", requires_grad=True)
    y = F.batch_norm(x, None, None, w, None, training=True)
    assert y.is_meta and tuple(y.shape) == (4, 8, 5, 5)
    y.sum().backward()
    assert tuple(w.grad.shape) == (8,)
    assert tuple(F.layer_norm(x, (5, 5)).shape) == (4, 8, 5, 5)
    assert tuple(F.group_norm(x, 2).shape) == (4, 8, 5, 5)


@pytest.mark.parametrize("case", ["batch_train", "batch_eval", "layer", "group"])
def test_norm_double_backward(case):
    """create_graph=True: the gradients are built from differentiable ops (gradgradcheck)."""
    from ember.autograd import gradgradcheck
    x = T(rng.standard_normal((3, 4, 2)), grad=True)
    w, b = T(rng.standard_normal(4), grad=True), T(rng.standard_normal(4), grad=True)
    rm, rv = T(rng.standard_normal(4)), T(rng.uniform(0.5, 2, 4))
    fns = {
        "batch_train": lambda a, c, d: F.batch_norm(a, None, None, c, d, training=True),
        "batch_eval": lambda a, c, d: F.batch_norm(a, rm, rv, c, d, training=False),
        "layer": lambda a, c, d: F.layer_norm(a.transpose(1, 2), 4, c, d),
        "group": lambda a, c, d: F.group_norm(a, 2, c, d),
    }
    assert gradgradcheck(fns[case], (x, w, b))
