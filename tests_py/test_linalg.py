"""matmul (every rank, BLAS layouts), mm, mv, bmm, dot, outer, addmm, baddbmm, tensordot, einsum against
numpy; gradients via gradcheck."""
import numpy as np
import pytest

import ember
from ember.autograd import gradcheck
import op_check
from op_check import check_op


rng = np.random.default_rng(4)


def T(*shape, transposed=False):
    a = rng.standard_normal(shape)
    if transposed:
        a = np.ascontiguousarray(a.T).T
    return a, ember.from_numpy(a)


def test_matrix_products():
    (a, A), (b, B) = T(3, 4, transposed=True), T(4, 5)
    np.testing.assert_allclose(ember.mm(A, B).numpy(), a @ b)
    (v, V) = T(4)
    np.testing.assert_allclose(ember.mv(A, V).numpy(), a @ v)
    (c, C), (d, D) = T(2, 3, 4), T(2, 4, 5)
    np.testing.assert_allclose(ember.bmm(C, D).numpy(), c @ d)
    (w, W) = T(4)
    np.testing.assert_allclose(ember.dot(V, W).numpy(), v @ w)
    np.testing.assert_allclose(ember.outer(V, W).numpy(), np.outer(v, w))
    (s, S) = T(5)
    np.testing.assert_allclose(ember.addmm(S, A, B, beta=0.5, alpha=2).numpy(), 0.5 * s + 2 * (a @ b))
    nan = ember.full((3, 5), float("nan"), dtype=ember.float64)
    np.testing.assert_allclose(ember.addmm(nan, A, B, beta=0).numpy(), a @ b)  # beta=0 ignores self
    (e, E) = T(2, 3, 5)
    np.testing.assert_allclose(ember.baddbmm(E, C, D, alpha=0.5).numpy(), e + 0.5 * (c @ d))
    f32 = ember.mm(A.float(), B.float())
    assert f32.dtype == ember.float32


def test_float32_gemm_overwrites_reused_memory():
    # The output of a float32 product comes from the caching allocator and may hold NaNs from an
    # earlier tensor: the GEMM (beta = 0) must overwrite it, also when k == 0.
    for n, k, m in ((300, 200, 100), (300, 0, 100), (1, 7, 1)):
        for _ in range(3):
            junk = ember.full((n, m), float("nan"))
            del junk
            a = rng.standard_normal((n, k)).astype(np.float32)
            b = rng.standard_normal((k, m)).astype(np.float32)
            got = (ember.from_numpy(a) @ ember.from_numpy(b)).numpy()
            np.testing.assert_allclose(got, a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)
    # batched, both operands transposed, one batch stride 0 (a broadcast operand)
    a = rng.standard_normal((4, 96, 70)).astype(np.float32)
    b = rng.standard_normal((50, 96)).astype(np.float32)
    got = ember.matmul(ember.from_numpy(a).mT, ember.from_numpy(b).T).numpy()
    np.testing.assert_allclose(got, np.swapaxes(a, 1, 2).astype(np.float64) @ b.T, rtol=1e-4, atol=1e-4)


def test_products_errors():
    A = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match="mm: self must be a 2-D tensor"):
        ember.mm(ember.ones(3), A)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied \\(2x3 and 2x3\\)"):
        ember.mm(A, A)
    with pytest.raises(RuntimeError, match="1D tensors expected, but got 2D and 1D tensors"):
        ember.dot(A, ember.ones(3))
    with pytest.raises(RuntimeError, match="inconsistent tensor size"):
        ember.dot(ember.ones(3), ember.ones(4))
    with pytest.raises(RuntimeError, match="same batch size"):
        ember.bmm(ember.ones(2, 2, 2), ember.ones(3, 2, 2))
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        ember.mm(A, ember.ones(3, 2, dtype=ember.float64))


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->", [(3, 4)]), ("ij->ji", [(3, 4)]), ("i,j->ij", [(3,), (4,)]), ("i,i->", [(5,), (5,)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]), ("bij,jk,bkl->bil", [(2, 3, 4), (4, 4), (2, 4, 5)]),
    ("ij,kj->ik", [(3, 4), (5, 4)]), ("abc->ca", [(2, 3, 4)]), ("ij,ij->i", [(3, 4), (1, 4)]),
    ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("bii->bi", [(2, 3, 3)]), ("iji->j", [(3, 4, 3)]),
    ("ii,jj->ij", [(3, 3), (2, 2)]),
])
def test_einsum_matches_numpy(eq, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    got = ember.einsum(eq, *[ember.from_numpy(a) for a in arrays])
    np.testing.assert_allclose(got.numpy(), np.einsum(eq, *arrays), rtol=1e-10, atol=1e-12)
    assert ember.einsum(eq, [ember.from_numpy(a) for a in arrays]).shape == got.shape


def test_einsum_errors():
    with pytest.raises(RuntimeError, match="does not match the number of dimensions"):
        ember.einsum("ijk,jk", ember.ones(2, 3), ember.ones(3, 3))
    with pytest.raises(RuntimeError, match="subscript i is repeated for operand 0 but the sizes don't match|do not broadcast"):
        ember.einsum("ii->i", ember.ones(3, 4))
    with pytest.raises(RuntimeError, match="output subscript z does not appear"):
        ember.einsum("ij->z", ember.ones(2, 2))


def test_tensordot_matches_numpy():
    (a, A), (b, B) = T(2, 3, 4), T(3, 4, 5)
    np.testing.assert_allclose(ember.tensordot(A, B, 2).numpy(), np.tensordot(a, b, 2))
    np.testing.assert_allclose(ember.tensordot(A, B, ([1, 2], [0, 1])).numpy(), np.tensordot(a, b, ([1, 2], [0, 1])))
    (c, C) = T(4, 2)
    np.testing.assert_allclose(ember.tensordot(A, C, ([2, 0], [0, 1])).numpy(), np.tensordot(a, c, ([2, 0], [0, 1])))
    np.testing.assert_allclose(ember.tensordot(A, B, 0).numpy(), np.tensordot(a, b, 0))
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        ember.tensordot(A, B, ([0], [0]))


def test_gradients():
    def leaf(*s):
        return ember.from_numpy(rng.standard_normal(s)).requires_grad_()

    assert gradcheck(ember.mm, (leaf(3, 4), leaf(4, 2)))
    assert gradcheck(ember.mv, (leaf(3, 4), leaf(4)))
    assert gradcheck(ember.bmm, (leaf(2, 3, 4), leaf(2, 4, 2)))
    assert gradcheck(ember.dot, (leaf(4), leaf(4)))
    assert gradcheck(ember.outer, (leaf(3), leaf(2)))
    assert gradcheck(lambda s, a, b: ember.addmm(s, a, b, beta=0.5, alpha=2.0), (leaf(2), leaf(3, 4), leaf(4, 2)))
    assert gradcheck(lambda s, a, b: ember.baddbmm(s, a, b, alpha=0.5), (leaf(2, 3, 2), leaf(2, 3, 4), leaf(2, 4, 2)))
    assert gradcheck(lambda a, b: ember.tensordot(a, b, ([1, 2], [0, 1])), (leaf(2, 3, 4), leaf(3, 4, 2)))
    assert gradcheck(lambda a, b, c: ember.einsum("bij,jk,bkl->bil", a, b, c), (leaf(2, 2, 3), leaf(3, 3), leaf(2, 3, 2)))
    assert gradcheck(lambda a: ember.einsum("ii->i", a), (leaf(3, 3),))


MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (3, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,)),
                 ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((1, 1), (1, 1)), ((4, 1), (1, 5))]


def test_matmul():
    check_op(ember.matmul, np.matmul, op_check.T(), op_check.T(), dtypes=(ember.float32, ember.float64, ember.int64),
             shapes=MATMUL_SHAPES, result=op_check.same_as_first, name="matmul")
    check_op(lambda a, b: a @ b, np.matmul, op_check.T(), op_check.T(), dtypes=(ember.float32, ember.float64), shapes=MATMUL_SHAPES,
             layouts=("transposed", "negative"), result=op_check.same_as_first, name="@")
    check_op(lambda a, b: a.matmul(b), np.matmul, op_check.T(), op_check.T(), dtypes=op_check.INT_DTYPES + (ember.float16, ember.bfloat16),
             shapes=MATMUL_SHAPES[:6], layouts=("contiguous", "transposed"), result=op_check.same_as_first,
             name="Tensor.matmul")


def test_matmul_larger_blas_layouts():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((64, 48)), rng.standard_normal((48, 80))
    for x in (a, np.asfortranarray(a), a[::-1], np.ascontiguousarray(a.T).T):
        for y in (b, b[:, ::-1], np.ascontiguousarray(b.T).T, b[::1, ::2]):
            for dt in (np.float32, np.float64):
                xe, ye = x.astype(dt) if x.flags.c_contiguous else x.astype(dt, order="K"), y.astype(dt, order="K")
                got = (ember.from_numpy(xe) @ ember.from_numpy(ye)).numpy()
                np.testing.assert_allclose(got, xe.astype(np.float64) @ ye.astype(np.float64),
                                           rtol=1e-4 if dt == np.float32 else 1e-12, atol=1e-4 if dt == np.float32
                                           else 1e-12)
