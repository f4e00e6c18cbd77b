// *_like and new_* factories, linspace / logspace / eye, tril / triu.
#include <cmath>

#include "ember/gen/native.h"

namespace ember::native {

/// options with the dtype and device of t where options leave them unset.
static TensorOptions like(const Tensor& t, const TensorOptions& options) {
  t.check_defined("*_like");
  return TensorOptions(options.dtype_opt().value_or(t.dtype())).device(options.device_opt().value_or(t.device()));
}

Tensor empty_like(const Tensor& self, const TensorOptions& o) { return ember::empty(self.sizes(), like(self, o)); }
Tensor zeros_like(const Tensor& self, const TensorOptions& o) { return ember::zeros(self.sizes(), like(self, o)); }
Tensor ones_like(const Tensor& self, const TensorOptions& o) { return ember::ones(self.sizes(), like(self, o)); }
Tensor full_like(const Tensor& self, const Scalar& v, const TensorOptions& o) {
  return ember::full(self.sizes(), v, like(self, o));
}
Tensor rand_like(const Tensor& self, const TensorOptions& o) { return ember::rand(self.sizes(), like(self, o)); }
Tensor randn_like(const Tensor& self, const TensorOptions& o) { return ember::randn(self.sizes(), like(self, o)); }
Tensor new_empty(const Tensor& self, IntArrayRef size, const TensorOptions& o) {
  return ember::empty(size, like(self, o));
}
Tensor new_zeros(const Tensor& self, IntArrayRef size, const TensorOptions& o) {
  return ember::zeros(size, like(self, o));
}
Tensor new_ones(const Tensor& self, IntArrayRef size, const TensorOptions& o) { return ember::ones(size, like(self, o)); }
Tensor new_full(const Tensor& self, IntArrayRef size, const Scalar& v, const TensorOptions& o) {
  return ember::full(size, v, like(self, o));
}

Tensor zero_(const Tensor& self) { return self.fill_(0); }

Tensor resize_(const Tensor& self, IntArrayRef size) {
  self.check_defined("resize_");
  EMBER_CHECK(!self.requires_grad(), "cannot resize variables that require grad");
  for (int64_t s : size) EMBER_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", size);
  self.unsafeGetTensorImpl()->resize(size);
  return self;
}

Tensor type_as(const Tensor& self, const Tensor& other) {
  other.check_defined("type_as");
  return self.to(std::nullopt, other.dtype());
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options) {
  EMBER_CHECK(steps >= 0, "linspace(): number of steps must be non-negative");
  ScalarType dt = options.dtype();
  check_scalar_in_range(start, dt);  // PyTorch: "value cannot be converted to type int8_t without overflow"
  check_scalar_in_range(end, dt);
  Tensor out = ember::empty({steps}, TensorOptions(kFloat64));
  double a = start.to_double(), b = end.to_double();
  double* p = out.data_ptr<double>();
  double step = steps > 1 ? (b - a) / static_cast<double>(steps - 1) : 0.0;
  // Symmetric, as PyTorch: the first half counts up from start, the second down from end.
  for (int64_t i = 0; i < steps; ++i)
    p[i] = i < steps / 2 ? a + step * static_cast<double>(i) : b - step * static_cast<double>(steps - 1 - i);
  if (steps == 1) p[0] = a;
  if (is_integral(dt, false))
    for (int64_t i = 0; i < steps; ++i) p[i] = std::trunc(p[i]);
  return out.to(options.device_opt(), dt);
}

Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base, const TensorOptions& options) {
  Tensor e = ember::linspace(start, end, steps, TensorOptions(kFloat64));
  double* p = e.data_ptr<double>();
  for (int64_t i = 0; i < steps; ++i) p[i] = std::pow(base, p[i]);
  return e.to(options.device_opt(), options.dtype());
}

Tensor eye(int64_t n, std::optional<int64_t> m, const TensorOptions& options) {
  int64_t cols = m.value_or(n);
  EMBER_CHECK(n >= 0, "n must be greater or equal to 0, got ", n);
  EMBER_CHECK(cols >= 0, "m must be greater or equal to 0, got ", cols);
  Tensor out = ember::zeros({n, cols}, TensorOptions(kFloat64));
  double* p = out.data_ptr<double>();
  for (int64_t i = 0; i < std::min(n, cols); ++i) p[i * cols + i] = 1.0;
  return out.to(options.device_opt(), options.dtype());
}

static Tensor triangle(const char* op, const Tensor& self, int64_t diagonal, bool lower) {
  self.check_defined(op);
  EMBER_CHECK(self.dim() >= 2, op, ": input tensor must have at least 2 dimensions");
  int64_t rows = self.sizes()[self.dim() - 2], cols = self.sizes()[self.dim() - 1];
  // A 0/1 mask of the last two dims, broadcast over the batch dims.
  Tensor mask = ember::zeros({rows, cols}, TensorOptions(kBool));
  bool* m = mask.data_ptr<bool>();
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) m[i * cols + j] = lower ? (j - i <= diagonal) : (j - i >= diagonal);
  // A select, not a product with the mask: inf and NaN in the dropped half must become 0 too.
  return ember::where(mask.to(self.device()), self, ember::zeros({}, self.options()));
}

Tensor tril(const Tensor& self, int64_t diagonal) { return triangle("tril", self, diagonal, true); }
Tensor triu(const Tensor& self, int64_t diagonal) { return triangle("triu", self, diagonal, false); }

}  // namespace ember::native
