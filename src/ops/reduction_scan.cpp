// cumsum / cumprod, cummax / cummin, kthvalue and median. Arguments are checked here; the kernels
// (src/kernels/cpu/reduction_scan.cpp) get wrapped dims and freshly allocated outputs of the right shape.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ember/core/grad_mode.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/reduction_util.h"

namespace ember::native {

namespace {
TensorOptions opts(ScalarType dt, const Tensor& self) { return TensorOptions(dt).device(self.device()); }
}  // namespace

Tensor cumsum(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  self.check_defined("cumsum");
  check_grad_dtype(self, dtype);
  int64_t d = wrap_dim("cumsum", self, dim);
  ScalarType out_dt = dtype.value_or(is_integral(self.dtype(), true) ? kInt64 : self.dtype());
  Tensor in = self.dtype() == out_dt ? self : self.to(std::nullopt, out_dt);
  Tensor out = ember::empty(self.sizes(), opts(out_dt, self));
  dispatch::kernel<OpId::cumsum>(self.device().type(), out_dt)(out, in, d, out_dt);
  return out;
}

Tensor cumprod(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  self.check_defined("cumprod");
  check_grad_dtype(self, dtype);
  int64_t d = wrap_dim("cumprod", self, dim);
  ScalarType out_dt = dtype.value_or(is_integral(self.dtype(), true) ? kInt64 : self.dtype());
  Tensor in = self.dtype() == out_dt ? self : self.to(std::nullopt, out_dt);
  Tensor out = ember::empty(self.sizes(), opts(out_dt, self));
  dispatch::kernel<OpId::cumprod>(self.device().type(), out_dt)(out, in, d, out_dt);
  return out;
}

static std::tuple<Tensor, Tensor> cum_minmax(const char* op, bool is_max, const Tensor& self, int64_t dim) {
  self.check_defined(op);
  int64_t d = wrap_dim(op, self, dim);
  Tensor values = ember::empty(self.sizes(), opts(self.dtype(), self));
  Tensor indices = ember::empty(self.sizes(), opts(kInt64, self));
  if (is_max)
    dispatch::kernel<OpId::cummax>(self.device().type(), self.dtype())(values, indices, self, d);
  else
    dispatch::kernel<OpId::cummin>(self.device().type(), self.dtype())(values, indices, self, d);
  return {values, indices};
}

std::tuple<Tensor, Tensor> cummax(const Tensor& self, int64_t dim) { return cum_minmax("cummax", true, self, dim); }
std::tuple<Tensor, Tensor> cummin(const Tensor& self, int64_t dim) { return cum_minmax("cummin", false, self, dim); }

std::tuple<Tensor, Tensor> kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim) {
  self.check_defined("kthvalue");
  int64_t d = wrap_dim("kthvalue", self, dim);
  int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  EMBER_CHECK(k >= 1 && k <= n, "kthvalue(): selected number k out of range for dimension ", d);
  DimVector dims = self.dim() == 0 ? DimVector{} : DimVector{d};
  DimVector shape = reduced_shape(self, dims, keepdim);
  Tensor values = ember::empty(shape, opts(self.dtype(), self));
  Tensor indices = ember::empty(shape, opts(kInt64, self));
  dispatch::kernel<OpId::kthvalue>(self.device().type(), self.dtype())(values, indices, self, k, d, keepdim);
  return {values, indices};
}

std::tuple<Tensor, Tensor> median_dim(const Tensor& self, int64_t dim, bool keepdim) {
  self.check_defined("median");
  int64_t d = wrap_dim("median", self, dim);
  int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  EMBER_CHECK_INDEX(n != 0, "median(): Expected reduction dim ", d, " to have non-zero size.");
  auto [v, i] = ember::kthvalue(self, (n - 1) / 2 + 1, d, keepdim);
  if (!is_floating_point(self.dtype()) || self.numel() == 0) return {v, i};
  // A slice with a NaN has median NaN, at its first NaN (kthvalue sorts NaN last).
  Tensor nan = self.isnan();
  Tensor has = nan.any(d, keepdim);
  Tensor first = nan.argmax(d, keepdim);
  return {ember::where(has, Scalar(std::numeric_limits<double>::quiet_NaN()), v), ember::where(has, first, i)};
}

Tensor median(const Tensor& self) {
  self.check_defined("median");
  if (self.numel() == 0) return ember::full({}, Scalar(std::numeric_limits<double>::quiet_NaN()),
                                            opts(self.dtype(), self));
  return std::get<0>(native::median_dim(self.reshape({-1}), 0, false));
}

Tensor quantile(const Tensor& self, const Tensor& q, std::optional<int64_t> dim, bool keepdim,
                const std::string& interpolation) {
  self.check_defined("quantile");
  EMBER_CHECK(self.dtype() == kFloat32 || self.dtype() == kFloat64,
              "quantile() input tensor must be either float or double dtype");
  EMBER_CHECK(q.dim() <= 1, "quantile() q must be a scalar or 1D tensor");
  EMBER_CHECK(interpolation == "linear" || interpolation == "lower" || interpolation == "higher" ||
                  interpolation == "midpoint" || interpolation == "nearest",
              "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest. Got ",
              interpolation);
  Tensor qd = q.to(std::nullopt, kFloat64).contiguous().reshape({-1});
  std::vector<double> qs(qd.numel());
  for (int64_t i = 0; i < qd.numel(); ++i) {
    if (qd.is_meta()) {  // meta: the values of q do not change the result's shape
      qs[i] = 0.5;
      continue;
    }
    qs[i] = qd.select(0, i).item<double>();
    EMBER_CHECK(qs[i] >= 0 && qs[i] <= 1, "quantile() q values must be in the range [0, 1]");
  }
  Tensor x = self;
  int64_t d = 0;
  DimVector shape;  // the shape of one quantile's result
  if (dim) {
    d = wrap_dim("quantile", self, *dim);
    shape = reduced_shape(self, self.dim() == 0 ? DimVector{} : DimVector{d}, keepdim);
    if (self.dim() == 0) x = self.reshape({1});
  } else {
    if (keepdim) shape = DimVector(self.dim(), 1);
    x = self.reshape({-1});
  }
  int64_t n = x.sizes()[d];
  std::vector<Tensor> vals;
  double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor has_nan = n == 0 ? Tensor() : x.isnan().any(d, true);
  for (double qv : qs) {
    if (n == 0) {
      vals.push_back(ember::full(shape, Scalar(nan), TensorOptions(self.dtype()).device(self.device())));
      continue;
    }
    double pos = qv * static_cast<double>(n - 1);
    int64_t lo = static_cast<int64_t>(std::floor(pos)), hi = static_cast<int64_t>(std::ceil(pos));
    auto kth = [&](int64_t k) { return std::get<0>(ember::kthvalue(x, k + 1, d, true)); };
    Tensor v;
    if (interpolation == "lower") v = kth(lo);
    else if (interpolation == "higher") v = kth(hi);
    else if (interpolation == "nearest") v = kth(static_cast<int64_t>(std::nearbyint(pos)));  // half to even
    else if (interpolation == "midpoint") v = lo == hi ? kth(lo) : (kth(lo) + kth(hi)) * 0.5;
    else v = lo == hi ? kth(lo) : kth(lo) + (kth(hi) - kth(lo)) * (pos - static_cast<double>(lo));
    v = ember::where(has_nan, Scalar(nan), v);
    vals.push_back(v.reshape(shape));
  }
  if (q.dim() == 0) return vals[0];
  // Stack the quantiles along a new leading dim (as one-hot sums, which autograd records).
  int64_t k = static_cast<int64_t>(vals.size());
  DimVector out_shape{k};
  for (int64_t s : shape) out_shape.push_back(s);
  DimVector oh_shape(out_shape.size(), 1);
  oh_shape[0] = k;
  Tensor idx = ember::arange(k, TensorOptions(kInt64).device(self.device())).reshape(oh_shape);
  Tensor out = ember::zeros(out_shape, TensorOptions(self.dtype()).device(self.device()));
  for (int64_t i = 0; i < k; ++i) out = out + ember::where(idx.eq(Scalar(i)), vals[i].unsqueeze(0), Scalar(0.0));
  return out;
}

}  // namespace ember::native
