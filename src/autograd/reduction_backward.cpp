// Backward helpers of the value-selecting reductions and prod (declared in ember/autograd/autograd.h).
#include <cmath>
#include "ember/autograd/autograd.h"
#include "ember/autograd/function.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {
int64_t wrap(int64_t d, int64_t n) {
  int64_t m = std::max<int64_t>(n, 1);
  return d < 0 ? d + m : d;
}
}  // namespace

Tensor amax_backward(const Tensor& grad, const Tensor& self, const Tensor& result, std::optional<IntArrayRef> dim,
                     bool keepdim) {
  // The gradient is shared evenly among the elements equal to the result (as PyTorch).
  Tensor g = sum_backward(grad, self.sizes(), dim, keepdim);
  Tensor r = sum_backward(result, self.sizes(), dim, keepdim);
  Tensor mask = self.eq(r);
  Tensor count = mask.sum(OptionalIntArrayRef(dim), true);
  return g * mask / count;
}

Tensor index_reduction_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, bool keepdim,
                                const Tensor& indices) {
  int64_t n = static_cast<int64_t>(sizes.size());
  if (n == 0) return grad;
  int64_t d = wrap(dim, n);
  Tensor g = keepdim ? grad : grad.unsqueeze(d);
  Tensor idx = keepdim ? indices : indices.unsqueeze(d);
  DimVector ashape(n, 1);
  ashape[d] = sizes[d];
  Tensor mask = ember::arange(sizes[d], TensorOptions(kInt64).device(grad.device())).reshape(ashape).eq(idx);
  return (g * mask).expand(sizes);
}

Tensor prod_backward(const Tensor& grad, const Tensor& self, const Tensor& result, std::optional<int64_t> dim,
                     bool keepdim) {
  if (self.numel() == 0) return sum_backward(grad, self.sizes(), std::nullopt, true).expand(self.sizes());
  if (!dim) {  // the product of all elements: as a product over dim 0 of the flattened tensor
    Tensor flat = self.reshape({-1});
    return prod_backward(grad.reshape({1}), flat, result.reshape({1}), 0, true).reshape(self.sizes());
  }
  if (self.dim() == 0) return grad;
  int64_t d = wrap(*dim, self.dim());
  Tensor g = keepdim ? grad : grad.unsqueeze(d);
  Tensor r = keepdim ? result : result.unsqueeze(d);
  // Correct with zeros: an element's gradient is the product of the others. With no zero in the
  // slice that is result / x; with one zero it is the product of the nonzeros for the zero (and 0 for
  // the others, where result is 0); with two or more it is 0 everywhere.
  Tensor zero = self.eq(Scalar(0));
  Tensor nzeros = zero.sum(IntArrayRef(d), true);
  Tensor safe = ember::where(zero, Scalar(1), self);
  Tensor others = safe.prod(d, true);
  Tensor g_zero = g * others * nzeros.eq(Scalar(1));
  Tensor g_nonzero = g * r / safe;
  return ember::where(zero, g_zero, g_nonzero);
}

}  // namespace ember::autograd

namespace ember::autograd {

Tensor norm_backward(const Tensor& grad, const Tensor& self, const Tensor& result, const std::optional<Scalar>& p,
                     std::optional<IntArrayRef> dim, bool keepdim) {
  double pv = p ? p->to_double() : 2.0;
  Tensor g = sum_backward(grad, self.sizes(), dim, keepdim);
  Tensor r = sum_backward(result, self.sizes(), dim, keepdim);
  if (pv == 0) return ember::zeros_like(self);
  if (pv == 1) return g * self.sign();
  if (std::isinf(pv)) {  // shared among the elements of largest (smallest) magnitude
    Tensor mask = self.abs().eq(r);
    Tensor count = mask.sum(OptionalIntArrayRef(dim), true);
    return g * self.sign() * mask / count;
  }
  Tensor zero = r.eq(Scalar(0));  // a zero norm gives a zero gradient
  Tensor safe_r = ember::where(zero, Scalar(1.0), r);
  Tensor scale = ember::where(zero, Scalar(0.0), g / safe_r);
  if (pv == 2) return self * scale;
  // d/dx (sum |x|^p)^(1/p) = x |x|^(p-2) / r^(p-1)
  Tensor a = self.abs();
  Tensor xa = ember::where(self.eq(Scalar(0)), Scalar(0.0), self * ember::pow(a, Scalar(pv - 2)));
  return xa * scale / ember::pow(safe_r, Scalar(pv - 2));
}

}  // namespace ember::autograd

namespace ember::autograd {

Tensor cumsum_backward(const Tensor& grad, int64_t dim) {
  if (grad.dim() == 0) return grad;
  int64_t d = wrap(dim, grad.dim());
  return grad.flip({d}).cumsum(d).flip({d});
}

Tensor cumprod_backward(const Tensor& grad, const Tensor& self, const Tensor& result, int64_t dim) {
  // grad_k = sum_{i >= k} grad_i * prod_{j <= i, j != k} x_j. Before a row's first zero that is
  // revcumsum(grad * result)_k / x_k; after it, 0; at the first zero z it is
  // prod_{j < z} x_j * sum_{i >= z} grad_i * prod_{z < j <= i} x_j.
  if (self.dim() == 0) return grad;
  int64_t d = wrap(dim, self.dim());
  Tensor zero = self.eq(Scalar(0));
  Tensor safe = ember::where(zero, Scalar(1), self);
  Tensor plain = cumsum_backward(grad * result, d) / safe;
  if (self.is_meta() || !zero.any().item<bool>()) return plain;  // meta: the shape of the plain formula
  Tensor seen = zero.cumsum(d);                     // zeros at or before each position
  Tensor before = seen.eq(Scalar(0));
  Tensor first = zero.logical_and(seen.eq(Scalar(1)));
  Tensor prefix = ember::where(before, self, Scalar(1)).cumprod(d);       // prod_{j < z} x_j at z
  Tensor after = ember::where(before.logical_or(first), Scalar(1), self).cumprod(d);
  Tensor at_zero = prefix * cumsum_backward(grad * after, d);
  // After the first zero the gradient is x_z * (...) = 0, written so that its derivative in x_z (for
  // double backward) is right: x_z * revcumsum(grad * cumprod(x with x_z -> 1))_k / x_k.
  Tensor xz = (self * first).sum(IntArrayRef(d), true);
  Tensor r1 = ember::where(first, Scalar(1), self).cumprod(d);
  Tensor later = xz * cumsum_backward(grad * r1, d) / safe;
  Tensor r = ember::where(before, plain, ember::where(first, at_zero, later));
  // With two or more zeros in a row the formula above is exact to first order only: refuse a second
  // differentiation through it rather than give a wrong one.
  if (GradMode::is_enabled() && (grad.requires_grad() || self.requires_grad()) && seen.amax().item<int64_t>() >= 2)
    return delayed_error({r}, {grad, self}, "double backward of cumprod with two or more zeros in a row is not "
                                            "implemented")[0];
  return r;
}

Tensor cum_index_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, const Tensor& indices) {
  // grad_in[k] = sum over i of grad[i] where indices[i] == k: a one-hot over a new dim after d.
  int64_t n = static_cast<int64_t>(sizes.size());
  if (n == 0) return grad;
  int64_t d = wrap(dim, n);
  DimVector ashape(n + 1, 1);
  ashape[d + 1] = sizes[d];
  Tensor k = ember::arange(sizes[d], TensorOptions(kInt64).device(grad.device())).reshape(ashape);
  Tensor mask = indices.unsqueeze(d + 1).eq(k);  // [..., i, k, ...]
  return (grad.unsqueeze(d + 1) * mask).sum(IntArrayRef(d), false);
}

}  // namespace ember::autograd
