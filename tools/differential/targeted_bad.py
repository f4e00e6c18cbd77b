"""Bad inputs: huge and negative sizes, bad dims and indices, overlapping writes, scalar ranges."""
from __future__ import annotations

from targeted import check

G = 2 ** 62


# ------------------------------------------------------------------------------ sizes
@check("size")
def zeros_2e62(L): return L.zeros(G).shape
@check("size")
def randn_2e62(L): return L.randn(G).shape
@check("size")
def rand_2e62(L): return L.rand(G).shape
@check("size")
def randint_2e62(L): return L.randint(0, 5, (G,)).shape
@check("size")
def full_2e62(L): return L.full((G,), 1.0).shape
@check("size")
def arange_2e62(L): return L.arange(0, G).shape
@check("size")
def linspace_2e62(L): return L.linspace(0, 1, G).shape
@check("size")
def eye_2e40(L): return L.eye(2 ** 40).shape
@check("size")
def empty_fill_2e62(L): return L.empty(G).fill_(1).shape
@check("size")
def empty_index_overflow(L): return L.empty(2 ** 32, 2 ** 32, 4)[5, 5, 0].item()
@check("size")
def ones_numel_overflow(L): return L.ones(2 ** 40, 2 ** 40).numel()
@check("size")
def product_overflow_3d(L): return L.zeros(2 ** 31, 2 ** 31, 4).shape
@check("size")
def bytes_overflow_f64(L): return L.zeros(2 ** 61, dtype=L.float64).shape
@check("size")
def expand_negative(L): return L.ones(1).expand(-2).shape
@check("size")
def expand_huge_ok(L): return list(L.ones(1).expand(G).shape)
@check("size")
def empty_negative(L): return L.empty(-1).shape
@check("size")
def zeros_negative_2d(L): return L.zeros(2, -3).shape
@check("size")
def view_two_minus_ones(L): return L.ones(2, 3).view(-1, -1).shape
@check("size")
def reshape_minus_two(L): return L.ones(6).reshape(-2, 3).shape
@check("size")
def new_zeros_2e62(L): return L.ones(1).new_zeros(G).shape
@check("size")
def as_strided_huge_stride(L): return L.ones(4).as_strided((2,), (G,)).shape
@check("size")
def as_strided_negative_stride(L): return L.ones(4).as_strided((2,), (-1,)).shape
@check("size")
def as_strided_oob(L): return L.ones(4).as_strided((3,), (2,)).shape
@check("size")
def float_size(L): return L.zeros(2.5).shape
@check("size")
def size_2e64(L): return L.zeros(2 ** 64).shape
@check("size")
def repeat_overflow(L): return L.ones(2, 2).repeat(G, G).shape
@check("size")
def arange_bad_step(L): return L.arange(0, 10, 0).shape
@check("size")
def arange_inf(L): return L.arange(0, float("inf")).shape
@check("size")
def arange_nan(L): return L.arange(0, float("nan")).shape
@check("size")
def linspace_negative(L): return L.linspace(0, 1, -1).shape
@check("size")
def randperm_negative(L): return L.randperm(-3).shape
@check("size")
def narrow_huge(L): return L.ones(4).narrow(0, 1, G).shape
@check("size")
def unfold_huge_step(L): return L.ones(4).unfold(0, 2, G).shape
@check("size")
def tile_huge(L): return L.ones(3).tile((G,)).shape
@check("size")
def select_huge_index(L): return L.ones(3).select(0, 2 ** 63 - 1).shape
@check("size")
def getitem_2e64(L): return L.ones(3)[2 ** 64].shape
@check("size")
def expand_then_contiguous_huge(L): return L.ones(1).expand(2 ** 40).contiguous().shape


# ------------------------------------------------------------------------------ dims and indices
def _t(L):
    return L.arange(12.0).reshape(3, 4)


@check("dims")
def sum_dim_5(L): return _t(L).sum(5)
@check("dims")
def transpose_9(L): return _t(L).transpose(0, 9)
@check("dims")
def getitem_5(L): return _t(L)[5]
@check("dims")
def getitem_neg4(L): return _t(L)[-4]
@check("dims")
def getitem_list_oob(L): return _t(L)[[5]]
@check("dims")
def getitem_too_many(L): return _t(L)[1, 2, 3]
@check("dims")
def getitem_float(L): return _t(L)[1.5]
@check("dims")
def getitem_str(L): return _t(L)["a"]
@check("dims")
def setitem_oob(L):
    t = _t(L)
    t[3] = 1
    return t
@check("dims")
def gather_oob(L): return L.gather(_t(L), 1, L.tensor([[4]]))
@check("dims")
def gather_int32(L): return L.gather(_t(L), 1, L.tensor([[1], [0], [3]], dtype=L.int32))
@check("dims")
def scatter_oob(L): return L.zeros(3, 4).scatter(1, L.tensor([[4]]), L.ones(1, 1))
@check("dims")
def scatter_add_int32(L): return L.zeros(3, 4).scatter_add(1, L.tensor([[1]], dtype=L.int32), L.ones(1, 1))
@check("dims")
def take_along_dim_negative(L): return L.take_along_dim(_t(L), L.tensor([[-1], [0], [-4]]), 1)
@check("dims")
def index_select_2d(L): return L.index_select(_t(L), 0, L.tensor([[0, 1]]))
@check("dims")
def index_select_oob(L): return L.index_select(_t(L), 0, L.tensor([3]))
@check("dims")
def cat_empty_list(L): return L.cat([])
@check("dims")
def stack_empty_list(L): return L.stack([])
@check("dims")
def cat_shape_mismatch(L): return L.cat([L.ones(2, 3), L.ones(2, 4)])
@check("dims")
def cat_0d(L): return L.cat([L.tensor(1.0), L.tensor(2.0)])
@check("dims")
def cat_legacy_empty(L): return L.cat([L.ones(2, 3), L.ones(0)])
@check("dims")
def cat_mixed_dtypes(L): return L.cat([L.ones(2, dtype=L.int8), L.ones(2, dtype=L.float16), L.ones(1, dtype=L.bool)])
@check("dims")
def stack_shape_mismatch(L): return L.stack([L.ones(2), L.ones(3)])
@check("dims")
def squeeze_9(L): return _t(L).squeeze(9)
@check("dims")
def permute_wrong_len(L): return _t(L).permute(0)
@check("dims")
def permute_dup(L): return _t(L).permute(0, 0)
@check("dims")
def movedim_dup(L): return L.movedim(_t(L), (0, 0), (0, 1))
@check("dims")
def float_multi(L): return float(_t(L))
@check("dims")
def int_empty(L): return int(L.ones(0))
@check("dims")
def bool_multi(L): return bool(_t(L))
@check("dims")
def item_multi(L): return _t(L).item()
@check("dims")
def len_0d(L): return len(L.tensor(1.0))
@check("dims")
def iter_0d(L): return list(L.tensor(1.0))
@check("dims")
def invert_float(L): return ~_t(L)
@check("dims")
def invert_bool(L): return ~L.tensor([True, False])
@check("dims")
def matmul_0d(L): return _t(L) @ L.tensor(2.0)
@check("dims")
def matmul_shape_mismatch(L): return _t(L) @ L.ones(3)
@check("dims")
def neg_bool(L): return -L.tensor([True])
@check("dims")
def sub_bool(L): return L.tensor([True]) - L.tensor([False])
@check("dims")
def view_noncontig(L): return _t(L).t().view(12)
@check("dims")
def kthvalue_oob(L): return L.kthvalue(L.ones(3), 4)
@check("dims")
def topk_oob(L): return L.topk(L.ones(3), 4)
@check("dims")
def multinomial_negative(L): return L.multinomial(L.tensor([-1.0, 2.0]), 1)
@check("dims")
def where_one_arg(L): return L.where(L.tensor([0, 1, 2]))
@check("dims")
def div_rounding_floor(L): return L.div(L.tensor([-7, 7]), 2, rounding_mode="floor")
@check("dims")
def div_rounding_trunc(L): return L.div(L.tensor([-7.0, 7.0]), 2, rounding_mode="trunc")
@check("dims")
def lshift(L): return L.tensor([1, 2]) << 2
@check("dims")
def rshift(L): return L.tensor([8, -8]) >> 1
@check("dims")
def view_dtype(L): return L.ones(2, dtype=L.float32).view(L.int32)
@check("dims")
def random_no_args(L): return L.zeros(3, dtype=L.int8).random_().shape
@check("dims")
def floor_divide_empty_by_zero(L): return L.floor_divide(L.ones(0, dtype=L.int64), 0)
@check("dims")
def remainder_empty_by_zero(L): return L.remainder(L.ones(0, dtype=L.int64), 0)
@check("dims")
def fmod_empty_by_zero(L): return L.fmod(L.ones(0, dtype=L.int32), 0)
@check("dims")
def int_div_by_zero(L): return L.floor_divide(L.ones(2, dtype=L.int64), 0)
@check("dims")
def matmul_zero_k_noncontig(L): return L.matmul(L.ones(3, 8)[:, ::2][:, :0], L.ones(0, 5))
@check("dims")
def bmm_zero_k_noncontig(L): return L.bmm(L.ones(2, 3, 4)[:, :, :0], L.ones(2, 0, 5))
@check("dims")
def bmm_zero_k_strided(L): return L.bmm(L.ones(2, 3, 0), L.ones(2, 0, 6)[:, :, ::2])
@check("dims")
def baddbmm_zero_k_strided(L): return L.baddbmm(L.ones(2, 3, 3), L.ones(2, 3, 0), L.ones(2, 0, 6)[:, :, ::2])
@check("dims")
def matmul_3d_zero_k_strided(L): return L.matmul(L.ones(2, 3, 0), L.ones(2, 0, 6)[:, :, ::2])
@check("dims")
def addmm_alpha0_inf(L): return L.addmm(L.ones(2, 2), L.full((2, 2), float("inf")), L.ones(2, 2), alpha=0)
@check("dims")
def baddbmm_alpha0_inf(L): return L.baddbmm(L.ones(1, 2, 2), L.full((1, 2, 2), float("inf")), L.ones(1, 2, 2), alpha=0)
@check("dims")
def addmm_int_float_alpha(L): return L.addmm(L.ones(2, 2, dtype=L.int64), L.ones(2, 2, dtype=L.int64), L.ones(2, 2, dtype=L.int64), alpha=0.5)
@check("dims")
def tril_nan(L): return L.tril(L.full((3, 3), float("nan")))
@check("dims")
def triu_inf(L): return L.triu(L.full((3, 3), float("inf")))
@check("dims")
def clamp_nan_bound(L): return L.clamp(L.tensor([1.0, 2.0]), min=float("nan"))
@check("dims")
def isclose_int16_overflow(L): return L.isclose(L.tensor([32767], dtype=L.int16), L.tensor([-1], dtype=L.int16))
@check("dims")
def allclose_int_overflow(L): return L.allclose(L.tensor([2 ** 62], dtype=L.int64), L.tensor([-2 ** 62], dtype=L.int64))


# ------------------------------------------------------------------------------ overlapping writes
@check("overlap")
def copy_partial_overlap(L):
    x = L.arange(6.0)
    x[1:].copy_(x[:-1])
    return x
@check("overlap")
def add_out_partial_overlap(L):
    x = L.arange(6.0)
    L.add(x[:-1], 1, out=x[1:])
    return x
@check("overlap")
def expanded_inplace(L): return L.ones(3, 1).expand(3, 3).add_(1)
@check("overlap")
def expanded_copy(L): return L.zeros(1).expand(3).copy_(L.arange(3.0))
@check("overlap")
def self_add_inplace(L):
    x = L.arange(4.0)
    return x.add_(x)
@check("overlap")
def iadd_shifted(L):
    x = L.arange(6.0)
    x[1:] += x[:-1]
    return x
@check("overlap")
def out_is_input(L):
    x = L.arange(4.0)
    return L.mul(x, 2, out=x)
@check("overlap")
def index_put_dup_accumulate(L):
    x = L.zeros(3)
    return x.index_put_((L.tensor([0, 0, 2]),), L.tensor([1.0, 2.0, 3.0]), accumulate=True)
@check("overlap")
def scatter_add_dup(L): return L.zeros(3).scatter_add(0, L.tensor([1, 1, 1]), L.ones(3))
@check("overlap")
def masked_fill_expanded(L): return L.zeros(1).expand(3).masked_fill_(L.tensor([True, False, True]), 1.0)
@check("overlap")
def out_resize_view(L):
    base = L.zeros(6)
    L.add(L.ones(4), 1, out=base[:2])
    return base.shape
@check("overlap")
def unary_out_expanded(L): return L.neg(L.ones(3), out=L.zeros(1).expand(3))


# ------------------------------------------------------------------------------ Python scalars and ranges
@check("scalar")
def tensor_300_uint8(L): return L.tensor([300], dtype=L.uint8)
@check("scalar")
def tensor_neg_uint8(L): return L.tensor([-1], dtype=L.uint8)
@check("scalar")
def full_2e40_int32(L): return L.full((2,), 2 ** 40, dtype=L.int32)
@check("scalar")
def fill_300_int8(L): return L.zeros(2, dtype=L.int8).fill_(300)
@check("scalar")
def masked_fill_300_uint8(L): return L.zeros(2, dtype=L.uint8).masked_fill(L.tensor([True, False]), 300)
@check("scalar")
def setitem_300_int8(L):
    t = L.zeros(2, dtype=L.int8)
    t[0] = 300
    return t
@check("scalar")
def linspace_int8_range(L): return L.linspace(0, 300, 5, dtype=L.int8)
@check("scalar")
def randint_uint8_300(L): return L.randint(0, 300, (3,), dtype=L.uint8).shape
@check("scalar")
def random_uint8_300(L): return L.zeros(3, dtype=L.uint8).random_(0, 300).shape
@check("scalar")
def randperm_int8_300(L): return L.randperm(300, dtype=L.int8).shape
@check("scalar")
def uint8_plus_neg1(L): return L.tensor([1, 2], dtype=L.uint8) + (-1)
@check("scalar")
def uint8_eq_neg1(L): return L.tensor([255], dtype=L.uint8) == -1
@check("scalar")
def uint8_or_neg1(L): return L.tensor([1], dtype=L.uint8) | -1
@check("scalar")
def int8_eq_1000(L): return L.tensor([1], dtype=L.int8) == 1000
@check("scalar")
def int8_lt_1000(L): return L.tensor([1], dtype=L.int8) < 1000
@check("scalar")
def int8_plus_2e40(L): return L.tensor([1], dtype=L.int8) + 2 ** 40
@check("scalar")
def int64_plus_2e63(L): return L.tensor([1]) + 2 ** 63
@check("scalar")
def tensor_2e64(L): return L.tensor(2 ** 64)
@check("scalar")
def tensor_2e63(L): return L.tensor(2 ** 63)
@check("scalar")
def f16_plus_1e10(L): return L.ones(1, dtype=L.float16) + 1e10
@check("scalar")
def int_tensor_float_fill(L): return L.zeros(2, dtype=L.int32).fill_(2.7)
@check("scalar")
def bool_fill_2(L): return L.zeros(2, dtype=L.bool).fill_(2)
@check("scalar")
def arange_int8_dtype_range(L): return L.arange(0, 300, 100, dtype=L.int8)
@check("scalar")
def clamp_int_float_bound(L): return L.clamp(L.tensor([1, 5]), 1.5, 3.5)
@check("scalar")
def pow_int_neg(L): return L.tensor([2, 3]) ** -1
@check("scalar")
def pow_scalar_base_int(L): return 2 ** L.tensor([1, 2])
@check("scalar")
def sum_int_dtype_requires_grad(L): return L.ones(2, requires_grad=True).sum(dtype=L.int64)
@check("scalar")
def cumsum_int_dtype_requires_grad(L): return L.ones(2, requires_grad=True).cumsum(0, dtype=L.int64)
@check("scalar")
def prod_int_dtype_requires_grad(L): return L.ones(2, requires_grad=True).prod(dtype=L.int32)
@check("scalar")
def out_dtype_sign(L): return L.sign(L.ones(2), out=L.empty(2, dtype=L.int64))
@check("scalar")
def out_dtype_floor(L): return L.floor(L.ones(2), out=L.empty(2, dtype=L.int64))
@check("scalar")
def out_dtype_abs(L): return L.abs(L.ones(2), out=L.empty(2, dtype=L.int64))
@check("scalar")
def out_dtype_clamp(L): return L.clamp(L.ones(2), 0, 1, out=L.empty(2, dtype=L.int64))
@check("scalar")
def out_cat(L): return L.cat([L.ones(2), L.ones(1)], out=L.empty(3))
@check("scalar")
def out_matmul(L): return L.matmul(L.ones(2, 2), L.ones(2, 2), out=L.empty(2, 2))
@check("scalar")
def out_mm(L): return L.mm(L.ones(2, 2), L.ones(2, 2), out=L.empty(0))
@check("scalar")
def index_add_alpha(L): return L.zeros(3).index_add(0, L.tensor([0, 2]), L.ones(2), alpha=2)
@check("scalar")
def scatter_reduce_arg(L): return L.zeros(3).scatter(0, L.tensor([0, 0]), L.ones(2), reduce="add")
@check("scalar")
def lerp_tensor_weight(L): return L.lerp(L.zeros(2), L.ones(2), L.tensor([0.25, 0.5]))
@check("scalar")
def as_tensor_list(L): return L.as_tensor([1, 2])
