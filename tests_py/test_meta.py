"""The meta device over every op of the schema: each op runs on CPU tensors and on meta tensors built
from the same inputs, and the results must agree in shape, dtype and strides (meta results on the meta
device). Ops whose output shape depends on the data raise a clear error on meta. An op of
src/ops/*.yaml without a case here fails test_every_schema_op_has_a_meta_case."""
import glob
import os

import pytest
import yaml

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def schema_ops():
    names = []
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "ops", "*.yaml"))):
        with open(path) as f:
            for entry in yaml.safe_load(f) or []:
                name = entry["op"].split("(")[0].strip()
                names.append(name.split(".")[0])  # an overload suffix (add.Tensor) names the same op
    return sorted(set(names))


def fn(name):
    """ember.<name>, else the private binding ember._C.<name>."""
    return getattr(ember, name) if hasattr(ember, name) else getattr(ember._C, name)


class D:
    """Builds a case's inputs on one device: the same values on every device (a fixed seed, made on the
    CPU, then moved), so a case's CPU run is valid input for its meta run."""

    def __init__(self, dev, grad=False):
        self.dev = dev
        self.gen = ember.Generator().manual_seed(0)
        self.grad = grad  # floating tensors from t() are leaves that require grad
        self.leaves = []

    def cpu(self, *shape, dtype=ember.float32):  # the values, on the CPU
        x = ember.randn(shape, generator=self.gen, dtype=ember.float64)
        if dtype == ember.bool:
            return x > 0
        if not dtype.is_floating_point:
            return (x * 3).to(dtype) if dtype != ember.uint8 else (x.abs() * 3).to(dtype)
        return x.to(dtype)

    def t(self, *shape, dtype=ember.float32):
        x = self.cpu(*shape, dtype=dtype).to(self.dev)
        if self.grad and dtype.is_floating_point:
            self.leaves.append(x.requires_grad_())
        return x

    def w(self, *shape, dtype=ember.float32):  # a tensor in-place ops may write (not a leaf)
        return self.t(*shape, dtype=dtype).clone()

    def pos(self, *shape, dtype=ember.float32):  # strictly positive values (probabilities, logs)
        return (self.cpu(*shape, dtype=ember.float64).abs() + 0.1).to(dtype).to(self.dev)

    def i(self, values, dtype=ember.int64):  # an index tensor from a (nested) list
        return ember.tensor(values, dtype=dtype).to(self.dev)

    def mask(self, *shape):
        return self.t(*shape, dtype=ember.bool)

    def nc(self, *shape):  # a non-contiguous view (transposed)
        return self.t(*reversed(shape)).t() if len(shape) == 2 else self.t(*shape)[..., ::2]


_IX = [[0, 2, 1, 0], [1, 0, 2, 2]]  # valid for dim 0 of a [3, 4] tensor and an index of shape [2, 4]

# op name -> list of cases; a case takes a D and returns the op's result(s).
CASES = {
    # advanced_indexing.yaml
    "gather": [lambda d: d.t(3, 4).gather(0, d.i(_IX)), lambda d: ember.gather(d.t(3, 4), 1, d.i([[0], [3], [1]]))],
    "scatter_": [lambda d: d.w(3, 4).scatter_(0, d.i(_IX), d.t(2, 4)), lambda d: d.w(3, 4).scatter_(1, d.i(_IX), 0.5)],
    "scatter": [lambda d: ember.scatter(d.t(3, 4), 0, d.i(_IX), d.t(2, 4)), lambda d: d.t(3, 4).scatter(0, d.i(_IX), 2.0)],
    "scatter_add_": [lambda d: d.w(3, 4).scatter_add_(0, d.i(_IX), d.t(2, 4))],
    "scatter_add": [lambda d: ember.scatter_add(d.t(3, 4), 0, d.i(_IX), d.t(2, 5))],
    "index_select": [lambda d: d.t(3, 4).index_select(1, d.i([3, 0, 3])), lambda d: ember.index_select(d.t(5), 0, d.i([4]))],
    "index_add": [lambda d: d.t(3, 4).index_add(0, d.i([0, 0, 2]), d.t(3, 4))],
    "masked_fill_": [lambda d: d.w(3, 4).masked_fill_(d.mask(3, 4), 0.5), lambda d: d.w(3, 4).masked_fill_(d.mask(4), d.t())],
    "masked_fill": [lambda d: d.t(3, 4).masked_fill(d.mask(4), 1), lambda d: ember.masked_fill(d.t(2, 3), d.mask(2, 1), 2.0)],
    "take_along_dim": [lambda d: ember.take_along_dim(d.t(3, 4), d.i([[0], [3], [1]]), 1),
                       lambda d: d.t(3, 4).take_along_dim(d.i([0, 11, 5]))],
    "index_put_": [lambda d: d.w(3, 4).index_put_((d.i([0, 2]), d.i([1, 3])), d.t(2)),
                   lambda d: d.w(3, 4).index_put_((ember.tensor([0, 2]),), d.t(4))],
    "index_put": [lambda d: d.t(3, 4).index_put((d.i([0, 2]),), d.t(4), accumulate=True)],
    "_index_gather": [lambda d: fn("_index_gather")(d.t(3, 4, 5), d.i([[0, 2, 1], [3, 0, 0]]))],
    "_index_scatter_": [lambda d: fn("_index_scatter_")(d.w(3, 4), d.i([[0, 2], [1, 3]]), d.t(2), False)],
    "_index_scatter": [lambda d: fn("_index_scatter")(d.t(3, 4), d.i([[0, 2]]), d.t(2, 4), True)],
    "_index_scatter_self_backward": [lambda d: fn("_index_scatter_self_backward")(d.t(3, 4), d.i([[0, 2]]), False)],
    # elementwise.yaml
    "eq": [lambda d: d.t(3, 4) == d.t(4), lambda d: ember.eq(d.t(3, 1), 0)],
    "ne": [lambda d: d.t(3, 4) != d.t(3, 4, dtype=ember.int32)],
    "lt": [lambda d: d.t(2, 3) < 0.5], "le": [lambda d: ember.le(d.t(3), d.t(2, 1))],
    "gt": [lambda d: d.t(2, 3, dtype=ember.int64).gt(d.t(3))], "ge": [lambda d: d.t(2, 3) >= d.t()],
    "abs": [lambda d: d.t(3, 4).abs(), lambda d: ember.abs(d.nc(3, 4))],
    "reciprocal": [lambda d: d.t(3, dtype=ember.int32).reciprocal()],
    "square": [lambda d: d.t(3, dtype=ember.bool).square(), lambda d: d.w(2, 3).square_()],
    "sqrt": [lambda d: d.pos(3, 4).sqrt(), lambda d: ember.sqrt(d.t(3, dtype=ember.int64))],
    "rsqrt": [lambda d: d.pos(3).rsqrt()], "exp2": [lambda d: d.t(2, 3, dtype=ember.float64).exp2()],
    "expm1": [lambda d: d.t(4).expm1()], "log2": [lambda d: d.pos(4).log2()], "log10": [lambda d: d.pos(4).log10()],
    "log1p": [lambda d: d.pos(4).log1p()], "sin": [lambda d: d.nc(3, 4).sin()], "cos": [lambda d: d.t(3).cos()],
    "tan": [lambda d: d.t(3).tan()], "asin": [lambda d: d.t(3).asin()], "acos": [lambda d: d.t(3).acos()],
    "atan": [lambda d: d.t(3).atan()], "sinh": [lambda d: d.t(3).sinh()], "cosh": [lambda d: d.t(3).cosh()],
    "erf": [lambda d: d.t(3).erf()], "floor": [lambda d: d.t(3).floor()], "ceil": [lambda d: d.t(3).ceil()],
    "round": [lambda d: d.t(3).round(), lambda d: ember.round(d.t(2, 2), decimals=2)],
    "trunc": [lambda d: d.t(3).trunc()], "sign": [lambda d: d.t(3, dtype=ember.int8).sign()],
    "silu": [lambda d: d.t(3).silu()], "gelu": [lambda d: ember.gelu(d.t(3), approximate="tanh")],
    "maximum": [lambda d: ember.maximum(d.t(3, 1), d.t(4, dtype=ember.float64))],
    "minimum": [lambda d: d.t(3).minimum(d.t(3))], "atan2": [lambda d: ember.atan2(d.t(2, 3), d.t(3))],
    "floor_divide": [lambda d: d.t(3, dtype=ember.int64) // 2], "remainder": [lambda d: 5 % d.pos(2, 3)],
    "fmod": [lambda d: ember.fmod(d.t(2, 3), 1.5)],
    "lerp": [lambda d: ember.lerp(d.t(2, 3), d.t(3), 0.25)],
    "clamp": [lambda d: d.t(3, 4).clamp(-0.5, 0.5), lambda d: d.t(3, dtype=ember.int64).clamp(max=1.5)],
    "nan_to_num": [lambda d: (d.t(3) / 0).nan_to_num()],
    "where": [lambda d: ember.where(d.mask(3, 1), d.t(4), d.t(3, 4, dtype=ember.float64)),
              lambda d: ember.where(d.mask(3), 1.0, d.t(3))],
    "isnan": [lambda d: d.t(3).isnan()], "isinf": [lambda d: ember.isinf(d.t(2, 2))],
    "isfinite": [lambda d: d.t(3, dtype=ember.int32).isfinite()],
    "logical_and": [lambda d: ember.logical_and(d.t(3), d.mask(2, 3))],
    "logical_or": [lambda d: d.mask(3).logical_or(d.mask(3))], "logical_xor": [lambda d: d.t(3).logical_xor(d.t(3))],
    "logical_not": [lambda d: ember.logical_not(d.t(3, 4))],
    "bitwise_and": [lambda d: d.t(3, dtype=ember.int32) & d.t(3, dtype=ember.int64)],
    "bitwise_or": [lambda d: d.mask(3) | True], "bitwise_xor": [lambda d: d.t(3, dtype=ember.uint8) ^ 7],
    "bitwise_left_shift": [lambda d: d.t(3, dtype=ember.uint8) << 2, lambda d: 1 << d.t(2, 3, dtype=ember.int32)],
    "bitwise_right_shift": [lambda d: d.t(3, 4, dtype=ember.int64) >> d.t(4, dtype=ember.int64)],
    "bitwise_not": [lambda d: ~d.t(2, 3, dtype=ember.int16)],
    "isclose": [lambda d: ember.isclose(d.t(3, 4), d.t(4))],
    # factories.yaml
    "empty": [lambda d: ember.empty(3, 4, device=d.dev), lambda d: ember.empty((2, 0), dtype=ember.int8, device=d.dev)],
    "zeros": [lambda d: ember.zeros(3, device=d.dev, dtype=ember.float64)],
    "ones": [lambda d: ember.ones(2, 3, device=d.dev, requires_grad=True)],
    "full": [lambda d: ember.full((2, 2), 7, device=d.dev), lambda d: ember.full((3,), 1.5, device=d.dev)],
    "arange": [lambda d: ember.arange(10, device=d.dev), lambda d: ember.arange(0, 1, 0.25, device=d.dev)],
    "fill_": [lambda d: d.w(3, 4).fill_(2), lambda d: ember.fill_(d.w(3), 1.5)],
    "copy_": [lambda d: d.w(3, 4).copy_(d.t(4, dtype=ember.int64)), lambda d: d.nc(3, 4).copy_(d.t(3, 4))],
    "empty_like": [lambda d: ember.empty_like(d.nc(3, 4)), lambda d: ember.empty_like(d.t(2), dtype=ember.int32)],
    "zeros_like": [lambda d: ember.zeros_like(d.t(2, 3))], "ones_like": [lambda d: ember.ones_like(d.t(2, 3))],
    "full_like": [lambda d: ember.full_like(d.t(2, 3), 4)], "rand_like": [lambda d: ember.rand_like(d.t(2, 3))],
    "randn_like": [lambda d: ember.randn_like(d.t(2, 3), dtype=ember.float64)],
    "new_empty": [lambda d: d.t(2).new_empty((3, 4))], "new_zeros": [lambda d: d.t(2).new_zeros(5)],
    "new_ones": [lambda d: d.t(2, dtype=ember.int32).new_ones((1, 2))],
    "new_full": [lambda d: d.t(2).new_full((2, 2), 3.5)],
    "zero_": [lambda d: d.w(3, 4).zero_()], "resize_": [lambda d: d.w(3, 4).detach().resize_(2, 7)],
    "tril_": [lambda d: d.w(3, 4).tril_(1)], "triu_": [lambda d: d.w(3, 4).triu_(-1)],
    "cumsum_": [lambda d: d.w(3, 4).cumsum_(1)], "cumprod_": [lambda d: d.w(3, 4).cumprod_(0)],
    "addmm_": [lambda d: d.w(2, 2).addmm_(d.t(2, 3), d.t(3, 2), beta=0.5)],
    "baddbmm_": [lambda d: d.w(2, 2, 2).baddbmm_(d.t(2, 2, 3), d.t(2, 3, 2))],
    "index_add_": [lambda d: d.w(3, 4).index_add_(0, d.i([0, 2]), d.t(2, 4), alpha=2)],
    "lerp_": [lambda d: d.w(3, 4).lerp_(d.t(3, 4), d.t(4))],
    "div_": [lambda d: d.w(3, 4).div_(d.t(3, 4), rounding_mode="floor")], "type_as": [lambda d: d.t(3).type_as(d.t(2, dtype=ember.int32))],
    "linspace": [lambda d: ember.linspace(0, 1, 5, device=d.dev)],
    "logspace": [lambda d: ember.logspace(0, 2, 3, device=d.dev, dtype=ember.float64)],
    "eye": [lambda d: ember.eye(3, device=d.dev), lambda d: ember.eye(2, 4, device=d.dev, dtype=ember.int64)],
    "tril": [lambda d: d.t(3, 4).tril()], "triu": [lambda d: ember.triu(d.t(2, 3, 3), 1)],
    # joining.yaml
    "cat": [lambda d: ember.cat([d.t(2, 3), d.t(1, 3, dtype=ember.float64)]), lambda d: ember.cat([d.t(2, 3), d.t(2, 1)], 1)],
    "stack": [lambda d: ember.stack([d.t(2, 3), d.t(2, 3)], 1)], "hstack": [lambda d: ember.hstack([d.t(2), d.t(3)])],
    "vstack": [lambda d: ember.vstack([d.t(3), d.t(2, 3)])], "dstack": [lambda d: ember.dstack([d.t(2, 3), d.t(2, 3)])],
    "repeat": [lambda d: d.t(2, 3).repeat(2, 1, 2)], "tile": [lambda d: ember.tile(d.t(2, 3), (2,))],
    "repeat_interleave": [lambda d: d.t(2, 3).repeat_interleave(2, 1), lambda d: ember.repeat_interleave(d.t(2, 3), 3)],
    "sort": [lambda d: d.t(3, 4).sort(), lambda d: ember.sort(d.nc(3, 4), 0, descending=True)],
    "argsort": [lambda d: d.t(3, 4).argsort(0)], "msort": [lambda d: d.t(3, 4).msort()],
    "topk": [lambda d: d.t(3, 5).topk(2), lambda d: ember.topk(d.t(4, 3), 3, 0, largest=False)],
    "searchsorted": [lambda d: ember.searchsorted(d.t(5).sort().values, d.t(2, 3)),
                     lambda d: ember.searchsorted(d.t(2, 5).sort().values, d.t(2, 3), out_int32=True)],
    # linalg.yaml
    "matmul": [lambda d: d.t(3, 4) @ d.t(4, 5), lambda d: ember.matmul(d.t(2, 1, 3, 4), d.t(5, 4, 2)),
               lambda d: d.t(4) @ d.t(4), lambda d: d.t(4) @ d.t(2, 4, 3)],
    "mm": [lambda d: d.t(3, 4).mm(d.nc(4, 5))], "mv": [lambda d: ember.mv(d.t(3, 4), d.t(4))],
    "bmm": [lambda d: d.t(2, 3, 4).bmm(d.t(2, 4, 5))], "dot": [lambda d: d.t(4).dot(d.t(4))],
    "outer": [lambda d: ember.outer(d.t(3), d.t(4))],
    "addmm": [lambda d: ember.addmm(d.t(5), d.t(3, 4), d.t(4, 5), beta=0.5)],
    "baddbmm": [lambda d: d.t(3, 5).baddbmm(d.t(2, 3, 4), d.t(2, 4, 5))],
    "tensordot": [lambda d: ember.tensordot(d.t(3, 4, 5), d.t(4, 5, 2), dims=([1, 2], [0, 1])),
                  lambda d: ember.tensordot(d.t(3, 4), d.t(4, 2), dims=1)],
    "einsum": [lambda d: ember.einsum("ij,jk->ik", d.t(3, 4), d.t(4, 5)), lambda d: ember.einsum("bii->b", d.t(2, 3, 3))],
    # pointwise.yaml
    "add": [lambda d: d.t(3, 4) + d.t(4), lambda d: ember.add(d.t(2, 3, dtype=ember.int32), 2.5, alpha=2),
            lambda d: d.nc(3, 4) + 1, lambda d: d.w(3, 4).add_(d.t(3, 1)), lambda d: d.t(3, 4) + d.cpu()],
    "sub": [lambda d: d.t(3, 4) - d.t(3, 1)], "mul": [lambda d: 2 * d.t(3, dtype=ember.int64)],
    "div": [lambda d: d.t(3, dtype=ember.int64) / 2], "pow": [lambda d: d.t(3) ** 2, lambda d: 2 ** d.t(3)],
    "neg": [lambda d: -d.t(3)], "exp": [lambda d: d.t(3).exp()], "log": [lambda d: d.pos(3).log()],
    "tanh": [lambda d: d.t(3).tanh()], "sigmoid": [lambda d: ember.sigmoid(d.t(3))],
    "relu": [lambda d: d.t(3).relu(), lambda d: d.w(3).relu_()],
    "threshold_backward": [lambda d: ember.threshold_backward(d.t(3, 4), d.t(4), 0)],
    # random.yaml
    "rand": [lambda d: ember.rand(3, 4, device=d.dev)], "randn": [lambda d: ember.randn(2, device=d.dev, dtype=ember.float64)],
    "randint": [lambda d: ember.randint(0, 10, (3, 4), device=d.dev)], "randperm": [lambda d: ember.randperm(5, device=d.dev)],
    "uniform_": [lambda d: d.w(3, 4).uniform_()], "normal_": [lambda d: d.w(3).normal_(1, 2)],
    "random_": [lambda d: d.w(3, dtype=ember.int64).random_(0, 5)],
    "bernoulli": [lambda d: d.pos(3, 4).clamp(max=1).bernoulli()],
    "multinomial": [lambda d: d.pos(2, 5).multinomial(3), lambda d: ember.multinomial(d.pos(5), 8, True)],
    # reduction.yaml
    "sum": [lambda d: d.t(3, 4).sum(), lambda d: d.t(3, 4).sum(1, keepdim=True),
            lambda d: ember.sum(d.t(2, 3, 4, dtype=ember.int32), (0, 2)), lambda d: d.t(3).sum(dtype=ember.float64)],
    "mean": [lambda d: d.t(3, 4).mean(0), lambda d: ember.mean(d.nc(3, 4))],
    "softmax": [lambda d: d.t(3, 4).softmax(1)], "log_softmax": [lambda d: ember.log_softmax(d.t(3, 4), 0)],
    "prod": [lambda d: d.t(3, 4).prod(), lambda d: d.t(3, 4, dtype=ember.int32).prod(1, keepdim=True)],
    "nansum": [lambda d: ember.nansum(d.t(3, 4), 1)], "amax": [lambda d: d.t(3, 4).amax(1)],
    "amin": [lambda d: d.t(3, 4).amin((0, 1), keepdim=True)], "max": [lambda d: d.t(3, 4).max()],
    "min": [lambda d: ember.min(d.t(3, 4))], "max_dim": [lambda d: d.t(3, 4).max(1)],
    "min_dim": [lambda d: ember.min(d.t(3, 4), 0, keepdim=True)],
    "argmax": [lambda d: d.t(3, 4).argmax(), lambda d: d.t(3, 4).argmax(1, keepdim=True)],
    "argmin": [lambda d: ember.argmin(d.t(3, 4), 0)],
    "all": [lambda d: d.t(3, 4).all(), lambda d: d.mask(3, 4).all(1)], "any": [lambda d: ember.any(d.t(3, 4), 0)],
    "count_nonzero": [lambda d: d.t(3, 4).count_nonzero(), lambda d: ember.count_nonzero(d.t(3, 4), 1)],
    "var": [lambda d: d.t(3, 4).var(1), lambda d: ember.var(d.t(3, 4), correction=0)],
    "std": [lambda d: d.t(3, 4).std(0, keepdim=True)], "var_mean": [lambda d: ember.var_mean(d.t(3, 4), 1)],
    "std_mean": [lambda d: ember.std_mean(d.t(3, 4))], "logsumexp": [lambda d: d.t(3, 4).logsumexp(1)],
    "norm": [lambda d: d.t(3, 4).norm(), lambda d: ember.norm(d.t(3, 4), 1, 0, keepdim=True)],
    "cumsum": [lambda d: d.t(3, 4).cumsum(1), lambda d: d.t(3, dtype=ember.int32).cumsum(0)],
    "cumprod": [lambda d: ember.cumprod(d.t(3, 4), 0)], "cummax": [lambda d: d.t(3, 4).cummax(1)],
    "cummin": [lambda d: ember.cummin(d.t(3, 4), 0)], "kthvalue": [lambda d: d.t(3, 4).kthvalue(2, 1)],
    "median": [lambda d: d.t(3, 4).median()], "median_dim": [lambda d: d.t(3, 4).median(0, keepdim=True)],
    "quantile": [lambda d: d.t(3, 4).quantile(0.3, 1),
                 lambda d: ember.quantile(d.t(3, 4), d.i([0.2, 0.9], dtype=ember.float32), keepdim=True)],
    # shape.yaml
    "view": [lambda d: d.t(3, 4).view(2, 6), lambda d: d.t(3, 4).view(-1), lambda d: d.t(3, 4).view(ember.float16)],
    "reshape": [lambda d: d.nc(3, 4).reshape(12), lambda d: ember.reshape(d.t(3, 4), (2, -1))],
    "transpose": [lambda d: d.t(2, 3, 4).transpose(0, 2)], "permute": [lambda d: d.t(2, 3, 4).permute(2, 0, 1)],
    "expand": [lambda d: d.t(3, 1).expand(2, 3, 4)], "contiguous": [lambda d: d.nc(3, 4).contiguous()],
    "clone": [lambda d: d.nc(3, 4).clone()],
    "to": [lambda d: d.t(3).to(ember.float64), lambda d: d.t(3).to(d.dev, copy=True)],
    # views.yaml
    "unsqueeze": [lambda d: d.t(3, 4).unsqueeze(1)], "squeeze": [lambda d: d.t(3, 1, 4).squeeze()],
    "flatten": [lambda d: d.t(2, 3, 4).flatten(1)], "unflatten": [lambda d: d.t(12).unflatten(0, (3, 4))],
    "narrow": [lambda d: d.t(3, 4).narrow(1, 1, 2)], "select": [lambda d: d.t(3, 4).select(1, -1)],
    "movedim": [lambda d: d.t(2, 3, 4).movedim(0, -1)], "expand_as": [lambda d: d.t(4).expand_as(d.t(3, 4))],
    "diagonal": [lambda d: d.t(3, 4).diagonal(1)],
    "as_strided": [lambda d: d.t(3, 4).as_strided((2, 2), (1, 4), 1)],
    "unfold": [lambda d: d.t(3, 8).unfold(1, 3, 2)], "t": [lambda d: d.t(3, 4).t()],
    "view_as": [lambda d: d.t(12).view_as(d.t(3, 4))], "reshape_as": [lambda d: d.nc(3, 4).reshape_as(d.t(12))],
    "flip": [lambda d: d.t(3, 4).flip(0)], "roll": [lambda d: d.t(3, 4).roll(1, 0), lambda d: ember.roll(d.t(3, 4), 2)],
    "slice": [lambda d: d.t(5, 4)[1:4:2], lambda d: d.t(5, 4)[:, ::-1]],
    # Python-level overloads and list returns, also ready for when they move into the schema.
    "split": [lambda d: d.t(5, 4).split(2), lambda d: ember.split(d.t(5, 4), [1, 4])],
    "split_with_sizes": [lambda d: d.t(5, 4).split([2, 2], 1)],
    "chunk": [lambda d: d.t(5, 4).chunk(3, 1)], "unbind": [lambda d: ember.unbind(d.t(2, 3), 1)],
    "meshgrid": [lambda d: ember.meshgrid(d.t(2), d.t(3), indexing="xy")],
    "randint_like": [lambda d: ember.randint_like(d.t(2, 3), 5)], "clip": [lambda d: d.t(3, 4).clip(-1, 1)],
}
CASES["max"] += [lambda d: ember.max(d.t(3, 4), d.t(4))]
CASES["min"] += [lambda d: ember.min(d.t(3, 4), 1)]
CASES["clamp"] += [lambda d: d.t(3, 4).clamp(d.t(4), d.t(3, 1))]
CASES["where"] += [lambda d: d.t(3).where(d.mask(3), d.t(3))]
CASES["var"] += [lambda d: d.t(3, 4).var(1, unbiased=False)]
CASES["std_mean"] += [lambda d: ember.std_mean(d.t(3, 4), 0, unbiased=True)]
CASES["randint"] += [lambda d: ember.randint(5, (2, 3), device=d.dev)]
CASES["kthvalue"] += [lambda d: ember.kthvalue(d.t(3, 4), 2)]
CASES["searchsorted"] += [lambda d: ember.searchsorted(d.t(5), d.t(3), sorter=d.i([4, 3, 2, 1, 0]))]
CASES["tensordot"] += [lambda d: ember.tensordot(d.t(3, 4, 5), d.t(4, 5, 2))]
CASES["norm"] += [lambda d: d.t(3, 4).norm(p="fro")]


def _foreach(d, f):
    ts = [d.w(2, 3), d.w(4)]
    f(ts)
    return ts


CASES["_foreach_add_"] = [lambda d: _foreach(d, lambda ts: ember._foreach_add_(ts, 1.0)),
                          lambda d: _foreach(d, lambda ts: ember._foreach_add_(ts, [d.t(2, 3), d.t(4)], alpha=2))]
CASES["_foreach_mul_"] = [lambda d: _foreach(d, lambda ts: ember._foreach_mul_(ts, 3))]
CASES["_foreach_zero_"] = [lambda d: _foreach(d, ember._foreach_zero_)]


def _fused(d, op, n_states, steps=True, **kw):  # the fused optimizer ops (src/ops/optim.yaml)
    ps = [d.w(2, 3), d.w(4)]
    args = [ps, [d.t(2, 3), d.t(4)]] + [[d.pos(2, 3), d.pos(4)] for _ in range(n_states)]
    if steps:
        args.append([d.pos(), d.pos()])
    op(*args, **kw)
    return ps


_ADAM_KW = dict(lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.1, eps=1e-8, maximize=False)
CASES["_fused_sgd_"] = [lambda d: _fused(d, ember._fused_sgd_, 1, steps=False, weight_decay=0.1, momentum=0.9, lr=0.1,
                                         dampening=0.0, nesterov=True, maximize=False, is_first_step=False)]
CASES["_fused_adam_"] = [lambda d: _fused(d, ember._fused_adam_, 3, amsgrad=True, **_ADAM_KW)]
CASES["_fused_adamw_"] = [lambda d: _fused(d, ember._fused_adamw_, 3, amsgrad=True, **_ADAM_KW)]
CASES["_fused_adagrad_"] = [lambda d: _fused(d, ember._fused_adagrad_, 1, lr=0.1, lr_decay=0.1, weight_decay=0.1,
                                             eps=1e-10, maximize=True)]
CASES["_fused_rmsprop_"] = [lambda d: _fused(d, ember._fused_rmsprop_, 3, lr=0.1, alpha=0.9, eps=1e-8, weight_decay=0.1,
                                             momentum=0.5, centered=True, maximize=False)]
CASES["clamp_"] = [lambda d: d.w(3, 4).clamp_(d.t(4), None)]
CASES["clip_"] = [lambda d: d.w(3, 4).clip_(-1, 1), lambda d: d.w(3, 4).clip_(max=d.t(3, 1))]
CASES["repeat_interleave"] += [lambda d: ember.repeat_interleave(d.t(3), 2, output_size=6)]

# nn math (convolution.yaml, loss.yaml, pooling.yaml, normalization.yaml, padding.yaml, nn.yaml)
_T4 = [0, 4, 1, 2]
_P1 = [1, 1]
CASES.update({
    "convolution": [lambda d: ember.convolution(d.t(2, 3, 6, 6), d.t(4, 3, 3, 3), d.t(4), _P1, _P1, _P1, False, [0, 0], 1)],
    "_convolution_backward_input": [lambda d: ember._C._convolution_backward_input(
        d.t(2, 4, 6, 6), d.t(4, 3, 3, 3), [2, 3, 6, 6], _P1, _P1, _P1, 1)],
    "_convolution_backward_weight": [lambda d: ember._C._convolution_backward_weight(
        d.t(2, 4, 6, 6), d.t(2, 3, 6, 6), [4, 3, 3, 3], _P1, _P1, _P1, 1)],
    "conv1d": [lambda d: ember.conv1d(d.t(2, 3, 7), d.t(4, 3, 3), d.t(4), 2, 1),
               lambda d: ember.conv1d(d.t(3, 7), d.t(4, 3, 2), None, 1, "same")],
    "conv2d": [lambda d: ember.conv2d(d.t(2, 3, 6, 5), d.t(6, 1, 3, 3), d.t(6), 2, 1, 1, 3),
               lambda d: ember.conv2d(d.t(2, 3, 6, 5), d.t(4, 3, 2, 3), None, 1, "same")],
    "conv_transpose1d": [lambda d: ember.conv_transpose1d(d.t(2, 3, 5), d.t(3, 2, 3), None, 2)],
    "conv_transpose2d": [lambda d: ember.conv_transpose2d(d.t(2, 4, 3, 3), d.t(4, 2, 3, 3), d.t(4), 2, 1, 1, 2)],
    "cross_entropy_loss": [lambda d: ember.cross_entropy_loss(d.t(4, 5), d.i(_T4)),
                           lambda d: ember.cross_entropy_loss(d.t(4, 5), d.t(4, 5), None, 0, -100, 0.1)],
    "_cross_entropy_forward": [lambda d: ember._C._cross_entropy_forward(d.t(4, 5), d.i(_T4), None, 0, -100, 0.1)],
    "_cross_entropy_backward": [lambda d: ember._C._cross_entropy_backward(
        d.t(), d.t(4, 5), d.i(_T4), None, 1, -100, 0.0, d.t(4), d.pos())],
    "nll_loss": [lambda d: ember.nll_loss(d.t(4, 5), d.i(_T4)), lambda d: ember.nll_loss(d.t(2, 5, 2), d.i([[0, 4], [1, 2]]), None, 0)],
    "nll_loss_forward": [lambda d: ember.nll_loss_forward(d.t(4, 5), d.i(_T4), d.t(5), 1, -100)],
    "nll_loss_backward": [lambda d: ember.nll_loss_backward(d.t(), d.t(4, 5), d.i(_T4), None, 1, -100, d.pos())],
    "nll_loss2d": [lambda d: ember.nll_loss2d(d.t(2, 3, 1, 2), d.i([[[0, 1]], [[2, 0]]]))],
    "nll_loss_nd": [lambda d: ember.nll_loss_nd(d.t(2, 3, 2), d.i([[0, 1], [2, 0]]), None, 2)],
    "mse_loss": [lambda d: ember.mse_loss(d.t(3, 4), d.t(3, 4)), lambda d: ember.mse_loss(d.t(3, 4), d.t(3, 4), 0)],
    "l1_loss": [lambda d: ember.l1_loss(d.t(3, 4), d.t(3, 4), 2)],
    "smooth_l1_loss": [lambda d: ember.smooth_l1_loss(d.t(3, 4), d.t(3, 4), 0, 0.5)],
    "huber_loss": [lambda d: ember.huber_loss(d.t(3, 4), d.t(3, 4), 1, 0.5)],
    "binary_cross_entropy": [lambda d: ember.binary_cross_entropy(ember.sigmoid(d.t(3, 4)), d.pos(3, 4) / 3, d.t(3, 4), 0)],
    "binary_cross_entropy_with_logits": [lambda d: ember.binary_cross_entropy_with_logits(
        d.t(3, 4), d.pos(3, 4) / 3, None, d.pos(4))],
    "kl_div": [lambda d: ember.kl_div(d.t(3, 4), d.pos(3, 4), 0), lambda d: ember.kl_div(d.t(3, 4), d.t(3, 4), log_target=True)],
    "constant_pad_nd": [lambda d: ember.constant_pad_nd(d.t(3, 4), [1, 2, -1, 1], 0.5)],
    "max_pool2d_with_indices": [lambda d: ember.max_pool2d_with_indices(d.t(2, 3, 7, 6), [3, 3], [2, 2], [1, 1], [1, 1], True)],
    "max_pool2d_with_indices_backward": [lambda d: ember.max_pool2d_with_indices_backward(
        d.t(1, 2, 2, 2), d.t(1, 2, 4, 4), [2, 2], [], [0, 0], [1, 1], False, d.i([[[[0, 3], [8, 15]]] * 2]))],
    "max_pool2d": [lambda d: ember.max_pool2d(d.t(3, 6, 6), [2, 2])],
    "max_pool1d_with_indices": [lambda d: ember.max_pool1d_with_indices(d.t(2, 3, 9), [3], [2])],
    "max_pool1d": [lambda d: ember.max_pool1d(d.t(2, 3, 9), [3], [], [1])],
    "avg_pool2d": [lambda d: ember.avg_pool2d(d.t(2, 3, 7, 6), [3, 2], [2, 2], [1, 1], True, False, None)],
    "avg_pool2d_backward": [lambda d: ember.avg_pool2d_backward(d.t(1, 2, 2, 2), d.t(1, 2, 4, 4), [2, 2], [], [0, 0],
                                                                 False, True, None)],
    "avg_pool1d": [lambda d: ember.avg_pool1d(d.t(2, 3, 9), [3])],
    "adaptive_avg_pool2d": [lambda d: ember.adaptive_avg_pool2d(d.t(2, 3, 7, 6), [3, 4])],
    "_adaptive_avg_pool2d_backward": [lambda d: ember._C._adaptive_avg_pool2d_backward(d.t(2, 3, 3, 4), d.t(2, 3, 7, 6))],
    "adaptive_avg_pool1d": [lambda d: ember.adaptive_avg_pool1d(d.t(2, 3, 9), [4])],
    "native_batch_norm": [lambda d: ember.native_batch_norm(d.t(4, 3, 2), d.t(3), d.t(3), None, None, True, 0.1, 1e-5)],
    "_batch_norm_backward": [lambda d: ember._C._batch_norm_backward(d.t(4, 3, 2), d.t(4, 3, 2), None, d.t(3), d.pos(3), True)],
    "batch_norm": [lambda d: ember.batch_norm(d.t(4, 3, 2, 2), None, d.t(3), d.w(3), d.pos(3), False, 0.1, 1e-5, False)],
    "native_layer_norm": [lambda d: ember.native_layer_norm(d.t(2, 3, 4), [3, 4], d.t(3, 4), None, 1e-5)],
    "_layer_norm_backward": [lambda d: ember._C._layer_norm_backward(d.t(2, 3), d.t(2, 3), [3], d.t(2, 1), d.pos(2, 1), d.t(3))],
    "layer_norm": [lambda d: ember.layer_norm(d.t(2, 3, 4), [4], d.t(4), d.t(4))],
    "group_norm": [lambda d: ember.group_norm(d.t(2, 4, 3), 2, d.t(4), d.t(4))],
    "hardtanh": [lambda d: ember.hardtanh(d.t(3, 4), -0.5, 0.5)],
    "relu6": [lambda d: ember.relu6(d.t(3, 4))],
    "leaky_relu": [lambda d: ember.leaky_relu(d.t(3, 4), 0.2)],
    "elu": [lambda d: ember.elu(d.t(3, 4))],
    "softplus": [lambda d: ember.softplus(d.t(3, 4), 2, 10)],
    "dropout": [lambda d: ember.dropout(d.t(3, 4), 0.5, True)],
    "feature_dropout": [lambda d: ember.feature_dropout(d.t(2, 3, 4), 0.5, True)],
    "embedding": [lambda d: ember.embedding(d.t(10, 3), d.i([[1, 2], [3, 9]]), 2)],
    "_embedding_backward": [lambda d: ember._C._embedding_backward(d.t(2, 2, 3), d.i([[1, 2], [3, 9]]), [10, 3], -1, False)],
    "one_hot": [lambda d: ember.one_hot(d.i([1, 0, 3]), 4)],
    "pad": [lambda d: ember.pad(d.t(1, 2, 4, 5), [1, 2, 2, 1], "reflect"), lambda d: ember.pad(d.t(2, 4), [1, 1], "constant", 2.0)],
    "upsample_nearest2d": [lambda d: ember.upsample_nearest2d(d.t(1, 2, 3, 3), [6, 5])],
    "upsample_bilinear2d": [lambda d: ember.upsample_bilinear2d(d.t(1, 2, 3, 3), [5, 4], False)],
})

# Registry-only ops with non-tensor results: the same values on meta as on the CPU.
NON_TENSOR = {
    "size": [lambda d: ember._C._call_boxed("size", d.t(2, 3)), lambda d: ember._C._call_boxed("size", d.t(2, 3), 1)],
    "dim": [lambda d: ember._C._call_boxed("dim", d.t(2, 3))],
    "numel": [lambda d: ember._C._call_boxed("numel", d.t(2, 3))],
    "is_floating_point": [lambda d: ember._C._call_boxed("is_floating_point", d.t(2, dtype=ember.int32))],
}


@pytest.mark.parametrize("name", sorted(NON_TENSOR))
def test_meta_non_tensor_results(name):
    for case in NON_TENSOR[name]:
        assert case(D("meta")) == case(D("cpu"))

# Ops whose output shape (or value) depends on the data: on meta they raise this error.
DATA_DEPENDENT = {
    "masked_select": [(NotImplementedError, lambda d: d.t(3, 4).masked_select(d.mask(3, 4)))],
    "nonzero": [(NotImplementedError, lambda d: d.t(3, 4).nonzero()),
                (NotImplementedError, lambda d: ember.nonzero(d.t(3), as_tuple=True))],
    "_repeat_interleave_tensor": [(NotImplementedError, lambda d: d.t(3).repeat_interleave(d.i([1, 0, 2])))],
    "nonzero_numpy": [(NotImplementedError, lambda d: d.t(3, 4).nonzero_numpy())],
    "_unique2": [(NotImplementedError, lambda d: ember.unique(d.t(5, dtype=ember.int64)))],
    "unique_dim": [(NotImplementedError, lambda d: ember.unique(d.t(3, 2, dtype=ember.int64), dim=0))],
    "unique": [(NotImplementedError, lambda d: d.t(5, dtype=ember.int64).unique(return_counts=True)),
               (NotImplementedError, lambda d: ember._C._unique(d.t(3, 2), True, False, False, 1))],
    "bincount": [(NotImplementedError, lambda d: d.i([1, 3, 3]).bincount())],
    "allclose": [(RuntimeError, lambda d: ember.allclose(d.t(3), d.t(3)))],
    "equal": [(RuntimeError, lambda d: ember.equal(d.t(3), d.t(3)))],
    "index_put_": [(NotImplementedError, lambda d: d.w(3, 4).index_put_((d.mask(3, 4),), d.t()))],
    "item": [(RuntimeError, lambda d: d.t(1).item()), (RuntimeError, lambda d: float(d.t()))],
    "getitem": [(NotImplementedError, lambda d: d.t(3, 4)[d.mask(3, 4)]),
                (NotImplementedError, lambda d: d.t(3, 4)[d.mask(3)])],
}


def test_every_schema_op_has_a_meta_case():
    missing = [n for n in schema_ops() if n not in CASES and n not in DATA_DEPENDENT and n not in NON_TENSOR]
    assert not missing, f"ops without a meta case in tests_py/test_meta.py: {missing}"


def flat(result):
    if isinstance(result, ember.Tensor):
        return [result]
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in flat(r)]
    raise AssertionError(f"unexpected result type {type(result)}")


CASE_LIST = [(name, i, case) for name, cases in sorted(CASES.items()) for i, case in enumerate(cases)]


@pytest.mark.parametrize("name,i,case", CASE_LIST, ids=[f"{n}-{i}" for n, i, _ in CASE_LIST])
def test_meta_matches_cpu(name, i, case):
    want = flat(case(D("cpu")))
    got = flat(case(D("meta")))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.is_meta and g.device == ember.device("meta"), name
        assert (tuple(g.shape), g.dtype, g.stride()) == (tuple(w.shape), w.dtype, w.stride()), name
        assert g.requires_grad == w.requires_grad, name


DD_LIST = [(name, i, err, case) for name, cases in sorted(DATA_DEPENDENT.items()) for i, (err, case) in enumerate(cases)]


@pytest.mark.parametrize("name,i,err,case", DD_LIST, ids=[f"{n}-{i}" for n, i, _, _ in DD_LIST])
def test_data_dependent_ops_raise_on_meta(name, i, err, case):
    case(D("cpu"))  # valid on CPU
    with pytest.raises(err, match="meta"):
        case(D("meta"))


def grads(case, dev):
    """Runs case with leaves that require grad and back-propagates the sum of its differentiable results;
    the (shape, dtype, strides) of each leaf's gradient."""
    d = D(dev, grad=True)
    outs = [t for t in flat(case(d)) if t.requires_grad]
    if not outs:
        return None
    total = outs[0].sum()
    for o in outs[1:]:
        total = total + o.sum()
    total.backward()
    return [None if x.grad is None else (tuple(x.grad.shape), x.grad.dtype, x.grad.stride(), x.grad.is_meta)
            for x in d.leaves]


@pytest.mark.parametrize("name,i,case", CASE_LIST, ids=[f"{n}-{i}" for n, i, _ in CASE_LIST])
def test_meta_backward_matches_cpu(name, i, case):
    try:
        want = grads(case, "cpu")
    except (RuntimeError, TypeError):
        pytest.skip("not differentiable on CPU either (an in-place op on a leaf, an integer result, ...)")
    got = grads(case, "meta")
    if want is None:
        assert got is None
        return
    assert [g and g[:3] for g in got] == [w and w[:3] for w in want]
    assert all(g is None or g[3] for g in got)


def test_meta_tensors_have_no_memory_and_print_as_pytorch():
    x = ember.empty(3, 4, device="meta")
    assert x.is_meta and not x.is_cpu and x.device.type == "meta" and x.data_ptr() == 0
    assert x.nbytes == 48 and x.stride() == (4, 1)
    assert repr(x) == "tensor(..., device='meta', size=(3, 4))"
    assert repr(ember.empty((), dtype=ember.int64, device="meta")) == "tensor(..., device='meta', size=(), dtype=ember.int64)"
    assert repr(ember.ones(2, device="meta", requires_grad=True)) == "tensor(..., device='meta', size=(2,), requires_grad=True)"
    assert not ember.ones(2).is_meta
    y = ember.ones(2, 3).to("meta")
    assert y.is_meta and y.shape == (2, 3)
    assert ember.device("meta") == y.device
    for like in (ember.empty_like, ember.zeros_like, ember.ones_like, ember.rand_like, ember.randn_like):
        assert like(y).is_meta
    assert ember.full_like(y, 2, device="cpu").is_cpu  # an explicit device wins


def test_reading_values_of_a_meta_tensor_raises():
    x = ember.empty(2, 3, device="meta")
    with pytest.raises(RuntimeError, match="Tensor.item\\(\\) cannot be called on meta tensors"):
        x[0, 0].item()
    with pytest.raises(TypeError, match="can't convert meta device type tensor to numpy"):
        x.numpy()
    with pytest.raises(TypeError, match="meta"):
        x.tolist()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        x.cpu()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor"):
        ember.zeros(2, 3).copy_(x)
    with pytest.raises(RuntimeError, match="meta"):
        x.__dlpack__()
    with pytest.raises(RuntimeError, match="meta"):
        x.__dlpack_device__()
    assert x.copy_(ember.ones(2, 3)).is_meta  # copying into a meta tensor is allowed


MIXED = {
    "add": lambda m, c: m + c, "where": lambda m, c: ember.where(c > 0, m, c), "lerp": lambda m, c: ember.lerp(m, c, 0.5),
    "matmul": lambda m, c: m @ c.T, "mm": lambda m, c: ember.mm(c, m.T), "cat": lambda m, c: ember.cat([m, c]),
    "stack": lambda m, c: ember.stack([c, m]), "gather": lambda m, c: m.gather(0, ember.zeros(1, 4, dtype=ember.int64)),
    "scatter": lambda m, c: m.scatter(0, ember.zeros(1, 4, dtype=ember.int64), c),
    "index_add": lambda m, c: m.index_add(0, ember.tensor([0, 1, 2]), c), "einsum": lambda m, c: ember.einsum("ij,ij->i", m, c),
    "searchsorted": lambda m, c: ember.searchsorted(c[0], m), "masked_fill": lambda m, c: m.masked_fill(c > 0, 1.0),
    "add_out": lambda m, c: ember.add(m, m, out=c),
}


@pytest.mark.parametrize("name", sorted(MIXED))
def test_mixing_meta_and_cpu_tensors_names_both_devices(name):
    m, c = ember.empty(3, 4, device="meta"), ember.ones(3, 4)
    with pytest.raises(RuntimeError, match=r"(meta.*cpu|cpu.*meta)"):
        MIXED[name](m, c)


def test_cpu_scalars_join_meta_tensors():
    m = ember.empty(3, 4, device="meta")
    for r in (m + ember.tensor(2.0), m * 3, ember.where(m > 0, m, ember.tensor(0.0)), m.masked_fill(m > 0, ember.tensor(1.0)),
              m[ember.tensor([0, 2])], m.clamp(ember.tensor(0.0).item(), 1)):
        assert r.is_meta
