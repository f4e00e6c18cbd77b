"""ember.nn normalization, dropout and embedding modules: parameters and buffers (names, dtypes, initial
values), train/eval behaviour (running statistics, momentum=None as a cumulative average,
num_batches_tracked), forward against numpy, float64 gradcheck, repr and argument errors as PyTorch 2.13."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck

rng = np.random.default_rng(1)


def T(a, grad=False):
    t = ember.from_numpy(np.ascontiguousarray(a, dtype=np.float64))
    return t.requires_grad_() if grad else t


REPRS = [
    (lambda: nn.BatchNorm1d(16), "BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, "
     "track_running_stats=True)", ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]),
    (lambda: nn.BatchNorm2d(8, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
     "BatchNorm2d(8, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=False)", []),
    (lambda: nn.BatchNorm2d(3, bias=False), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=False, "
     "track_running_stats=True)", ["weight", "running_mean", "running_var", "num_batches_tracked"]),
    (lambda: nn.LayerNorm(10), "LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)", ["weight", "bias"]),
    (lambda: nn.LayerNorm([4, 5], eps=1e-6, elementwise_affine=False),
     "LayerNorm((4, 5), eps=1e-06, elementwise_affine=False, bias=False)", []),
    (lambda: nn.LayerNorm(4, bias=False), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)",
     ["weight"]),
    (lambda: nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)", ["weight", "bias"]),
    (lambda: nn.GroupNorm(1, 3, eps=0.001, affine=False), "GroupNorm(1, 3, eps=0.001, affine=False, bias=False)", []),
    (lambda: nn.Dropout(), "Dropout(p=0.5, inplace=False)", []),
    (lambda: nn.Dropout(0.2, inplace=True), "Dropout(p=0.2, inplace=True)", []),
    (lambda: nn.Dropout1d(0.3), "Dropout1d(p=0.3, inplace=False)", []),
    (lambda: nn.Dropout2d(), "Dropout2d(p=0.5, inplace=False)", []),
    (lambda: nn.Embedding(10, 3), "Embedding(10, 3)", ["weight"]),
    (lambda: nn.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
     "Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True)",
     ["weight"]),
]


@pytest.mark.parametrize("make,text,keys", REPRS)
def test_repr_and_state_dict_keys_as_pytorch(make, text, keys):
    m = make()
    assert repr(m) == text
    assert list(m.state_dict().keys()) == keys


def test_batchnorm_initial_state():
    m = nn.BatchNorm2d(3)
    assert m.weight.tolist() == [1.0, 1.0, 1.0] and m.bias.tolist() == [0.0, 0.0, 0.0]
    assert m.running_mean.tolist() == [0.0] * 3 and m.running_var.tolist() == [1.0] * 3
    assert m.num_batches_tracked.dtype == ember.int64 and m.num_batches_tracked.item() == 0
    assert m.num_batches_tracked.dim() == 0
    assert not m.running_mean.requires_grad and m.weight.requires_grad
    m64 = nn.BatchNorm1d(2, dtype=ember.float64)
    assert m64.running_var.dtype == ember.float64 and m64.num_batches_tracked.dtype == ember.int64
    d = m.double()
    assert d.running_mean.dtype == ember.float64 and d.num_batches_tracked.dtype == ember.int64


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4)])
def test_batchnorm_train_updates_running_stats_and_eval_uses_them(shape):
    m = (nn.BatchNorm1d(3, momentum=0.25) if len(shape) < 4 else nn.BatchNorm2d(3, momentum=0.25)).double()
    with ember.no_grad():
        m.weight.copy_(T(rng.standard_normal(3)))
        m.bias.copy_(T(rng.standard_normal(3)))
    x = rng.standard_normal(shape) * 2 + 1
    axes = tuple(i for i in range(len(shape)) if i != 1)
    bshape = [1] * len(shape)
    bshape[1] = 3
    mean, var = x.mean(axes), x.var(axes)
    n = x.size / 3
    y = m(T(x)).detach().numpy()
    ref = (x - mean.reshape(bshape)) / np.sqrt(var.reshape(bshape) + 1e-5) * m.weight.detach().numpy().reshape(
        bshape) + m.bias.detach().numpy().reshape(bshape)
    np.testing.assert_allclose(y, ref, atol=1e-10)
    np.testing.assert_allclose(m.running_mean.numpy(), 0.25 * mean, atol=1e-12)
    np.testing.assert_allclose(m.running_var.numpy(), 0.75 + 0.25 * var * n / (n - 1), atol=1e-12)
    assert m.num_batches_tracked.item() == 1
    m.eval()
    rm, rv = m.running_mean.numpy().copy(), m.running_var.numpy().copy()
    y = m(T(x)).detach().numpy()
    ref = (x - rm.reshape(bshape)) / np.sqrt(rv.reshape(bshape) + 1e-5) * m.weight.detach().numpy().reshape(
        bshape) + m.bias.detach().numpy().reshape(bshape)
    np.testing.assert_allclose(y, ref, atol=1e-10)
    assert m.num_batches_tracked.item() == 1  # eval leaves the statistics alone
    np.testing.assert_array_equal(m.running_mean.numpy(), rm)


def test_batchnorm_momentum_none_is_a_cumulative_average():
    # checked against PyTorch 2.13: running_mean [3, 5, 7], running_var [21, 21, 21], num_batches_tracked 3
    m = nn.BatchNorm1d(3, momentum=None)
    for i in range(3):
        m(ember.arange(6.0).reshape(2, 3) * (i + 1))
    assert m.running_mean.tolist() == pytest.approx([3.0, 5.0, 7.0])
    assert m.running_var.tolist() == pytest.approx([21.0, 21.0, 21.0])
    assert m.num_batches_tracked.item() == 3


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    m = nn.BatchNorm1d(2, track_running_stats=False).double().eval()
    x = rng.standard_normal((5, 2))
    np.testing.assert_allclose(m(T(x)).detach().numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), atol=1e-10)
    assert m.running_mean is None and m.num_batches_tracked is None


def test_batchnorm_load_old_state_dict_without_num_batches_tracked():
    m = nn.BatchNorm1d(2)
    sd = m.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    m.num_batches_tracked.fill_(5)
    m.load_state_dict(sd)
    assert m.num_batches_tracked.item() == 0


def test_layer_and_group_norm_forward_against_numpy():
    x = rng.standard_normal((2, 4, 3, 5))
    ln = nn.LayerNorm([3, 5]).double()
    mu, var = x.mean((2, 3), keepdims=True), x.var((2, 3), keepdims=True)
    np.testing.assert_allclose(ln(T(x)).detach().numpy(), (x - mu) / np.sqrt(var + 1e-5), atol=1e-10)
    gn = nn.GroupNorm(2, 4).double()
    g = x.reshape(2, 2, -1)
    ref = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(gn(T(x)).detach().numpy(), ref, atol=1e-10)
    assert ember.equal(gn(T(x)), F.group_norm(T(x), 2, gn.weight, gn.bias))


@pytest.mark.parametrize("make,shape", [
    (lambda: nn.BatchNorm1d(3), (4, 3)),
    (lambda: nn.BatchNorm1d(3, affine=False), (4, 3, 2)),
    (lambda: nn.BatchNorm2d(2, bias=False), (2, 2, 3, 3)),
    (lambda: nn.BatchNorm2d(2).eval(), (2, 2, 3, 3)),
    (lambda: nn.LayerNorm(5), (3, 5)),
    (lambda: nn.LayerNorm([2, 3], bias=False), (2, 2, 3)),
    (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
])
def test_gradcheck_float64(make, shape):
    m = make().double()
    x = T(rng.standard_normal(shape), grad=True)
    params = list(m.parameters())
    buffers = {k: v.clone() for k, v in m.named_buffers()}

    def f(inp, *ps):
        # restore the running stats so every evaluation sees the same module state
        with ember.no_grad():
            for k, v in m.named_buffers():
                v.copy_(buffers[k])
        return m(inp)

    assert gradcheck(f, (x, *params))


def test_norm_argument_errors_as_pytorch():
    with pytest.raises(ValueError, match=r"^expected 4D input \(got 3D input\)$"):
        nn.BatchNorm2d(4)(ember.randn(2, 4, 3))
    with pytest.raises(ValueError, match=r"^expected 2D or 3D input \(got 4D input\)$"):
        nn.BatchNorm1d(4)(ember.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match="^Expected more than 1 value per channel when training, got input size"):
        nn.BatchNorm1d(4)(ember.randn(1, 4))
    nn.BatchNorm1d(4).eval()(ember.randn(1, 4))  # fine in eval
    with pytest.raises(ValueError, match=r"^num_channels \(4\) must be divisible by num_groups \(3\)$"):
        nn.GroupNorm(3, 4)


def test_dropout_train_eval_and_p_check():
    x = ember.ones(200, 50, dtype=ember.float64)
    d = nn.Dropout(0.3)
    y = d(x)
    kept = (y != 0).to(ember.float64).mean().item()
    assert 0.6 < kept < 0.8
    assert set(np.unique(y.numpy()).round(10)) <= {0.0, round(1 / 0.7, 10)}
    d.eval()
    assert d(x) is x or ember.equal(d(x), x)
    ember.manual_seed(5)
    a = nn.Dropout2d(0.5)(ember.ones(4, 6, 3, 3))
    per_channel = a.reshape(4, 6, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all().item()
    ember.manual_seed(5)
    assert ember.equal(nn.Dropout2d(0.5)(ember.ones(4, 6, 3, 3)), a)
    b = nn.Dropout1d(0.5)(ember.ones(3, 8, 5))
    assert ((b == 0).all(-1) | (b == 2).all(-1)).all().item()
    with pytest.raises(ValueError, match="^dropout probability has to be between 0 and 1, but got 1.5$"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="^dropout probability has to be between 0 and 1, but got -0.1$"):
        nn.Dropout2d(-0.1)
    with pytest.raises(RuntimeError, match="^dropout1d: Expected 2D or 3D input, but received a 4D input"):
        nn.Dropout1d()(ember.zeros(2, 3, 4, 5))
    # inplace writes into the input
    z = ember.ones(10, 10)
    r = nn.Dropout(0.5, inplace=True)(z)
    assert ember.equal(r, z)
    # p=1 zeroes everything, p=0 is the identity
    assert nn.Dropout(1.0)(ember.ones(3)).abs().sum().item() == 0
    assert ember.equal(nn.Dropout(0.0)(ember.ones(3)), ember.ones(3))


def test_dropout_gradient_is_the_mask():
    ember.manual_seed(1)
    x = ember.ones(50, dtype=ember.float64, requires_grad=True)
    y = nn.Dropout(0.4)(x)
    y.sum().backward()
    assert ember.equal(x.grad, y.detach())


def test_embedding_init_padding_idx_forward_and_grad():
    ember.manual_seed(0)
    e = nn.Embedding(10, 3, padding_idx=2)
    assert tuple(e.weight.shape) == (10, 3) and e.weight[2].abs().sum().item() == 0
    assert 0.3 < e.weight.std().item() < 2.0  # N(0, 1)
    idx = ember.tensor([[0, 2], [4, 2]])
    out = e(idx)
    assert tuple(out.shape) == (2, 2, 3)
    np.testing.assert_array_equal(out.detach().numpy(), e.weight.detach().numpy()[idx.numpy()])
    out.sum().backward()
    g = e.weight.grad.numpy()
    assert g[2].tolist() == [0.0, 0.0, 0.0] and g[0].tolist() == [1.0] * 3 and g[4].tolist() == [1.0] * 3
    assert nn.Embedding(5, 2, padding_idx=-2).padding_idx == 3
    w = ember.randn(5, 2, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda weight: F.embedding(ember.tensor([1, 3, 1]), weight), (w,))


def test_embedding_from_pretrained_and_errors():
    w = ember.arange(6.0).reshape(3, 2)
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and ember.equal(e.weight, w)
    assert ember.equal(e(ember.tensor([2, 0])), ember.tensor([[4.0, 5.0], [0.0, 1.0]]))
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    assert repr(nn.Embedding.from_pretrained(w, padding_idx=1)) == "Embedding(3, 2, padding_idx=1)"
    with pytest.raises(AssertionError, match="^Embeddings parameter is expected to be 2-dimensional$"):
        nn.Embedding.from_pretrained(ember.zeros(4))
    with pytest.raises(AssertionError, match="^Padding_idx must be within num_embeddings$"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(AssertionError, match="^Shape of weight does not match num_embeddings and embedding_dim$"):
        nn.Embedding(5, 2, _weight=ember.zeros(4, 2))
    with pytest.raises(NotImplementedError, match="max_norm"):
        nn.Embedding(5, 2, max_norm=1.0)(ember.tensor([0]))
    with pytest.raises((IndexError, RuntimeError)):
        nn.Embedding(5, 2)(ember.tensor([7]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Embedding(5, 2)(ember.tensor([], dtype=ember.int64))
