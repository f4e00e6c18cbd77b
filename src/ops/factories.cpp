// Factories, fill_ and copy_ (native ops; kernels in src/kernels/<device>/copy_fill.cpp).
#include <cmath>
#include "ember/util/pool.h"

#include "ember/core/grad_mode.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/structured.h"

namespace ember::native {

Tensor empty(IntArrayRef size, const TensorOptions& options) {
  for (int64_t s : size)
    EMBER_CHECK(s >= 0, "empty: trying to create tensor with negative dimension ", s, ": ", size);
  ScalarType dt = options.dtype();
  Device dev = options.device();
  const size_t nbytes = compute_storage_nbytes(size, element_size(dt));  // checks the product's overflow
  const int64_t numel = static_cast<int64_t>(nbytes / element_size(dt));
  auto storage = StorageImpl::allocate(nbytes, dev);
  if (autograd::InferenceMode::is_enabled()) storage->set_inference(true);  // Note [inference tensors]
  return Tensor(internal::make_pooled<TensorImpl>(std::move(storage), dt, size, numel));
}

Tensor zeros(IntArrayRef size, const TensorOptions& options) {
  Tensor t = ember::empty(size, options);
  return t.fill_(0);
}

Tensor ones(IntArrayRef size, const TensorOptions& options) {
  Tensor t = ember::empty(size, options);
  return t.fill_(1);
}

Tensor full(IntArrayRef size, const Scalar& fill_value, const TensorOptions& options) {
  TensorOptions o = options;
  if (!options.dtype_opt()) o = o.dtype(fill_value.dtype());
  Tensor t = ember::empty(size, o);
  return t.fill_(fill_value);
}

Tensor arange(const Scalar& start_, const std::optional<Scalar>& end_, const Scalar& step,
              const TensorOptions& options) {
  Scalar start = end_ ? start_ : Scalar(int64_t(0));
  Scalar end = end_ ? *end_ : start_;
  ScalarType dt = options.dtype_opt().value_or(
      start.is_floating_point() || end.is_floating_point() || step.is_floating_point() ? get_default_dtype()
                                                                                       : kInt64);
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(st != 0, "arange: step must be nonzero");
  EMBER_CHECK(std::isfinite(s) && std::isfinite(e), "arange: unsupported range: ", s, " -> ", e);
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s),
              "arange: upper bound and larger bound inconsistent with step sign");
  int64_t n;
  if (!is_floating_point(dt) && start.is_integral() && end.is_integral() && step.is_integral()) {
    // In 128 bits: end - start may not fit int64 (Note [size overflow]).
    __int128 a = start.to_long(), b = end.to_long(), c = step.to_long();
    __int128 m = c > 0 ? (b - a + c - 1) / c : (a - b + (-c) - 1) / (-c);
    EMBER_CHECK(m <= INT64_MAX, "arange: invalid size, possible overflow? (start ", start, ", end ", end, ", step ",
                step, ")");
    n = static_cast<int64_t>(m);
  } else {
    double m = std::ceil((e - s) / st);
    EMBER_CHECK(m < 9.2233720368547758e18, "arange: invalid size, possible overflow? (start ", start, ", end ",
                end, ", step ", step, ")");
    n = static_cast<int64_t>(m);
  }
  Tensor out = ember::empty({n}, options.dtype(dt));
  dispatch::kernel<OpId::arange>(out.device().type(), dt)(out, start, end, step, options);
  return out;
}

Tensor fill__Tensor(const Tensor& self, const Tensor& value) {
  self.check_defined("fill_");
  value.check_defined("fill_");
  EMBER_CHECK(value.dim() == 0, "fill_ only supports 0-dimension value tensor but got tensor with ", value.dim(),
              " dimensions.");
  // A copy of the broadcast value: no host read of value's memory (any device), recorded by autograd.
  self.copy_(value.expand(self.sizes()));
  return self;
}

Tensor fill_(const Tensor& self, const Scalar& value) {
  self.check_defined("fill_");
  check_scalar_in_range(value, self.dtype());  // Note [scalar range]
  dispatch::kernel<OpId::fill_>(self.device().type(), self.dtype())(self, value);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

Tensor copy_(const Tensor& self, const Tensor& src, bool non_blocking) {
  self.check_defined("copy_");
  src.check_defined("copy_");
  auto shape = structured::broadcast_shapes("copy_", self.sizes(), src.sizes());
  EMBER_CHECK(shape.ref().equals(self.sizes()), "copy_: the source of shape ", src.sizes(),
              " cannot be broadcast to the destination of shape ", self.sizes());
  // Anything may be copied into a meta tensor (nothing is written); nothing can be copied out of one.
  EMBER_CHECK_AS(NotImplementedError, !src.is_meta() || self.is_meta(), "Cannot copy out of meta tensor; no data! "
                 "(copy_ from a meta tensor of shape ", src.sizes(), " to a tensor on ", self.device(), ")");
  EMBER_CHECK_AS(NotImplementedError, self.device() == src.device() || self.is_meta(), "\"copy_\" has no kernel "
                 "that copies from ", src.device(), " to ", self.device(), " (this build has CPU kernels only)");
  // A source that partly overlaps the destination, both dense (x[1:4].copy_(x[0:3])): PyTorch's error
  // (interleaved strided views are too hard to tell apart, and allowed there too).
  if (src.impl()->storage() == self.impl()->storage() && src.is_contiguous() && self.is_contiguous() &&
      !(src.data_ptr() == self.data_ptr() && src.sizes().equals(self.sizes())))
    structured::check_overlap("copy_", self, {&src});
  for (int64_t d = 0; d < self.dim(); ++d)  // an expand()ed destination: several sources per element
    EMBER_CHECK(self.strides()[d] != 0 || self.sizes()[d] <= 1, "copy_: unsupported operation: more than one "
                "element of the written-to tensor refers to a single memory location. Please clone() the tensor "
                "before performing the operation. (shape ", self.sizes(), ", strides ", self.strides(), ")");
  dispatch::kernel<OpId::copy_>(self.device().type(), self.dtype())(self, src, non_blocking);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

}  // namespace ember::native
