"""View ops (transpose, permute, expand, view / reshape: values vs numpy, storage and version-counter
sharing, PyTorch's errors), split/chunk/unbind, .mT, and flip/roll (copies)."""
import numpy as np
import pytest

import ember
from op_check import (ALL_DTYPES, NAMES, PROMOTE, T, check_op, np_dtype, returns, round_to, same_as_first,
                      to_ember, to_numpy)



def layouts(shape):
    """The same values as contiguous, negative-stride and transposed (non-contiguous) inputs."""
    a = (np.arange(float(np.prod(shape))) - 3).reshape(shape)
    out = [("contiguous", a)]
    if len(shape) >= 1:
        out.append(("negative", np.ascontiguousarray(a[::-1])[::-1]))
    if len(shape) >= 2:
        out.append(("transposed", np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)))
    return out


def check_view(t_out, a_out, base_np):
    """t_out equals numpy's a_out and aliases base_np's memory (a view, not a copy)."""
    r = t_out.numpy()
    assert r.shape == a_out.shape
    np.testing.assert_array_equal(r, a_out)
    if r.size:
        assert np.shares_memory(r, base_np)


def np_movedim(a, s, d):
    return np.moveaxis(a, s, d)


def np_unfold(a, dim, size, step):
    a = np.moveaxis(a, dim, -1)
    n = (a.shape[-1] - size) // step + 1
    w = np.stack([a[..., i * step:i * step + size] for i in range(n)], axis=-2)  # (..., n, size)
    return np.moveaxis(w, -2, dim)


VIEWS = {  # name -> (shape, ember fn, numpy fn)
    "unsqueeze0": ((3, 4), lambda t: t.unsqueeze(0), lambda a: a[None]),
    "unsqueeze-1": ((3, 4), lambda t: ember.unsqueeze(t, -1), lambda a: a[..., None]),
    "unsqueeze1": ((3, 4), lambda t: t.unsqueeze(1), lambda a: a[:, None]),
    "unsqueeze_0d": ((), lambda t: t.unsqueeze(0), lambda a: a[None]),
    "squeeze": ((1, 3, 1, 4), lambda t: t.squeeze(), lambda a: a.squeeze()),
    "squeeze_dim": ((1, 3, 1, 4), lambda t: t.squeeze(2), lambda a: a.squeeze(2)),
    "squeeze_dim_noop": ((1, 3, 1, 4), lambda t: t.squeeze(1), lambda a: a),
    "squeeze_tuple": ((1, 3, 1, 4), lambda t: ember.squeeze(t, (0, -2)), lambda a: a.squeeze((0, 2))),
    "squeeze_0d": ((), lambda t: t.squeeze(), lambda a: a),
    "flatten": ((2, 3, 4), lambda t: t.flatten(), lambda a: a.reshape(-1)),
    "flatten_1_2": ((2, 3, 4), lambda t: ember.flatten(t, 1), lambda a: a.reshape(2, 12)),
    "flatten_0_1": ((2, 3, 4), lambda t: t.flatten(0, 1), lambda a: a.reshape(6, 4)),
    "unflatten": ((2, 12), lambda t: t.unflatten(1, (3, -1)), lambda a: a.reshape(2, 3, 4)),
    "narrow": ((5, 4), lambda t: t.narrow(0, 1, 3), lambda a: a[1:4]),
    "narrow_neg": ((5, 4), lambda t: ember.narrow(t, -1, -3, 2), lambda a: a[:, 1:3]),
    "narrow_empty": ((5, 4), lambda t: t.narrow(1, 4, 0), lambda a: a[:, 4:4]),
    "select": ((3, 4), lambda t: t.select(0, 1), lambda a: a[1]),
    "select_neg": ((3, 4), lambda t: ember.select(t, 1, -1), lambda a: a[:, -1]),
    "select_1d": ((3,), lambda t: t.select(0, 2), lambda a: a[2]),
    "movedim": ((2, 3, 4), lambda t: t.movedim(0, 2), lambda a: np_movedim(a, 0, 2)),
    "movedim_tuple": ((2, 3, 4), lambda t: ember.movedim(t, (0, 1), (2, 0)), lambda a: np_movedim(a, (0, 1), (2, 0))),
    "movedim_neg": ((2, 3, 4), lambda t: t.movedim(-1, 0), lambda a: np_movedim(a, -1, 0)),
    "diagonal": ((3, 4), lambda t: t.diagonal(), lambda a: a.diagonal()),
    "diagonal_off": ((3, 4), lambda t: t.diagonal(1), lambda a: a.diagonal(1)),
    "diagonal_neg": ((3, 4), lambda t: ember.diagonal(t, -2), lambda a: a.diagonal(-2)),
    "diagonal_empty": ((3, 4), lambda t: t.diagonal(5), lambda a: a.diagonal(5)),
    "diagonal_dims": ((2, 3, 4), lambda t: t.diagonal(0, 2, 0), lambda a: a.diagonal(0, 2, 0)),
    "unfold": ((2, 7), lambda t: t.unfold(1, 3, 2), lambda a: np_unfold(a, 1, 3, 2)),
    "unfold_overlap": ((6, 2), lambda t: t.unfold(0, 4, 1), lambda a: np_unfold(a, 0, 4, 1)),
    "t": ((3, 4), lambda t: t.t(), lambda a: a.T),
    "t_1d": ((3,), lambda t: ember.t(t), lambda a: a),
    "mT": ((2, 3, 4), lambda t: t.mT, lambda a: a.swapaxes(-1, -2)),
    "expand_as": ((3, 1), lambda t: t.expand_as(ember.empty(2, 3, 4)), lambda a: np.broadcast_to(a, (2, 3, 4))),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_values_and_sharing(name):
    shape, fn, ref = VIEWS[name]
    for layout, a in layouts(shape):
        t = ember.from_numpy(a)
        if name.startswith(("flatten", "unflatten")) and layout != "contiguous":  # reshape: may copy
            np.testing.assert_array_equal(fn(t).numpy(), ref(a))
        else:
            check_view(fn(t), ref(a), a)


def test_view_as_reshape_as():
    a = np.arange(12.0)
    t = ember.from_numpy(a)
    check_view(t.view_as(ember.empty(3, 4)), a.reshape(3, 4), a)
    check_view(t.reshape_as(ember.empty(2, 6)), a.reshape(2, 6), a)
    b = np.arange(12.0).reshape(3, 4).T
    r = ember.from_numpy(b).reshape_as(ember.empty(12))  # not viewable: a copy
    np.testing.assert_array_equal(r.numpy(), b.reshape(12))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        ember.from_numpy(b).view_as(ember.empty(12))


def test_as_strided():
    a = np.arange(10.0)
    t = ember.from_numpy(a)
    r = t.as_strided((3, 3), (1, 1))  # overlapping windows
    check_view(r, np.lib.stride_tricks.as_strided(a, (3, 3), (8, 8)), a)
    r = ember.as_strided(t, (2, 2), (4, 1), 2)
    check_view(r, a[2:].reshape(2, 4)[:, :2], a)
    r = t[1:].as_strided((2,), (3,))  # storage_offset defaults to self's
    check_view(r, a[1::3][:2], a)
    with pytest.raises(RuntimeError, match="mismatch in length of strides and shape"):
        t.as_strided((2, 2), (1,))
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 80"):
        t.as_strided((4, 4), (4, 1))


def test_views_share_the_version_counter():
    t = ember.zeros(3, 4)
    views = [t.unsqueeze(0), t.squeeze(), t.narrow(0, 0, 2), t.select(1, 0), t.movedim(0, 1), t.diagonal(),
             t.as_strided((2,), (1,)), t.unfold(1, 2, 2), t.t(), t.mT, t.flatten(), t.unflatten(1, (2, 2)),
             t.view_as(t), t[1:, ::-1], t[None, ..., 0]] + list(t.split(2)) + list(t.chunk(2, 1)) + list(t.unbind())
    v0 = t._version
    views[3].fill_(1.0)
    assert t._version == v0 + 1
    assert all(v._version == t._version for v in views)
    assert t.numpy()[:, 0].tolist() == [1.0, 1.0, 1.0]


def test_0d_and_empty():
    t = ember.tensor(5.0)
    assert t.unsqueeze(0).shape == (1,) and t.squeeze().shape == () and t.flatten().shape == (1,)
    assert t.unflatten(0, (1,)).shape == (1,)
    e = ember.from_numpy(np.zeros((0, 3)))
    assert e.narrow(0, 0, 0).shape == (0, 3) and e.select(1, 2).shape == (0,)
    assert e.unsqueeze(1).shape == (0, 1, 3) and e.flatten().shape == (0,)
    assert e.movedim(0, 1).shape == (3, 0) and e.diagonal().shape == (0,)
    assert e.t().shape == (3, 0) and e.mT.shape == (3, 0)
    assert [x.shape for x in e.split(2)] == [(0, 3)] and e.unbind() == ()
    assert [x.shape for x in e.chunk(2)] == [(0, 3), (0, 3)]
    assert e.flip(0).shape == (0, 3) and e.roll(1, 0).shape == (0, 3)


@pytest.mark.parametrize("arg,dim", [(2, 0), (3, 1), (1, -1), ([1, 2, 2], 0), ((0, 4), 1), (10, 0)])
def test_split(arg, dim):
    for _, a in layouts((5, 4)):
        t = ember.from_numpy(a)
        parts = t.split(arg, dim)
        assert isinstance(parts, tuple)
        n = a.shape[dim]
        if isinstance(arg, int):
            idx = list(range(arg, n, arg))
        else:
            idx = list(np.cumsum(arg)[:-1])
        ref = np.split(a, idx, axis=dim)
        assert len(parts) == len(ref)
        for p, r in zip(parts, ref):
            check_view(p, r, a)
        assert all(x.shape == y.shape for x, y in zip(ember.split(t, arg, dim), parts))


@pytest.mark.parametrize("chunks,dim", [(1, 0), (2, 0), (3, 0), (5, 0), (7, 0), (2, 1), (3, -1)])
def test_chunk(chunks, dim):
    a = np.arange(20.0).reshape(5, 4)
    t = ember.from_numpy(a)
    parts = t.chunk(chunks, dim)
    size = -(-a.shape[dim] // chunks)
    ref = np.split(a, list(range(size, a.shape[dim], size)), axis=dim)
    assert len(parts) == len(ref)
    for p, r in zip(parts, ref):
        check_view(p, r, a)
    assert len(ember.chunk(t, chunks, dim)) == len(parts)


def test_unbind_and_iter():
    for _, a in layouts((3, 4)):
        t = ember.from_numpy(a)
        for dim in (0, 1, -1):
            parts = t.unbind(dim)
            assert isinstance(parts, tuple) and len(parts) == a.shape[dim]
            for i, p in enumerate(parts):
                check_view(p, np.take(a, i, axis=dim), a)
        assert [x.tolist() for x in t] == a.tolist()
        assert len(ember.unbind(t, 1)) == 4
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(ember.tensor(1.0))


ERRORS = [
    (lambda t: t.unsqueeze(3), IndexError, r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"),
    (lambda t: t.squeeze(2), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda t: t.flatten(1, 0), RuntimeError, "flatten\\(\\) has invalid args: start_dim cannot come after end_dim"),
    (lambda t: t.unflatten(1, (3, 2)), RuntimeError,
     r"unflatten: Provided sizes \[3, 2\] don't multiply up to the size of dim 1 \(4\) in the input tensor"),
    (lambda t: t.narrow(0, 2, 2), RuntimeError, r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)\."),
    (lambda t: t.narrow(0, 5, 0), IndexError, r"start out of range \(expected to be in range of \[-3, 3\], but got 5\)"),
    (lambda t: t.narrow(0, 0, -1), RuntimeError, r"narrow\(\): length must be non-negative\."),
    (lambda t: t.select(0, 5), IndexError, r"select\(\): index 5 out of range for tensor of size \[3, 4\] at dimension 0"),
    (lambda t: t.select(1, -5), IndexError, r"select\(\): index -5 out of range for tensor of size \[3, 4\] at dimension 1"),
    (lambda t: t.movedim((0, 1), (0,)), RuntimeError,
     r"movedim: Invalid source or destination dims: source \(\[0, 1\] dims\) should contain the same number of dims "
     r"as destination \(\[0\] dims\)"),
    (lambda t: t.movedim((0, 0), (0, 1)), RuntimeError, r"movedim: repeated dim in `source` \(\[0, 0\]\)"),
    (lambda t: t.movedim((0, 1), (1, 1)), RuntimeError, r"movedim: repeated dim in `destination` \(\[1, 1\]\)"),
    (lambda t: t.diagonal(0, 1, 1), RuntimeError, "diagonal dimensions cannot be identical 1, 1"),
    (lambda t: t.unfold(0, 4, 1), RuntimeError, "maximum size for tensor at dimension 0 is 3 but size is 4"),
    (lambda t: t.unfold(0, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    (lambda t: t.unsqueeze(0).t(), RuntimeError, "t\\(\\) expects a tensor with <= 2 dimensions, but self is 3D"),
    (lambda t: t[0].mT, RuntimeError, "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."),
    (lambda t: t.expand_as(ember.empty(2, 3)), RuntimeError, "expand: the expanded size of the tensor"),
    (lambda t: t.split([1, 1]), RuntimeError,
     r"split_with_sizes expects split_sizes to sum exactly to 3 \(input tensor's size at dimension 0\), but got "
     r"split_sizes=\[1, 1\]"),
    (lambda t: t.split(0), RuntimeError, "split_size can only be 0 if dimension size is 0, but got dimension size of 3"),
    (lambda t: t.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda t: t.unbind(2), IndexError, "Dimension out of range"),
    (lambda t: t.flip((0, 0)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda t: t.roll((1, 2), 0), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    (lambda t: t.roll((1, 2)), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:0"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, exc, msg = ERRORS[i]
    with pytest.raises(exc, match=msg):
        fn(ember.zeros(3, 4))


def test_0d_errors():
    s = ember.tensor(1.0)
    with pytest.raises(IndexError, match=r"select\(\) cannot be applied to a 0-dim tensor\."):
        s.select(0, 0)
    with pytest.raises(RuntimeError, match=r"narrow\(\) cannot be applied to a 0-dim tensor\."):
        s.narrow(0, 0, 1)
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        s.unbind()
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"):
        ember.ones(3).diagonal()


# ---- flip / roll: copies ----
@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (-1,), ()])
def test_flip(dims):
    for _, a in layouts((3, 4)):
        t = ember.from_numpy(a)
        r = t.flip(dims)
        np.testing.assert_array_equal(r.numpy(), np.flip(a, dims) if dims else a)
        assert not np.shares_memory(r.numpy(), a)
    assert ember.flip(ember.arange(3), 0).tolist() == [2, 1, 0]
    assert ember.tensor(2.0).flip(0).item() == 2.0


@pytest.mark.parametrize("shifts,dims", [(1, 0), (-1, 1), (5, 1), ((1, 2), (0, 1)), (3, None), (-7, None), (0, 0)])
def test_roll(shifts, dims):
    for _, a in layouts((3, 4)):
        t = ember.from_numpy(a)
        r = t.roll(shifts, dims) if dims is not None else t.roll(shifts)
        np.testing.assert_array_equal(r.numpy(), np.roll(a, shifts, dims))
        assert not np.shares_memory(r.numpy(), a)
    assert ember.roll(ember.arange(4), 1).tolist() == [3, 0, 1, 2]


def test_dtypes_keep():
    for dt in (ember.int64, ember.bool, ember.float16, ember.int8):
        t = ember.zeros(2, 3, dtype=dt)
        for v in (t.unsqueeze(0), t.select(0, 1), t.flip(0), t.roll(1, 1), t[::-1], t.diagonal()):
            assert v.dtype == dt


def _ident(a):
    return a


def test_transpose_permute_and_friends():
    check_op(lambda a: a.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2), T(), shapes=[((2, 3, 4),)],
             result=same_as_first, name="transpose(0, 2)")
    check_op(lambda a: ember.transpose(a, -1, 0), lambda a: np.swapaxes(a, -1, 0), T(),
             shapes=[((2, 3, 4),), ((5,),), ((0, 2),)], result=same_as_first, name="transpose(-1, 0)")
    check_op(lambda a: a.transpose(0, -1), _ident, T(), shapes=[((),)], result=same_as_first, name="transpose 0-d")
    check_op(lambda a: a.T, lambda a: a.T, T(), shapes=[((3, 4),), ((0, 2),)], result=same_as_first, name=".T")
    for perm in ((2, 0, 1), (0, 1, 2), (-1, 0, 1)):
        check_op(lambda a: a.permute(*perm), lambda a: np.transpose(a, perm), T(), shapes=[((2, 3, 4),)],
                 result=same_as_first, name=f"permute{perm}")
        check_op(lambda a: ember.permute(a, perm), lambda a: np.transpose(a, perm), T(), shapes=[((2, 0, 4),)],
                 result=same_as_first, name=f"ember.permute{perm}")
    check_op(lambda a: a.permute(()), _ident, T(), shapes=[((),)], result=same_as_first, name="permute 0-d")


def test_expand():
    check_op(lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), T(),
             shapes=[((3, 1),), ((4,),), ((),), ((1, 1, 4),)], result=same_as_first, name="expand")
    check_op(lambda a: a.expand(-1, 5), lambda a: np.broadcast_to(a, (a.shape[0], 5)), T(), shapes=[((3, 1),)],
             result=same_as_first, name="expand(-1, 5)")
    check_op(lambda a: a.expand((2, 0, 3)), lambda a: np.broadcast_to(a, (2, 0, 3)), T(), shapes=[((1, 3),)],
             result=same_as_first, name="expand to empty")


def test_view_reshape():
    for shape in ((4, 6), (-1,), (2, -1, 3), (24,), (1, 24, 1)):
        check_op(lambda a: a.view(*shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 layouts=("contiguous",), result=same_as_first, name=f"view{shape}")
        check_op(lambda a: a.reshape(shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 result=same_as_first, name=f"reshape{shape}")
        check_op(lambda a: ember.reshape(a, shape), lambda a: a.reshape(shape), T(), shapes=[((2, 3, 4),)],
                 layouts=("transposed", "negative"), result=same_as_first, name=f"ember.reshape{shape}")
    check_op(lambda a: a.reshape(()), lambda a: a.reshape(()), T(), shapes=[((1,),), ((),)], result=same_as_first,
             name="reshape to 0-d")
    check_op(lambda a: a.view(1, 1), lambda a: a.reshape(1, 1), T(), shapes=[((),)], result=same_as_first,
             name="view 0-d")
    check_op(lambda a: a.reshape(3, 0), lambda a: a.reshape(3, 0), T(), shapes=[((0, 3),)],
             result=same_as_first, name="reshape empty")
    with pytest.raises(RuntimeError, match="invalid for input of size 0"):
        ember.zeros(0, 3).reshape(0, -1)  # -1 is ambiguous for 0 elements (PyTorch and numpy refuse it too)


def test_views_share_memory_with_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = ember.from_numpy(a)
    for v in (t.view(6, 4), t.reshape(4, 6), t.transpose(0, 1), t.permute(2, 0, 1), t.expand(5, 2, 3, 4),
              t.contiguous()):
        assert v.data_ptr() == t.data_ptr()
    v = t.transpose(0, 2)
    v.fill_(-1.0)
    assert (a == -1).all()
    c = t.clone()
    assert c.data_ptr() != t.data_ptr()
    c.fill_(5.0)
    assert (a == -1).all()
    assert t.T.contiguous().data_ptr() != t.data_ptr()


def test_view_non_contiguous_that_works():
    a = np.arange(48.0).reshape(4, 3, 4)[::2]  # (2, 3, 4), the first dim strided
    t = ember.from_numpy(a)
    v = t.view(2, 12)
    np.testing.assert_array_equal(v.numpy(), a.reshape(2, 12))
    assert np.shares_memory(v.numpy(), a)


def test_base_and_is_view():
    # PyTorch's Tensor._base: the tensor a view ultimately views; None for a non-view.
    x = ember.arange(6.0)
    assert x._base is None and not x._is_view()
    v = x.reshape(2, 3)
    assert v._base is x and v._is_view()
    w = v[0].unsqueeze(0)
    assert w._base is x  # a view of a view names the ultimate base
    assert x.clone()._base is None


def test_empty_slice_storage_offset():
    # As PyTorch: an empty slice starts at its (clamped) start, x[1:1] has offset 1, x[9:] offset 6.
    x = ember.arange(6.0)
    assert x[1:1].storage_offset() == 1
    assert x[9:].storage_offset() == 6
    assert x[4:2].storage_offset() == 4
    assert x[1:1].numel() == 0 and x[1:1].tolist() == []
    m = ember.arange(12.0).reshape(3, 4)
    assert m[:, 2:2].storage_offset() == 2 and m[:, 2:2].shape == (3, 0)
