// prod, nansum, amax/amin, max/min (full and along a dim), argmax/argmin, all/any, count_nonzero.
// Dims are checked and normalized here; the kernels (src/kernels/cpu/reduction_index.cpp) get the
// normalized dims and a freshly allocated contiguous output of the reduced shape.
#include <string>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/reduction_util.h"

namespace ember::native {

namespace {
TensorOptions opts(ScalarType dt, const Tensor& self) { return TensorOptions(dt).device(self.device()); }

/// PyTorch's zero-size checks of min/max-like reductions (nothing to select from).
void check_nonempty(const char* op, const Tensor& self, const DimVector& dims, bool dims_given) {
  if (self.numel() != 0) return;
  EMBER_CHECK_INDEX(dims_given, op, "(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.");
  for (int64_t d : dims)
    EMBER_CHECK_INDEX(self.dim() == 0 || self.sizes()[d] != 0, op, "(): Expected reduction dim ", d,
                      " to have non-zero size.");
}
}  // namespace

Tensor prod(const Tensor& self, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  self.check_defined("prod");
  check_grad_dtype(self, dtype);
  ScalarType out_dt = dtype.value_or(is_integral(self.dtype(), true) ? kInt64 : self.dtype());
  DimVector dims = dim ? DimVector{wrap_dim("prod", self, *dim)} : reduce_dims("prod", self, std::nullopt);
  if (self.dim() == 0) dims.clear();
  Tensor in = self.dtype() == out_dt ? self : self.to(std::nullopt, out_dt);
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), opts(out_dt, self));
  // the kernel gets the one (wrapped) dim, or none for all of them
  std::optional<int64_t> kdim = (dim && !dims.empty()) ? std::optional<int64_t>(dims[0]) : std::nullopt;
  dispatch::kernel<OpId::prod>(self.device().type(), out_dt)(out, in, kdim, keepdim, out_dt);
  return out;
}

Tensor nansum(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim, std::optional<ScalarType> dtype) {
  self.check_defined("nansum");
  check_grad_dtype(self, dtype);
  ScalarType out_dt = dtype.value_or(is_integral(self.dtype(), true) ? kInt64 : self.dtype());
  DimVector dims = reduce_dims("nansum", self, dim);
  Tensor in = self.dtype() == out_dt ? self : self.to(std::nullopt, out_dt);
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), opts(out_dt, self));
  dispatch::kernel<OpId::nansum>(self.device().type(), out_dt)(out, in, IntArrayRef(dims), keepdim, out_dt);
  return out;
}

static Tensor amax_common(const char* op, OpId id, const Tensor& self, const OptionalIntArrayRef& dim,
                          bool keepdim) {
  self.check_defined(op);
  DimVector dims = reduce_dims(op, self, dim);
  check_nonempty(op, self, dims, dim.has_value() && !dim->empty());
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), opts(self.dtype(), self));
  if (id == OpId::amax)
    dispatch::kernel<OpId::amax>(self.device().type(), self.dtype())(out, self, IntArrayRef(dims), keepdim);
  else
    dispatch::kernel<OpId::amin>(self.device().type(), self.dtype())(out, self, IntArrayRef(dims), keepdim);
  return out;
}

Tensor amax(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim) {
  return amax_common("amax", OpId::amax, self, dim, keepdim);
}
Tensor amin(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim) {
  return amax_common("amin", OpId::amin, self, dim, keepdim);
}

Tensor max(const Tensor& self) {
  self.check_defined("max");
  check_nonempty("max", self, {}, false);
  Tensor out = ember::empty({}, opts(self.dtype(), self));
  dispatch::kernel<OpId::max>(self.device().type(), self.dtype())(out, self);
  return out;
}

Tensor min(const Tensor& self) {
  self.check_defined("min");
  check_nonempty("min", self, {}, false);
  Tensor out = ember::empty({}, opts(self.dtype(), self));
  dispatch::kernel<OpId::min>(self.device().type(), self.dtype())(out, self);
  return out;
}

static std::tuple<Tensor, Tensor> minmax_dim(const char* op, bool is_max, const Tensor& self, int64_t dim,
                                             bool keepdim) {
  self.check_defined(op);
  int64_t d = wrap_dim(op, self, dim);
  DimVector dims = self.dim() == 0 ? DimVector{} : DimVector{d};
  check_nonempty(op, self, dims, true);
  DimVector shape = reduced_shape(self, dims, keepdim);
  Tensor values = ember::empty(shape, opts(self.dtype(), self));
  Tensor indices = ember::empty(shape, opts(kInt64, self));
  if (is_max)
    dispatch::kernel<OpId::max_dim>(self.device().type(), self.dtype())(values, indices, self, d, keepdim);
  else
    dispatch::kernel<OpId::min_dim>(self.device().type(), self.dtype())(values, indices, self, d, keepdim);
  return {values, indices};
}

Tensor max_other(const Tensor& self, const Tensor& other) { return ember::maximum(self, other); }
Tensor min_other(const Tensor& self, const Tensor& other) { return ember::minimum(self, other); }

std::tuple<Tensor, Tensor> max_dim(const Tensor& self, int64_t dim, bool keepdim) {
  return minmax_dim("max", true, self, dim, keepdim);
}
std::tuple<Tensor, Tensor> min_dim(const Tensor& self, int64_t dim, bool keepdim) {
  return minmax_dim("min", false, self, dim, keepdim);
}

static Tensor arg_common(const char* op, bool is_max, const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  self.check_defined(op);
  Tensor in = self;
  DimVector shape;
  int64_t d = 0;
  if (dim) {
    d = wrap_dim(op, self, *dim);
    DimVector dims = self.dim() == 0 ? DimVector{} : DimVector{d};
    check_nonempty(op, self, dims, true);
    shape = reduced_shape(self, dims, keepdim);
    if (self.dim() == 0) in = self.reshape({1}), d = 0;
  } else {
    check_nonempty(op, self, {}, false);
    if (keepdim) shape = DimVector(self.dim(), 1);
    in = self.reshape({-1});
  }
  Tensor out = ember::empty(shape, opts(kInt64, self));
  if (is_max)
    dispatch::kernel<OpId::argmax>(self.device().type(), self.dtype())(out, in, d, keepdim);
  else
    dispatch::kernel<OpId::argmin>(self.device().type(), self.dtype())(out, in, d, keepdim);
  return out;
}

Tensor argmax(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  return arg_common("argmax", true, self, dim, keepdim);
}
Tensor argmin(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  return arg_common("argmin", false, self, dim, keepdim);
}

static Tensor bool_common(const char* op, bool is_all, const Tensor& self, const OptionalIntArrayRef& dim,
                          bool keepdim) {
  self.check_defined(op);
  ScalarType out_dt = self.dtype() == kUInt8 ? kUInt8 : kBool;
  if (dim && dim->empty()) {  // PyTorch: an empty dim list reduces nothing (each element's truth value)
    Tensor r = self.ne(0);
    return out_dt == kBool ? r : r.to(std::nullopt, out_dt);
  }
  DimVector dims = reduce_dims(op, self, dim);
  Tensor out = ember::empty(reduced_shape(self, dims, keepdim), opts(out_dt, self));
  if (is_all)
    dispatch::kernel<OpId::all>(self.device().type(), self.dtype())(out, self, IntArrayRef(dims), keepdim);
  else
    dispatch::kernel<OpId::any>(self.device().type(), self.dtype())(out, self, IntArrayRef(dims), keepdim);
  return out;
}

Tensor all(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim) {
  return bool_common("all", true, self, dim, keepdim);
}
Tensor any(const Tensor& self, const OptionalIntArrayRef& dim, bool keepdim) {
  return bool_common("any", false, self, dim, keepdim);
}

Tensor count_nonzero(const Tensor& self, const OptionalIntArrayRef& dim) {
  self.check_defined("count_nonzero");
  DimVector dims = reduce_dims("count_nonzero", self, dim);
  Tensor out = ember::empty(reduced_shape(self, dims, false), opts(kInt64, self));
  dispatch::kernel<OpId::count_nonzero>(self.device().type(), self.dtype())(out, self, IntArrayRef(dims));
  return out;
}

}  // namespace ember::native
