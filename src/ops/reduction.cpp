// Reductions (sum, mean) and softmax / log_softmax.
#include <vector>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/reduction_util.h"

namespace ember::native {


Tensor sum(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim, std::optional<ScalarType> dtype) {
  self.check_defined("sum");
  check_grad_dtype(self, dtype);
  ScalarType out_dt = dtype.value_or(is_integral(self.dtype(), true) ? kInt64 : self.dtype());
  DimVector dims = reduce_dims("sum", self, dim);
  Tensor in = self.dtype() == out_dt ? self : self.to(std::nullopt, out_dt);
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), TensorOptions(out_dt).device(self.device()));
  dispatch::kernel<OpId::sum>(self.device().type(), out_dt)(out, in, IntArrayRef(dims), keepdim, out_dt);
  return out;
}

Tensor mean(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim, std::optional<ScalarType> dtype) {
  self.check_defined("mean");
  ScalarType dt = dtype.value_or(self.dtype());
  EMBER_CHECK(is_floating_point(dt), "mean(): could not infer output dtype. Input dtype must be either a floating "
              "point or complex dtype. Got: ", dt);
  DimVector dims = reduce_dims("mean", self, dim);
  Tensor in = self.dtype() == dt ? self : self.to(std::nullopt, dt);
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), TensorOptions(dt).device(self.device()));
  dispatch::kernel<OpId::mean>(self.device().type(), dt)(out, in, IntArrayRef(dims), keepdim, dt);
  return out;
}

static Tensor softmax_common(const char* op, OpId id, const Tensor& self, int64_t dim,
                             std::optional<ScalarType> dtype) {
  self.check_defined(op);
  ScalarType dt = dtype.value_or(self.dtype());
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(dt), "\"", op, "_lastdim_kernel_impl\" not implemented for '",
                 dt, "' (", op, ": expected a floating-point input or dtype= argument)");
  int64_t n = std::max<int64_t>(self.dim(), 1);
  EMBER_CHECK_INDEX(dim >= -n && dim < n, op, ": dimension out of range (expected to be in range of [", -n, ", ",
                    n - 1, "], but got ", dim, ")");
  int64_t d = dim < 0 ? dim + n : dim;
  Tensor in = (self.dtype() == dt ? self : self.to(std::nullopt, dt)).contiguous();
  Tensor out = ember::empty(self.sizes(), TensorOptions(dt).device(self.device()));
  if (id == OpId::softmax)
    dispatch::kernel<OpId::softmax>(self.device().type(), dt)(out, in, d, dt);
  else
    dispatch::kernel<OpId::log_softmax>(self.device().type(), dt)(out, in, d, dt);
  return out;
}

Tensor softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_common("softmax", OpId::softmax, self, dim, dtype);
}

Tensor log_softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_common("log_softmax", OpId::log_softmax, self, dim, dtype);
}

}  // namespace ember::native
