// var / std (and _mean), logsumexp, norm: built from other ops (var/std/logsumexp are composite, so
// autograd records the ops they call; norm has its own formula, zero at a zero norm).
#include <cmath>
#include <limits>

#include "ember/gen/native.h"
#include "ops/reduction_util.h"

namespace ember::native {

namespace {
void check_float(const char* op, const Tensor& self) {
  EMBER_CHECK(is_floating_point(self.dtype()), op, "(): std and var only support floating point and complex "
              "dtypes, got ", self.dtype());
}

/// The number of elements reduced into each output element.
int64_t reduced_count(const Tensor& self, const DimVector& dims) {
  if (self.dim() == 0) return 1;
  int64_t n = 1;
  for (int64_t d : dims) n *= self.sizes()[d];
  return n;
}

Tensor var_impl(const char* op, const Tensor& self, const OptionalIntArrayRef& dim,
                const std::optional<Scalar>& correction, bool keepdim, Tensor* mean_out) {
  self.check_defined(op);
  check_float(op, self);
  DimVector dims = reduce_dims(op, self, dim);
  int64_t n = reduced_count(self, dims);
  double c = correction ? correction->to_double() : 1.0;
  IntArrayRef rd(dims);
  Tensor mu = self.mean(rd, true);
  Tensor d = self - mu;
  Tensor ss = (d * d).sum(rd, keepdim);
  if (mean_out) *mean_out = keepdim ? mu : mu.reshape(reduced_shape(self, dims, false));
  return ss / std::max(static_cast<double>(n) - c, 0.0);
}

/// sqrt(var) for std: where the variance is 0 (a constant input) the gradient is 0, as in PyTorch,
/// not 0 * inf (the sqrt is taken of 1 there, and the select passes no gradient through it).
Tensor std_from_var(const Tensor& v) {
  if (!autograd::GradMode::is_enabled() || !v.requires_grad()) return v.sqrt();
  Tensor zero = v.eq(0);
  return ember::where(zero, v * 0.0, ember::where(zero, ember::ones_like(v), v).sqrt());
}
}  // namespace

Tensor var(const Tensor& self, const OptionalIntArrayRef& dim, const std::optional<Scalar>& correction, bool keepdim) {
  return var_impl("var", self, dim, correction, keepdim, nullptr);
}

Tensor std(const Tensor& self, const OptionalIntArrayRef& dim, const std::optional<Scalar>& correction, bool keepdim) {
  return std_from_var(var_impl("std", self, dim, correction, keepdim, nullptr));
}

std::tuple<Tensor, Tensor> var_mean(const Tensor& self, const OptionalIntArrayRef& dim,
                                    const std::optional<Scalar>& correction, bool keepdim) {
  Tensor m;
  Tensor v = var_impl("var_mean", self, dim, correction, keepdim, &m);
  return {v, m};
}

std::tuple<Tensor, Tensor> std_mean(const Tensor& self, const OptionalIntArrayRef& dim,
                                    const std::optional<Scalar>& correction, bool keepdim) {
  Tensor m;
  Tensor v = var_impl("std_mean", self, dim, correction, keepdim, &m);
  return {std_from_var(v), m};
}

// PyTorch's legacy unbiased= overloads: unbiased means correction 1, otherwise 0.
static std::optional<Scalar> correction_of(bool unbiased) { return Scalar(unbiased ? 1 : 0); }

Tensor var_default(const Tensor& self, bool unbiased) { return native::var(self, std::nullopt, correction_of(unbiased), false); }
Tensor var_dim(const Tensor& self, const OptionalIntArrayRef& dim, bool unbiased, bool keepdim) {
  return native::var(self, dim, correction_of(unbiased), keepdim);
}
Tensor std_default(const Tensor& self, bool unbiased) { return native::std(self, std::nullopt, correction_of(unbiased), false); }
Tensor std_dim(const Tensor& self, const OptionalIntArrayRef& dim, bool unbiased, bool keepdim) {
  return native::std(self, dim, correction_of(unbiased), keepdim);
}
std::tuple<Tensor, Tensor> var_mean_default(const Tensor& self, bool unbiased) {
  return native::var_mean(self, std::nullopt, correction_of(unbiased), false);
}
std::tuple<Tensor, Tensor> var_mean_dim(const Tensor& self, const OptionalIntArrayRef& dim, bool unbiased,
                                        bool keepdim) {
  return native::var_mean(self, dim, correction_of(unbiased), keepdim);
}
std::tuple<Tensor, Tensor> std_mean_default(const Tensor& self, bool unbiased) {
  return native::std_mean(self, std::nullopt, correction_of(unbiased), false);
}
std::tuple<Tensor, Tensor> std_mean_dim(const Tensor& self, const OptionalIntArrayRef& dim, bool unbiased,
                                        bool keepdim) {
  return native::std_mean(self, dim, correction_of(unbiased), keepdim);
}

Tensor logsumexp(const Tensor& self, IntArrayRef dim, bool keepdim) {
  self.check_defined("logsumexp");
  Tensor in = is_floating_point(self.dtype()) ? self : self.to(std::nullopt, get_default_dtype());
  DimVector dims = reduce_dims("logsumexp", in, dim);
  IntArrayRef rd(dims);
  if (in.numel() == 0) return in.exp().sum(rd, keepdim).log();
  Tensor m = in.amax(rd, true);
  m = ember::where(m.isinf(), Scalar(0.0), m);  // all -inf (or an inf): no shift
  Tensor r = (in - m).exp().sum(rd, true).log() + m;
  return keepdim ? r : r.reshape(reduced_shape(in, dims, false));
}

static Tensor norm_impl(const Tensor& in, const std::optional<Scalar>& ord, const OptionalIntArrayRef& dim,
                        bool keepdim);

Tensor norm_str(const Tensor& self, const std::string& p, const OptionalIntArrayRef& dim, bool keepdim,
                std::optional<ScalarType> dtype) {
  EMBER_CHECK(p == "fro", "norm(): p='", p, "' is not supported (only 'fro' and numbers)");
  return ember::norm(self, Scalar(2), dim, keepdim, dtype);
}

Tensor norm(const Tensor& self, const std::optional<Scalar>& ord, const OptionalIntArrayRef& dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  self.check_defined("norm");
  ScalarType dt = dtype.value_or(self.dtype());
  EMBER_CHECK(is_floating_point(self.dtype()) && is_floating_point(dt), "norm(): input dtype should be either "
              "floating point or complex. Got ", is_floating_point(self.dtype()) ? dt : self.dtype(), " instead.");
  // float16 / bfloat16 are computed in float32 (as PyTorch accumulates them), then rounded once.
  ScalarType ct = (dt == kFloat16 || dt == kBFloat16) ? kFloat32 : dt;
  Tensor r = norm_impl(self.dtype() == ct ? self : self.to(std::nullopt, ct), ord, dim, keepdim);
  return r.dtype() == dt ? r : r.to(std::nullopt, dt);
}

static Tensor norm_impl(const Tensor& in, const std::optional<Scalar>& ord, const OptionalIntArrayRef& dim,
                        bool keepdim) {
  ScalarType dt = in.dtype();
  DimVector dims = reduce_dims("norm", in, dim);
  IntArrayRef rd(dims);
  double pv = ord ? ord->to_double() : 2.0;  // PyTorch's p (a Python keyword there: the bindings' p)
  Tensor a = in.abs();
  if (std::isinf(pv)) {
    if (in.numel() == 0) {
      EMBER_CHECK(dim.has_value() && !dim->empty(), "linalg.vector_norm cannot compute the ", pv,
                  " norm on an empty tensor because the operation does not have an identity");
    }
    return pv > 0 ? a.amax(rd, keepdim) : a.amin(rd, keepdim);
  }
  if (pv == 0) return a.ne(Scalar(0)).sum(rd, keepdim, dt);
  if (pv == 1) return a.sum(rd, keepdim);
  if (pv == 2) return (a * a).sum(rd, keepdim).sqrt();
  return ember::pow(ember::pow(a, Scalar(pv)).sum(rd, keepdim), Scalar(1.0 / pv));
}

}  // namespace ember::native
