"""ember.nn.functional pooling (max_pool1d/2d with indices, avg_pool1d/2d, adaptive_avg_pool1d/2d):
values against numpy windows in float64 (and float32), gradcheck, meta shapes and PyTorch's errors."""
import math

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


def out_size(n, k, s, p, d, ceil):
    num = n + 2 * p - d * (k - 1) - 1
    o = (math.ceil(num / s) if ceil else num // s) + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def np_max_pool2d(x, k, s, p, d, ceil):
    *lead, h, w = x.shape
    oh, ow = out_size(h, k[0], s[0], p[0], d[0], ceil), out_size(w, k[1], s[1], p[1], d[1], ceil)
    out = np.empty(tuple(lead) + (oh, ow))
    idx = np.empty(tuple(lead) + (oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            rows = [r for r in range(i * s[0] - p[0], i * s[0] - p[0] + d[0] * (k[0] - 1) + 1, d[0]) if 0 <= r < h]
            cols = [c for c in range(j * s[1] - p[1], j * s[1] - p[1] + d[1] * (k[1] - 1) + 1, d[1]) if 0 <= c < w]
            win = x[..., rows, :][..., cols].reshape(tuple(lead) + (-1,))
            a = win.argmax(-1)
            out[..., i, j] = np.take_along_axis(win, a[..., None], -1)[..., 0]
            flat = np.array([r * w + c for r in rows for c in cols])
            idx[..., i, j] = flat[a]
    return out, idx


def np_avg_pool2d(x, k, s, p, ceil, count_include_pad, divisor=None):
    *lead, h, w = x.shape
    oh, ow = out_size(h, k[0], s[0], p[0], 1, ceil), out_size(w, k[1], s[1], p[1], 1, ceil)
    out = np.empty(tuple(lead) + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * s[0] - p[0], j * s[1] - p[1]
            he, we = min(hs + k[0], h + p[0]), min(ws + k[1], w + p[1])
            pool = (he - hs) * (we - ws)
            hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            div = divisor or (pool if count_include_pad else (he - hs) * (we - ws))
            out[..., i, j] = x[..., hs:he, ws:we].sum((-1, -2)) / div
    return out


MAX_CASES = [  # (shape, kernel, stride, padding, dilation, ceil_mode)
    ((2, 3, 8, 7), (2, 2), None, (0, 0), (1, 1), False),
    ((2, 3, 9, 7), (3, 3), (2, 2), (1, 1), (1, 1), False),
    ((1, 2, 9, 9), (3, 2), (2, 3), (1, 0), (2, 1), True),
    ((3, 7, 6), (3, 3), (2, 2), (0, 1), (1, 1), True),  # unbatched
]


@pytest.mark.parametrize("shape,k,s,p,d,ceil", MAX_CASES)
def test_max_pool2d(shape, k, s, p, d, ceil):
    x = rng.standard_normal(shape)
    ref, ref_idx = np_max_pool2d(x, k, s or k, p, d, ceil)
    for dt, tol in ((ember.float64, 0), (ember.float32, 1e-6)):
        out, idx = F.max_pool2d(T(x, dt), k, s, p, d, ceil, return_indices=True)
        np.testing.assert_allclose(out.to(ember.float64).numpy(), ref, rtol=tol)
        np.testing.assert_array_equal(idx.numpy(), ref_idx)
        assert idx.dtype == ember.int64
    np.testing.assert_allclose(ember.max_pool2d(T(x), k, s or [], p, d, ceil).numpy(), ref)
    assert gradcheck(lambda a: F.max_pool2d(a, k, s, p, d, ceil), (T(x, grad=True),))


def test_max_pool2d_integers_and_nan():
    x = rng.integers(-50, 50, size=(2, 4, 4))
    np.testing.assert_array_equal(F.max_pool2d(T(x), 2).numpy(), np_max_pool2d(x.astype(float), (2, 2), (2, 2), (0, 0),
                                                                               (1, 1), False)[0])
    y = np.ones((1, 2, 2))
    y[0, 1, 0] = np.nan
    assert np.isnan(F.max_pool2d(T(y), 2).item())


def test_max_pool1d():
    x = rng.standard_normal((2, 3, 11))
    out, idx = F.max_pool1d(T(x), 3, 2, 1, return_indices=True)
    ref, ref_idx = np_max_pool2d(x[:, :, None], (1, 3), (1, 2), (0, 1), (1, 1), False)
    np.testing.assert_allclose(out.numpy(), ref[:, :, 0])
    np.testing.assert_array_equal(idx.numpy(), ref_idx[:, :, 0])
    np.testing.assert_allclose(ember.max_pool1d(T(x), 3, 2, 1).numpy(), ref[:, :, 0])
    assert ember.max_pool1d_with_indices(T(x), 2)[0].shape == (2, 3, 5)
    assert gradcheck(lambda a: F.max_pool1d(a, 3, 2, 1), (T(x, grad=True),))


AVG_CASES = [  # (shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    ((2, 3, 8, 7), (2, 2), None, (0, 0), False, True, None),
    ((2, 3, 9, 7), (3, 3), (2, 2), (1, 1), False, True, None),
    ((2, 3, 9, 7), (3, 3), (2, 2), (1, 1), True, False, None),
    ((1, 2, 6, 5), (3, 2), (2, 1), (1, 1), True, True, 5),
]


@pytest.mark.parametrize("shape,k,s,p,ceil,cip,div", AVG_CASES)
def test_avg_pool2d(shape, k, s, p, ceil, cip, div):
    x = rng.standard_normal(shape)
    ref = np_avg_pool2d(x, k, s or k, p, ceil, cip, div)
    got = F.avg_pool2d(T(x), k, s, p, ceil, cip, div)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(F.avg_pool2d(T(x, ember.float32), k, s, p, ceil, cip, div).to(ember.float64).numpy(),
                               ref, rtol=1e-5, atol=1e-6)
    assert gradcheck(lambda a: F.avg_pool2d(a, k, s, p, ceil, cip, div), (T(x, grad=True),))


def test_avg_pool1d():
    x = rng.standard_normal((2, 3, 10))
    got = F.avg_pool1d(T(x), 3, 2, 1, count_include_pad=False)
    ref = np_avg_pool2d(x[:, :, None], (1, 3), (1, 2), (0, 1), False, False)[:, :, 0]
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(ember.avg_pool1d(T(x), 2).numpy(), x.reshape(2, 3, 5, 2).mean(-1), rtol=1e-12)
    assert gradcheck(lambda a: F.avg_pool1d(a, 3, 2, 1), (T(x, grad=True),))


def np_adaptive(x, oh, ow):
    h, w = x.shape[-2:]
    out = np.empty(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            hs, he = (i * h) // oh, -((-(i + 1) * h) // oh)
            ws, we = (j * w) // ow, -((-(j + 1) * w) // ow)
            out[..., i, j] = x[..., hs:he, ws:we].mean((-1, -2))
    return out


@pytest.mark.parametrize("shape,out", [((2, 3, 7, 9), (3, 4)), ((3, 5, 5), (1, 1)), ((1, 2, 4, 6), (8, 5))])
def test_adaptive_avg_pool2d(shape, out):
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(F.adaptive_avg_pool2d(T(x), out).numpy(), np_adaptive(x, *out), rtol=1e-12)
    np.testing.assert_allclose(ember.adaptive_avg_pool2d(T(x), list(out)).numpy(), np_adaptive(x, *out), rtol=1e-12)
    assert gradcheck(lambda a: F.adaptive_avg_pool2d(a, out), (T(x, grad=True),))
    assert F.adaptive_avg_pool2d(T(x), (None, 2)).shape[-2:] == (shape[-2], 2)


def test_adaptive_avg_pool1d():
    x = rng.standard_normal((2, 3, 10))
    np.testing.assert_allclose(F.adaptive_avg_pool1d(T(x), 4).numpy(), np_adaptive(x[:, :, None], 1, 4)[:, :, 0],
                               rtol=1e-12)
    np.testing.assert_allclose(ember.adaptive_avg_pool1d(T(x), [1]).numpy(), x.mean(-1, keepdims=True), rtol=1e-12)
    assert gradcheck(lambda a: F.adaptive_avg_pool1d(a, 3), (T(x, grad=True),))


def test_pool_backward_ops():
    x = T(rng.standard_normal((1, 2, 4, 4)))
    out, idx = ember.max_pool2d_with_indices(x, [2, 2])
    g = ember.ones_like(out, dtype=ember.float64)
    gi = ember.max_pool2d_with_indices_backward(g, x, [2, 2], [2, 2], [0, 0], [1, 1], False, idx)
    assert gi.sum().item() == 8 and gi.shape == x.shape
    ga = ember.avg_pool2d_backward(g, x, [2, 2], [2, 2], [0, 0], False, True, None)
    np.testing.assert_allclose(ga.numpy(), np.full((1, 2, 4, 4), 0.25))
    gad = ember._C._adaptive_avg_pool2d_backward(g, x)
    np.testing.assert_allclose(gad.numpy(), np.full((1, 2, 4, 4), 0.25))


def test_pool_meta_shapes():
    x = ember.empty(4, 16, 32, 32, device="meta", requires_grad=True)
    y = F.max_pool2d(x, 2)
    assert y.is_meta and tuple(y.shape) == (4, 16, 16, 16)
    y.sum().backward()
    assert tuple(x.grad.shape) == (4, 16, 32, 32)
    assert tuple(F.avg_pool2d(x, 3, 2, 1, ceil_mode=True).shape) == (4, 16, 17, 17)
    assert tuple(F.adaptive_avg_pool2d(x, 1).shape) == (4, 16, 1, 1)


def test_pool_errors():
    x = T(rng.standard_normal((1, 2, 4, 4)))
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size, but got pad=2, "
                                           "kernel_size=2 and dilation=1"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match="pad should be at most half of kernel size"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D \(batch mode\) tensor for input"):
        F.max_pool2d(T(rng.standard_normal((4, 4))), 2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(x, 5, padding=0)
    with pytest.raises(RuntimeError, match="kernel_size must be greater than zero"):
        F.avg_pool2d(x, 0)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)
