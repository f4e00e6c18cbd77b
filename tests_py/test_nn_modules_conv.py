"""ember.nn convolution and pooling modules: forward against nn.functional and numpy (padding modes via
np.pad, pooling by hand), float64 gradcheck of every module, parameter names / shapes / default init
bounds, state_dict keys, repr text and argument errors as PyTorch 2.13 prints them."""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(0)


def T(a, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a, dtype=np.float64))
    return t.requires_grad_() if grad else t


def conv2d_ref(x, w, b, stride=(1, 1)):
    # direct loops over (N, C_in, H, W) * (C_out, C_in, kH, kW), no padding
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride[0] + 1, (wd - kw) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out + (b.reshape(1, -1, 1, 1) if b is not None else 0)


REPRS = [
    (lambda: nn.Conv1d(2, 4, 3), "Conv1d(2, 4, kernel_size=(3,), stride=(1,))", ["weight", "bias"]),
    (lambda: nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
     "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)", ["weight"]),
    (lambda: nn.Conv2d(3, 6, (3, 5), padding="same", dilation=2, groups=3, padding_mode="reflect"),
     "Conv2d(3, 6, kernel_size=(3, 5), stride=(1, 1), padding=same, dilation=(2, 2), groups=3, "
     "padding_mode=reflect)", ["weight", "bias"]),
    (lambda: nn.Conv2d(2, 2, 3, padding="valid"), "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=valid)",
     ["weight", "bias"]),
    (lambda: nn.ConvTranspose1d(4, 2, 3, stride=2, output_padding=1),
     "ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,), output_padding=(1,))", ["weight", "bias"]),
    (lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2),
     "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)",
     ["weight", "bias"]),
    (lambda: nn.MaxPool1d(3), "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)", []),
    (lambda: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", []),
    (lambda: nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, return_indices=True, ceil_mode=True),
     "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)", []),
    (lambda: nn.AvgPool1d(2), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))", []),
    (lambda: nn.AvgPool1d(3, 2, 1), "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))", []),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)", []),
    (lambda: nn.AvgPool2d((2, 3), stride=(1, 2), padding=1, ceil_mode=True, divisor_override=2),
     "AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=1)", []),
    (lambda: nn.AdaptiveAvgPool1d(4), "AdaptiveAvgPool1d(output_size=4)", []),
    (lambda: nn.AdaptiveAvgPool2d(5), "AdaptiveAvgPool2d(output_size=5)", []),
    (lambda: nn.AdaptiveAvgPool2d((5, None)), "AdaptiveAvgPool2d(output_size=(5, None))", []),
]


@pytest.mark.parametrize("make,text,keys", REPRS)
def test_repr_and_state_dict_keys_as_pytorch(make, text, keys):
    m = make()
    assert repr(m) == text
    assert list(m.state_dict().keys()) == keys


def test_conv_shapes_and_default_init_bounds():
    ember.manual_seed(0)
    c = nn.Conv2d(4, 6, (3, 2), groups=2)
    assert tuple(c.weight.shape) == (6, 2, 3, 2) and tuple(c.bias.shape) == (6,)
    fan_in = 2 * 3 * 2
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as is the bias
    assert c.weight.abs().max().item() <= 1 / math.sqrt(fan_in) + 1e-7
    assert c.bias.abs().max().item() <= 1 / math.sqrt(fan_in) + 1e-7
    assert c.weight.std().item() > 0.5 / math.sqrt(fan_in) / math.sqrt(3)
    t = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert tuple(t.weight.shape) == (4, 3, 3, 3)
    assert tuple(nn.ConvTranspose1d(2, 5, 4).weight.shape) == (2, 5, 4)
    assert tuple(nn.Conv1d(3, 5, 2, dtype=ember.float64).weight.shape) == (5, 3, 2)
    assert nn.Conv1d(3, 5, 2, dtype=ember.float64).weight.dtype == ember.float64
    # the same seed draws the same parameters
    ember.manual_seed(3)
    a = nn.Conv2d(2, 3, 3)
    ember.manual_seed(3)
    b = nn.Conv2d(2, 3, 3)
    assert ember.equal(a.weight, b.weight) and ember.equal(a.bias, b.bias)


def test_conv2d_forward_against_numpy_and_functional():
    c = nn.Conv2d(2, 3, 3, stride=(2, 1)).double()
    x = rng.standard_normal((2, 2, 7, 6))
    ref = conv2d_ref(x, c.weight.detach().numpy(), c.bias.detach().numpy(), (2, 1))
    np.testing.assert_allclose(c(T(x)).detach().numpy(), ref, atol=1e-12)
    assert ember.equal(c(T(x)), F.conv2d(T(x), c.weight, c.bias, (2, 1)))
    # non-contiguous input and the unbatched form
    xt = T(x.transpose(0, 1, 3, 2).copy()).transpose(2, 3)
    assert not xt.is_contiguous()
    np.testing.assert_allclose(c(xt).detach().numpy(), ref, atol=1e-12)
    np.testing.assert_allclose(c(T(x[0])).detach().numpy(), ref[0], atol=1e-12)


@pytest.mark.parametrize("mode,np_mode", [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")])
def test_conv2d_padding_modes_pad_then_convolve(mode, np_mode):
    c = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode).double()
    x = rng.standard_normal((2, 2, 5, 6))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)), mode=np_mode)
    ref = conv2d_ref(xp, c.weight.detach().numpy(), c.bias.detach().numpy())
    np.testing.assert_allclose(c(T(x)).detach().numpy(), ref, atol=1e-12)
    # padding="same" with an even kernel: the extra column goes right, as in PyTorch
    s = nn.Conv2d(2, 1, (3, 4), padding="same", padding_mode=mode).double()
    xs = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 2)), mode=np_mode)
    ref = conv2d_ref(xs, s.weight.detach().numpy(), s.bias.detach().numpy())
    out = s(T(x))
    assert tuple(out.shape) == (2, 1, 5, 6)
    np.testing.assert_allclose(out.detach().numpy(), ref, atol=1e-12)


def test_conv1d_padding_mode_and_same():
    c = nn.Conv1d(2, 3, 3, padding=2, padding_mode="circular").double()
    x = rng.standard_normal((2, 2, 7))
    xp = np.pad(x, ((0, 0), (0, 0), (2, 2)), mode="wrap")
    ref = F.conv1d(T(xp), c.weight, c.bias)
    np.testing.assert_allclose(c(T(x)).detach().numpy(), ref.detach().numpy(), atol=1e-12)
    same = nn.Conv1d(2, 2, 4, padding="same", dilation=2).double()
    assert tuple(same(T(x)).shape) == (2, 2, 7)


def test_conv_transpose_output_size_picks_output_padding():
    t = nn.ConvTranspose2d(4, 2, 3, stride=2).double()
    x = T(rng.standard_normal((1, 4, 5, 5)))
    assert tuple(t(x).shape) == (1, 2, 11, 11)
    assert tuple(t(x, output_size=[12, 12]).shape) == (1, 2, 12, 12)
    assert tuple(t(x, output_size=[1, 2, 11, 12]).shape) == (1, 2, 11, 12)
    assert ember.equal(t(x, output_size=[12, 11]), F.conv_transpose2d(x, t.weight, t.bias, 2, 0, (1, 0)))
    with pytest.raises(ValueError, match=r"requested an output size of \[20, 20\], but valid sizes range from "
                                         r"\[11, 11\] to \[12, 12\] \(for an input of \[5, 5\]\)"):
        t(x, output_size=[20, 20])
    with pytest.raises(ValueError, match=r"ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements "
                                         r"\(got 3\)"):
        t(x, output_size=[1, 2, 3])
    t1 = nn.ConvTranspose1d(2, 3, 3, stride=3).double()
    x1 = T(rng.standard_normal((2, 2, 4)))
    assert tuple(t1(x1, output_size=[12]).shape) == (2, 3, 12)


def test_conv_argument_errors_as_pytorch():
    with pytest.raises(ValueError, match="^in_channels must be divisible by groups$"):
        nn.Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ValueError, match="^out_channels must be divisible by groups$"):
        nn.Conv2d(4, 6, 3, groups=4)
    with pytest.raises(ValueError, match="^groups must be a positive integer$"):
        nn.Conv2d(4, 8, 3, groups=0)
    with pytest.raises(ValueError, match="^Invalid padding string 'full', should be one of"):
        nn.Conv2d(4, 8, 3, padding="full")
    with pytest.raises(ValueError, match="^padding='same' is not supported for strided convolutions$"):
        nn.Conv2d(4, 8, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match="^padding_mode must be one of .*, but got padding_mode='mirror'$"):
        nn.Conv2d(4, 8, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='^Only "zeros" padding mode is supported for ConvTranspose2d$'):
        nn.ConvTranspose2d(4, 8, 3, padding_mode="reflect")
    with pytest.raises(RuntimeError):
        nn.Conv2d(3, 4, 3)(ember.zeros(1, 2, 5, 5))  # wrong channel count: the op's error


@pytest.mark.parametrize("make,shape", [
    (lambda: nn.Conv1d(2, 3, 2, stride=2, padding=1), (2, 2, 5)),
    (lambda: nn.Conv2d(2, 2, (2, 3), padding="same", padding_mode="reflect"), (1, 2, 4, 5)),
    (lambda: nn.Conv2d(4, 2, 2, groups=2, dilation=(1, 2), padding_mode="circular", padding=1), (1, 4, 4, 5)),
    (lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1), (1, 2, 4)),
    (lambda: nn.ConvTranspose2d(2, 2, 2, stride=2, padding=1), (1, 2, 3, 3)),
    (lambda: nn.MaxPool1d(2, ceil_mode=True), (1, 2, 5)),
    (lambda: nn.MaxPool2d(2, stride=1, padding=1), (1, 2, 4, 4)),
    (lambda: nn.AvgPool1d(3, 2, 1, count_include_pad=False), (2, 2, 6)),
    (lambda: nn.AvgPool2d((2, 3), divisor_override=4), (1, 2, 4, 6)),
    (lambda: nn.AdaptiveAvgPool1d(3), (2, 2, 7)),
    (lambda: nn.AdaptiveAvgPool2d((2, None)), (1, 2, 5, 3)),
])
def test_gradcheck_float64(make, shape):
    m = make().double()
    x = T(rng.standard_normal(shape), grad=True)
    params = [p for p in m.parameters()]
    assert gradcheck(lambda inp, *ps: m(inp), (x, *params))


def test_pooling_forward_against_numpy():
    x = rng.standard_normal((2, 3, 4, 6))
    out = nn.MaxPool2d(2)(T(x)).numpy()
    np.testing.assert_array_equal(out, x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))
    out, idx = nn.MaxPool2d(2, return_indices=True)(T(x))
    flat = x.reshape(2, 3, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.numpy().reshape(2, 3, -1), 2).reshape(out.shape),
                                  out.numpy())
    np.testing.assert_allclose(nn.AvgPool2d(2)(T(x)).numpy(), x.reshape(2, 3, 2, 2, 3, 2).mean(axis=(3, 5)),
                               atol=1e-12)
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(T(x)).numpy(), x.mean(axis=(2, 3), keepdims=True),
                               atol=1e-12)
    x1 = rng.standard_normal((2, 3, 7))
    np.testing.assert_array_equal(nn.MaxPool1d(3, ceil_mode=True)(T(x1)).numpy(),
                                  np.stack([x1[..., 0:3].max(-1), x1[..., 3:6].max(-1), x1[..., 6:7].max(-1)], -1))
    o1, i1 = nn.MaxPool1d(2, return_indices=True)(T(x1))
    assert tuple(o1.shape) == tuple(i1.shape) == (2, 3, 3) and i1.dtype == ember.int64
    np.testing.assert_allclose(nn.AvgPool1d(2)(T(x1)).numpy(), x1[..., :6].reshape(2, 3, 3, 2).mean(-1), atol=1e-12)
    np.testing.assert_allclose(nn.AdaptiveAvgPool1d(1)(T(x1)).numpy(), x1.mean(-1, keepdims=True), atol=1e-12)
    # empty batch
    assert tuple(nn.MaxPool2d(2)(ember.zeros(0, 3, 4, 4)).shape) == (0, 3, 2, 2)


def test_modules_hold_no_state_between_calls_and_follow_train_eval():
    c = nn.Conv2d(1, 1, 1)
    p = nn.MaxPool2d(2)
    assert c.training and p.training
    seq = nn.Sequential(c, nn.ReLU(), p).eval()
    assert not c.training and not p.training
    x = ember.randn(1, 1, 4, 4)
    assert ember.equal(seq(x), seq(x))
