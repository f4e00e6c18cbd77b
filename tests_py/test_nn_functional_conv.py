"""ember.nn.functional convolutions (conv1d, conv2d, conv_transpose1d/2d over aten::convolution): values
against numpy reference loops in float64, float32 (oneDNN) against the same, gradcheck of input, weight
and bias, meta shapes, and PyTorch's errors."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(0)


def arr(*shape):
    return rng.standard_normal(shape)


def T(a, dtype=ember.float64, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a)).to(dtype)
    return t.requires_grad_() if grad else t


def np_conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for a in range(kh):
            for bb in range(kw):
                patch = xs[:, :, a * dh:a * dh + sh * (oh - 1) + 1:sh, bb * dw:bb * dw + sw * (ow - 1) + 1:sw]
                out[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, a, bb])
    if b is not None:
        out += b[None, :, None, None]
    return out


def np_conv_transpose2d(x, w, b=None, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), groups=1,
                        dilation=(1, 1)):
    n, cin, h, wd = x.shape
    _, cog, kh, kw = w.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    full = np.zeros((n, cog * groups, (h - 1) * sh + dh * (kh - 1) + 1 + oph, (wd - 1) * sw + dw * (kw - 1) + 1 + opw))
    cig = cin // groups
    for g in range(groups):
        for a in range(kh):
            for bb in range(kw):
                full[:, g * cog:(g + 1) * cog, a * dh:a * dh + sh * (h - 1) + 1:sh, bb * dw:bb * dw + sw * (wd - 1) + 1:sw] += \
                    np.einsum("nchw,co->nohw", x[:, g * cig:(g + 1) * cig], w[g * cig:(g + 1) * cig, :, a, bb])
    out = full[:, :, ph:ph + oh, pw:pw + ow]
    if b is not None:
        out = out + b[None, :, None, None]
    return out


CONV2D = [  # (x shape, w shape, kwargs)
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 3, 2), dict(stride=2, padding=1)),
    ((1, 4, 9, 8), (6, 2, 3, 3), dict(padding=(2, 1), dilation=2, groups=2)),
    ((3, 6, 5, 5), (6, 1, 3, 3), dict(padding=1, groups=6)),  # depthwise
    ((2, 2, 8, 7), (3, 2, 1, 1), dict(stride=(3, 2))),
    ((2, 3, 5, 5), (4, 3, 5, 5), dict(padding=0)),  # the kernel covers the input
]


def _pairs(kw):
    p = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    return dict(stride=p(kw.get("stride", 1)), padding=p(kw.get("padding", 0)), dilation=p(kw.get("dilation", 1)),
                groups=kw.get("groups", 1))


@pytest.mark.parametrize("dtype,tol", [(ember.float64, 1e-10), (ember.float32, 1e-4)])
@pytest.mark.parametrize("xs,ws,kw", CONV2D)
def test_conv2d_matches_numpy(xs, ws, kw, dtype, tol):
    x, w, b = arr(*xs), arr(*ws), arr(ws[0])
    got = F.conv2d(T(x, dtype), T(w, dtype), T(b, dtype), **kw)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.to(ember.float64).numpy(), np_conv2d(x, w, b, **_pairs(kw)), rtol=tol, atol=tol)
    got = ember.conv2d(T(x, dtype), T(w, dtype), None, **kw)  # the schema op itself, no bias
    np.testing.assert_allclose(got.to(ember.float64).numpy(), np_conv2d(x, w, None, **_pairs(kw)), rtol=tol, atol=tol)


@pytest.mark.parametrize("xs,ws,kw", CONV2D[:4])
def test_conv2d_gradcheck(xs, ws, kw):
    x, w, b = T(arr(*xs), grad=True), T(arr(*ws), grad=True), T(arr(ws[0]), grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kw), (x, w, b))
    assert gradcheck(lambda x, w: F.conv2d(x, w, **kw), (x, w))


@pytest.mark.parametrize("xs,ws,kw", CONV2D)
def test_conv2d_float32_gradients_match_float64(xs, ws, kw):
    """oneDNN's backward-data and backward-weights passes (float32) against the float64 reference loops."""
    x, w, b, g = arr(*xs), arr(*ws), arr(ws[0]), None
    grads = {}
    for dt in (ember.float64, ember.float32):
        tx, tw, tb = T(x, dt, True), T(w, dt, True), T(b, dt, True)
        y = F.conv2d(tx, tw, tb, **kw)
        if g is None:
            g = arr(*y.shape)
        y.backward(T(g, dt))
        grads[dt] = [t.grad.to(ember.float64).numpy() for t in (tx, tw, tb)]
    for a, e in zip(grads[ember.float32], grads[ember.float64]):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-3)


def test_conv2d_unbatched_and_non_contiguous():
    x, w = arr(3, 6, 5), arr(2, 3, 3, 3)
    got = F.conv2d(T(x), T(w), padding=1)
    assert got.shape == (2, 6, 5)
    np.testing.assert_allclose(got.numpy(), np_conv2d(x[None], w, padding=(1, 1))[0], atol=1e-10)
    xt = T(x.transpose(0, 2, 1).copy()).transpose(1, 2)  # a non-contiguous view of the same values
    np.testing.assert_allclose(F.conv2d(xt, T(w), padding=1).numpy(), got.numpy(), atol=1e-12)


def test_conv2d_padding_strings():
    x, w = arr(2, 3, 8, 7), arr(4, 3, 4, 3)  # an even kernel: "same" pads one more on the right
    got = F.conv2d(T(x), T(w), padding="same")
    assert got.shape == (2, 4, 8, 7)
    ref = np_conv2d(np.pad(x, ((0, 0), (0, 0), (1, 2), (1, 1))), w)
    np.testing.assert_allclose(got.numpy(), ref, atol=1e-10)
    got = F.conv2d(T(x), T(w), padding="same", dilation=2)
    np.testing.assert_allclose(got.numpy(), np_conv2d(np.pad(x, ((0, 0), (0, 0), (3, 3), (2, 2))), w,
                                                      dilation=(2, 2)), atol=1e-10)
    np.testing.assert_allclose(F.conv2d(T(x), T(w), padding="valid").numpy(), np_conv2d(x, w), atol=1e-10)
    tx, tw = T(x, grad=True), T(w, grad=True)
    assert gradcheck(lambda a, b: F.conv2d(a, b, padding="same"), (tx, tw))
    with pytest.raises(RuntimeError, match="padding='same' is not supported for strided convolutions"):
        F.conv2d(T(x), T(w), padding="same", stride=2)
    with pytest.raises(ValueError, match="Invalid padding string: 'full'"):
        F.conv2d(T(x), T(w), padding="full")


def test_conv1d():
    x, w, b = arr(2, 4, 9), arr(6, 2, 3), arr(6)
    got = F.conv1d(T(x), T(w), T(b), stride=2, padding=1, dilation=1, groups=2)
    ref = np_conv2d(x[:, :, None], w[:, :, None], b, stride=(1, 2), padding=(0, 1), groups=2)[:, :, 0]
    assert got.shape == ref.shape
    np.testing.assert_allclose(got.numpy(), ref, atol=1e-10)
    np.testing.assert_allclose(F.conv1d(T(x, ember.float32), T(w, ember.float32), T(b, ember.float32), stride=2,
                                        padding=1, groups=2).to(ember.float64).numpy(), ref, atol=1e-4)
    assert F.conv1d(T(x[0]), T(w), groups=2).shape == (6, 7)  # unbatched
    assert F.conv1d(T(x), T(w), padding="same", groups=2).shape == (2, 6, 9)
    assert gradcheck(lambda a, b, c: F.conv1d(a, b, c, stride=2, padding=1, groups=2),
                     (T(x, grad=True), T(w, grad=True), T(b, grad=True)))


TRANSPOSED = [  # (x shape, w shape, kwargs)
    ((2, 3, 4, 5), (3, 2, 3, 3), {}),
    ((2, 4, 3, 4), (4, 3, 3, 2), dict(stride=2, padding=1, output_padding=1, groups=2)),
    ((1, 2, 4, 4), (2, 3, 3, 3), dict(stride=(2, 1), padding=(1, 0), dilation=2)),
]


@pytest.mark.parametrize("dtype,tol", [(ember.float64, 1e-10), (ember.float32, 1e-4)])
@pytest.mark.parametrize("xs,ws,kw", TRANSPOSED)
def test_conv_transpose2d(xs, ws, kw, dtype, tol):
    x, w, b = arr(*xs), arr(*ws), arr(ws[1] * kw.get("groups", 1))
    p = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    ref = np_conv_transpose2d(x, w, b, p(kw.get("stride", 1)), p(kw.get("padding", 0)),
                              p(kw.get("output_padding", 0)), kw.get("groups", 1), p(kw.get("dilation", 1)))
    got = F.conv_transpose2d(T(x, dtype), T(w, dtype), T(b, dtype), **kw)
    assert tuple(got.shape) == ref.shape
    np.testing.assert_allclose(got.to(ember.float64).numpy(), ref, rtol=tol, atol=tol)
    if dtype == ember.float64:
        assert gradcheck(lambda a, c, d: F.conv_transpose2d(a, c, d, **kw),
                         (T(x, grad=True), T(w, grad=True), T(b, grad=True)))


def test_conv_transpose1d():
    x, w = arr(2, 3, 5), arr(3, 2, 3)
    got = F.conv_transpose1d(T(x), T(w), stride=2, padding=1, output_padding=1)
    ref = np_conv_transpose2d(x[:, :, None], w[:, :, None], None, (1, 2), (0, 1), (0, 1))[:, :, 0]
    np.testing.assert_allclose(got.numpy(), ref, atol=1e-10)
    assert gradcheck(lambda a, c: F.conv_transpose1d(a, c, stride=2), (T(x, grad=True), T(w, grad=True)))


def test_convolution_op_and_backward_ops():
    x, w = T(arr(2, 3, 6, 6)), T(arr(4, 3, 3, 3))
    y = ember.convolution(x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1)
    np.testing.assert_allclose(y.numpy(), np_conv2d(x.numpy(), w.numpy(), padding=(1, 1)), atol=1e-10)
    g = T(arr(2, 4, 6, 6))
    gi = ember._C._convolution_backward_input(g, w, [2, 3, 6, 6], [1, 1], [1, 1], [1, 1], 1)
    gw, gb = ember._C._convolution_backward_weight(g, x, [4, 3, 3, 3], [1, 1], [1, 1], [1, 1], 1)
    xr, wr = T(x.numpy(), grad=True), T(w.numpy(), grad=True)
    ember.conv2d(xr, wr, padding=1).backward(g)
    np.testing.assert_allclose(gi.numpy(), xr.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(gw.numpy(), wr.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(gb.numpy(), g.numpy().sum((0, 2, 3)), atol=1e-10)
    assert y.grad_fn is None
    assert F.conv2d(xr, wr).grad_fn.name() == "ConvolutionBackward0"


def test_conv2d_meta_shapes():
    x = ember.empty(8, 3, 32, 32, device="meta")
    w = ember.empty(16, 3, 3, 3, device="meta", requires_grad=True)
    y = F.conv2d(x, w, stride=2, padding=1)
    assert y.is_meta and tuple(y.shape) == (8, 16, 16, 16)
    y.sum().backward()
    assert w.grad.is_meta and tuple(w.grad.shape) == (16, 3, 3, 3)
    assert tuple(F.conv_transpose2d(ember.empty(1, 16, 5, 5, device="meta"), ember.empty(16, 4, 3, 3, device="meta"),
                                    stride=2, output_padding=1).shape) == (1, 4, 12, 12)


def test_conv_empty_batch():
    y = F.conv2d(T(np.zeros((0, 3, 5, 5))), T(arr(4, 3, 3, 3)), T(arr(4)))
    assert tuple(y.shape) == (0, 4, 3, 3)


def test_conv_errors():
    x, w = T(arr(2, 3, 6, 6)), T(arr(4, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[2, 4, 6, 6\] "
                                           r"to have 3 channels, but got 4 channels instead"):
        F.conv2d(T(arr(2, 4, 6, 6)), w)
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got "
                                           r"input of size: \[6, 6\]"):
        F.conv2d(T(arr(6, 6)), w)
    with pytest.raises(RuntimeError, match=r"expected bias to be 1-dimensional with 4 elements, but got bias of "
                                           r"size \[3\]"):
        F.conv2d(x, w, T(arr(3)))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(T(arr(1, 3, 2, 2)), w)
    with pytest.raises(RuntimeError, match="non-positive stride is not supported"):
        F.conv2d(x, w, stride=0)
    with pytest.raises(RuntimeError, match="negative padding is not supported"):
        F.conv2d(x, w, padding=-1)
    with pytest.raises(RuntimeError, match=r"Given groups=2, expected weight to be divisible by 2 at dimension 0"):
        F.conv2d(T(arr(2, 6, 6, 6)), T(arr(3, 3, 3, 3)), groups=2)
    with pytest.raises(RuntimeError, match=r"Input type \(Float\) and weight type \(Double\) should be the same"):
        F.conv2d(x.float(), w)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or dilation"):
        F.conv_transpose2d(x, T(arr(3, 2, 3, 3)), output_padding=1)


@pytest.mark.parametrize("kw,transposed", [(dict(stride=2, padding=1), False), (dict(padding=(1, 0), dilation=2,
                                                                                      groups=2), False),
                                          (dict(stride=2, padding=1, output_padding=1), True)])
def test_conv_double_backward(kw, transposed):
    """create_graph=True: the gradients are built from differentiable ops (gradgradcheck)."""
    from ember.autograd import gradgradcheck
    if transposed:
        x, w, b = T(arr(1, 2, 3, 3), grad=True), T(arr(2, 3, 3, 3), grad=True), T(arr(3), grad=True)
        fn = lambda a, c, d: F.conv_transpose2d(a, c, d, **kw)  # noqa: E731
    else:
        x, w, b = T(arr(1, 4, 6, 5), grad=True), T(arr(4, 4 // kw.get("groups", 1), 3, 2), grad=True), T(arr(4), grad=True)
        fn = lambda a, c, d: F.conv2d(a, c, d, **kw)  # noqa: E731
    assert gradgradcheck(fn, (x, w, b))
    (gw,) = ember.autograd.grad(fn(x, w, b).sum(), w, create_graph=True)
    assert gw.requires_grad and gw.grad_fn is not None
