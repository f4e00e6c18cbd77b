"""ember.nn.functional activations (relu6, leaky_relu, elu, softplus, hardtanh), dropout / dropout2d,
embedding, one_hot, pad and interpolate: values against numpy in float64, gradcheck, meta shapes and
PyTorch's errors."""
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


ACTIVATIONS = {  # name -> (ember call, numpy reference)
    "relu6": (lambda x: F.relu6(x), lambda x: np.clip(x, 0, 6)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (lambda x: F.elu(x, 1.5), lambda x: np.where(x > 0, x, 1.5 * np.expm1(x))),
    "softplus": (lambda x: F.softplus(x, 2.0, 3.0), lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2)),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: np.clip(x, -0.5, 2.0)),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations(name):
    fn, ref = ACTIVATIONS[name]
    x = rng.uniform(-8, 8, size=(5, 7))
    np.testing.assert_allclose(fn(T(x)).numpy(), ref(x), rtol=1e-12)
    np.testing.assert_allclose(fn(T(x, ember.float32)).to(ember.float64).numpy(), ref(x), rtol=1e-5, atol=1e-6)
    xs = x[np.abs(x - np.round(x)) > 0.05]  # away from the kinks
    assert gradcheck(fn, (T(xs, grad=True),))
    assert fn(ember.empty(2, 3, device="meta")).is_meta


def test_activations_inplace():
    x = rng.uniform(-8, 8, size=(3, 4))
    for name, ref in (("relu6", lambda v: np.clip(v, 0, 6)), ("hardtanh", lambda v: np.clip(v, -1, 1)),
                      ("leaky_relu", lambda v: np.where(v > 0, v, 0.01 * v)),
                      ("elu", lambda v: np.where(v > 0, v, np.expm1(v)))):
        y = T(x.copy())
        out = getattr(F, name)(y, inplace=True)
        np.testing.assert_allclose(out.numpy(), ref(x), rtol=1e-12)
        np.testing.assert_allclose(y.numpy(), ref(x), rtol=1e-12)


def test_activation_ops_in_cpp_names():
    x = T(rng.standard_normal(6))
    np.testing.assert_allclose(ember.relu6(x).numpy(), np.clip(x.numpy(), 0, 6))
    np.testing.assert_allclose(ember.leaky_relu(x).numpy(), np.where(x.numpy() > 0, x.numpy(), 0.01 * x.numpy()))
    np.testing.assert_allclose(ember.elu(x, 1.0, 2.0, 0.5).numpy(),
                               2 * np.where(x.numpy() > 0, x.numpy(), np.expm1(0.5 * x.numpy())), rtol=1e-12)
    np.testing.assert_allclose(ember.softplus(T(np.array([30.0, 0.0]))).numpy(), [30.0, np.log(2)])
    np.testing.assert_allclose(ember.hardtanh(x).numpy(), np.clip(x.numpy(), -1, 1))


def test_dropout():
    ember.manual_seed(0)
    x = T(np.ones((200, 50)))
    y = F.dropout(x, 0.3)
    v = y.numpy()
    assert set(np.unique(v)) <= {0.0, 1 / 0.7}
    assert abs((v == 0).mean() - 0.3) < 0.03
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 0.0).numpy().min() == 1.0
    assert F.dropout(x, 1.0).numpy().max() == 0.0
    ember.manual_seed(1)
    a = F.dropout(x, 0.5).numpy()
    ember.manual_seed(1)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)  # the Philox generator: reproducible
    xg = T(rng.standard_normal((4, 5)), grad=True)
    ember.manual_seed(2)
    out = F.dropout(xg, 0.4)
    out.backward(ember.ones_like(out))
    np.testing.assert_allclose(xg.grad.numpy(), (out.detach().numpy() != 0) / 0.6)
    ember.manual_seed(3)
    assert ember.dropout(x, 0.5, True).shape == x.shape
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5)


def test_dropout2d_zeroes_whole_channels():
    ember.manual_seed(0)
    x = T(np.ones((8, 16, 3, 3)))
    v = F.dropout2d(x, 0.5).numpy()
    per_channel = v.reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0 < (per_channel == 0).all(-1).sum() < 128
    assert F.dropout2d(T(np.ones((16, 3, 3))), 0.5).shape == (16, 3, 3)
    assert ember.feature_dropout(x, 0.5, False).numpy().min() == 1.0
    assert F.dropout1d(T(np.ones((4, 6, 5))), 0.5).shape == (4, 6, 5)


def test_embedding():
    w = rng.standard_normal((10, 3))
    idx = np.array([[1, 2, 4], [4, 3, 9]])
    out = F.embedding(T(idx), T(w))
    np.testing.assert_allclose(out.numpy(), w[idx])
    wg = T(w, grad=True)
    F.embedding(T(idx), wg, padding_idx=4).sum().backward()
    want = np.zeros((10, 3))
    for i in idx.ravel():
        if i != 4:
            want[i] += 1
    np.testing.assert_allclose(wg.grad.numpy(), want)
    wg2 = T(w, grad=True)
    F.embedding(T(idx), wg2, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(wg2.grad.numpy()[4], [1, 1, 1])  # twice, divided by its count
    assert gradcheck(lambda a: F.embedding(T(idx), a), (T(w, grad=True),))
    g = ember._C._embedding_backward(T(np.ones((2, 3, 3))), T(idx), [10, 3], 2, False)
    assert g.numpy()[2].sum() == 0 and g.numpy()[4].sum() == 6
    assert ember.embedding(T(w), T(np.array([0]))).shape == (1, 3)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(T(np.array([10])), T(w))
    e = F.embedding(ember.empty(4, 5, dtype=ember.int64, device="meta"), ember.empty(10, 3, device="meta"))
    assert e.is_meta and tuple(e.shape) == (4, 5, 3)


def test_one_hot():
    t = np.array([[0, 2], [1, 3]])
    np.testing.assert_array_equal(F.one_hot(T(t)).numpy(), np.eye(4, dtype=np.int64)[t])
    got = F.one_hot(T(t), 6)
    assert got.dtype == ember.int64 and tuple(got.shape) == (2, 2, 6)
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(T(t), 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        F.one_hot(T(np.array([-1, 0])), 3)
    assert tuple(ember.one_hot(ember.empty(3, dtype=ember.int64, device="meta"), 5).shape) == (3, 5)
    with pytest.raises(NotImplementedError):
        F.one_hot(ember.empty(3, dtype=ember.int64, device="meta"))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad(mode):
    x = rng.standard_normal((2, 3, 4, 5))
    pads = (2, 1, 1, 3)
    np_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    ref = np.pad(x, ((0, 0), (0, 0), (1, 3), (2, 1)), mode=np_mode)
    np.testing.assert_allclose(F.pad(T(x), pads, mode=mode).numpy(), ref)
    assert gradcheck(lambda a: F.pad(a, pads, mode=mode), (T(x, grad=True),))
    np.testing.assert_allclose(F.pad(T(x[0]), (1, 2), mode=mode).numpy(),
                               np.pad(x[0], ((0, 0), (0, 0), (1, 2)), mode=np_mode))


def test_constant_pad_nd():
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(ember.constant_pad_nd(T(x), [1, 2], 7.0).numpy(),
                               np.pad(x, ((0, 0), (1, 2)), constant_values=7.0))
    np.testing.assert_allclose(ember.constant_pad_nd(T(x), [-1, 0, 1, 1]).numpy(),
                               np.pad(x[:, 1:], ((1, 1), (0, 0))))  # negative pads crop
    assert F.pad(T(x), (1, 1), value=2.5).numpy()[0, 0] == 2.5
    assert gradcheck(lambda a: ember.constant_pad_nd(a, [-1, 2, 0, 1]), (T(x, grad=True),))
    with pytest.raises(RuntimeError, match="Length of pad must be even but instead it equals 3"):
        ember.constant_pad_nd(T(x), [1, 2, 3])
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input dimension"):
        F.pad(T(x[None]), (4, 0), mode="reflect")
    assert tuple(ember.constant_pad_nd(ember.empty(2, 3, device="meta"), [1, 1]).shape) == (2, 5)


def np_nearest(x, oh, ow):
    h, w = x.shape[-2:]
    ri = np.minimum(np.floor(np.arange(oh) * (h / oh)).astype(int), h - 1)
    ci = np.minimum(np.floor(np.arange(ow) * (w / ow)).astype(int), w - 1)
    return x[..., ri, :][..., ci]


def np_bilinear(x, oh, ow, align_corners):
    def axis(n_in, n_out):
        d = np.arange(n_out, dtype=float)
        if align_corners:
            s = d * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0)
        else:
            s = np.maximum((d + 0.5) * (n_in / n_out) - 0.5, 0)
        i0 = np.minimum(np.floor(s).astype(int), n_in - 1)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, s - i0
    r0, r1, rl = axis(x.shape[-2], oh)
    c0, c1, cl = axis(x.shape[-1], ow)
    a = x[..., r0, :] * (1 - rl)[:, None] + x[..., r1, :] * rl[:, None]
    return a[..., c0] * (1 - cl) + a[..., c1] * cl


def test_interpolate():
    x = rng.standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(F.interpolate(T(x), size=(7, 3)).numpy(), np_nearest(x, 7, 3))
    np.testing.assert_allclose(F.interpolate(T(x), scale_factor=2).numpy(), x.repeat(2, -2).repeat(2, -1))
    for ac in (False, True):
        np.testing.assert_allclose(F.interpolate(T(x), size=(6, 8), mode="bilinear", align_corners=ac).numpy(),
                                   np_bilinear(x, 6, 8, ac), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a: F.interpolate(a, size=(6, 7), mode="bilinear"), (T(x, grad=True),))
    assert gradcheck(lambda a: F.interpolate(a, scale_factor=2), (T(x, grad=True),))
    np.testing.assert_allclose(ember.upsample_nearest2d(T(x), [8, 10]).numpy(), x.repeat(2, -2).repeat(2, -1))
    assert ember.upsample_bilinear2d(T(x), [2, 2], False).shape == (2, 3, 2, 2)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(T(x))
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(T(x), size=4, mode="bicubic")
    assert tuple(F.interpolate(ember.empty(1, 2, 3, 3, device="meta"), scale_factor=2).shape) == (1, 2, 6, 6)
