// Functions the schema's backward formulas call (declared in ember/autograd/autograd.h).
#include <algorithm>
#include <cmath>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

Tensor sum_to(const Tensor& t, IntArrayRef shape) {
  if (t.sizes().equals(shape)) return t;
  int64_t lead = t.dim() - static_cast<int64_t>(shape.size());
  EMBER_CHECK(lead >= 0, "sum_to: cannot sum a tensor of shape ", t.sizes(), " to shape ", shape);
  DimVector dims;
  for (int64_t d = 0; d < lead; ++d) dims.push_back(d);
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && t.sizes()[lead + i] != 1) dims.push_back(lead + static_cast<int64_t>(i));
  Tensor r = dims.empty() ? t : t.sum(IntArrayRef(dims), true);
  return r.reshape(shape);
}

Tensor reduce_grad(const Tensor& g, IntArrayRef shape, ScalarType dtype) {
  if (!g.defined()) return g;
  Tensor r = g.sizes().equals(shape) ? g : sum_to(g, shape);
  return r.dtype() == dtype ? r : r.to(std::nullopt, dtype);
}


/// grad with the reduced dims put back (as size 1) when keepdim was false, then expanded to sizes.
static Tensor unreduce(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim) {
  int64_t n = static_cast<int64_t>(sizes.size());
  Tensor g = grad;
  if (!keepdim && n > 0) {
    std::vector<bool> red(n, false);
    if (!dim || dim->empty()) {
      std::fill(red.begin(), red.end(), true);
    } else {
      for (int64_t d : *dim) red[d < 0 ? d + n : d] = true;
    }
    DimVector shape;
    for (int64_t d = 0; d < n; ++d) shape.push_back(red[d] ? 1 : sizes[d]);
    g = g.reshape(shape);
  }
  return g.expand(sizes);
}

Tensor sum_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim) {
  return unreduce(grad, sizes, dim, keepdim);
}

Tensor mean_backward(const Tensor& grad, IntArrayRef sizes, std::optional<IntArrayRef> dim, bool keepdim) {
  int64_t n = static_cast<int64_t>(sizes.size()), count = 1;
  if (!dim || dim->empty()) {
    count = compute_numel(sizes);
  } else {
    for (int64_t d : *dim) count *= sizes[d < 0 ? d + n : d];
  }
  return unreduce(grad, sizes, dim, keepdim) / static_cast<double>(count);
}

Tensor softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim) {
  Tensor gy = grad * result;
  return gy - result * gy.sum(IntArrayRef(dim), true);
}

Tensor log_softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim) {
  return grad - result.exp() * grad.sum(IntArrayRef(dim), true);
}

/// matmul's operands as numpy promotes them (1-D -> matrix) and grad with the dropped dims restored.
static void matmul_shapes(const Tensor& grad, const Tensor& self, const Tensor& other, Tensor* g, Tensor* a,
                          Tensor* b) {
  *a = self.dim() == 1 ? self.reshape({1, self.sizes()[0]}) : self;
  *b = other.dim() == 1 ? other.reshape({other.sizes()[0], 1}) : other;
  DimVector gs(grad.sizes());
  if (self.dim() == 1) gs.insert(gs.size() - (other.dim() == 1 ? 0 : 1), 1);
  if (other.dim() == 1) gs.push_back(1);
  *g = grad.reshape(gs);
}

Tensor matmul_backward_self(const Tensor& grad, const Tensor& self, const Tensor& other) {
  Tensor g, a, b;
  matmul_shapes(grad, self, other, &g, &a, &b);
  Tensor ga = g.matmul(b.transpose(-2, -1));
  return sum_to(ga, a.sizes()).reshape(self.sizes());
}

Tensor matmul_backward_other(const Tensor& grad, const Tensor& self, const Tensor& other) {
  Tensor g, a, b;
  matmul_shapes(grad, self, other, &g, &a, &b);
  Tensor gb = a.transpose(-2, -1).matmul(g);
  return sum_to(gb, b.sizes()).reshape(other.sizes());
}

Tensor permute_backward(const Tensor& grad, IntArrayRef dims) {
  int64_t n = static_cast<int64_t>(dims.size());
  DimVector inv(n);
  for (int64_t i = 0; i < n; ++i) inv[dims[i] < 0 ? dims[i] + n : dims[i]] = i;
  return grad.permute(inv);
}

Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max) {
  Tensor g = grad;
  if (min) g = ember::where(ember::ge(self, *min), g, 0.0);
  if (max) g = ember::where(ember::le(self, *max), g, 0.0);
  return g;
}

Tensor gelu_backward(const Tensor& grad, const Tensor& self, const std::string& approximate) {
  const Tensor& x = self;
  if (approximate == "tanh") {
    const double k = M_SQRT2 * M_2_SQRTPI * 0.5, c = 0.044715;
    Tensor t = ember::tanh(k * (x + c * x * x * x));
    Tensor dinner = k * (1 + 3 * c * x * x);
    return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner);
  }
  Tensor cdf = 0.5 * (1 + ember::erf(x * M_SQRT1_2));
  Tensor pdf = ember::exp(-0.5 * x * x) * (M_2_SQRTPI * M_SQRT1_2 * 0.5);
  return grad * (cdf + x * pdf);
}

}  // namespace ember::autograd
