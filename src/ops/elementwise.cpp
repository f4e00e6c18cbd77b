// Hand-written elementwise ops (elementwise.yaml entries marked native): where, isclose, allclose, equal.
#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/structured.h"

namespace ember::native {

Tensor clamp_Tensor(const Tensor& self, const std::optional<Tensor>& min, const std::optional<Tensor>& max) {
  self.check_defined("clamp");
  bool has_min = min && min->defined(), has_max = max && max->defined();
  EMBER_CHECK(has_min || has_max, "torch.clamp: At least one of 'min' or 'max' must not be None");
  Tensor r = self;
  if (has_min) r = ember::maximum(r, *min);
  if (has_max) r = ember::minimum(r, *max);
  return r;
}

Tensor clamp_(const Tensor& self, const std::optional<Tensor>& min, const std::optional<Tensor>& max) {
  Tensor r = clamp_Tensor(self, min, max);
  self.copy_(r);
  return self;
}

Tensor lerp_Tensor(const Tensor& self, const Tensor& end, const Tensor& weight) {
  for (const Tensor* t : {&self, &end, &weight}) t->check_defined("lerp");
  EMBER_CHECK(self.dtype() == end.dtype() && self.dtype() == weight.dtype(), "lerp: expected dtype ",
              self.dtype(), " for `end` and `weight` but got dtypes ", end.dtype(), " and ", weight.dtype());
  EMBER_CHECK(is_floating_point(self.dtype()), "lerp: \"lerp_kernel\" not implemented for '", self.dtype(), "'");
  // As PyTorch: from the nearer end, so that weight 1 gives end exactly.
  Tensor diff = end - self;
  Tensor small = weight.abs() < 0.5;
  return ember::where(small, self + weight * diff, end - diff * (1 - weight));
}

std::vector<Tensor> where_default(const Tensor& condition) { return ember::nonzero_numpy(condition); }

Tensor div_Tensor_mode(const Tensor& self, const Tensor& other, const std::optional<std::string>& rounding_mode) {
  if (!rounding_mode) return ember::div(self, other);
  const std::string& mode = *rounding_mode;
  EMBER_CHECK(mode == "trunc" || mode == "floor", "div expected rounding_mode to be one of None, 'trunc', or "
              "'floor' but found '", mode, "'");
  if (mode == "floor") return ember::floor_divide(self, other);
  ScalarType rt = ember::result_type(self, other);
  if (is_floating_point(rt)) return ember::div(self, other).trunc().to(rt);
  // Integers: floor division, then one step toward zero where the signs differ and the division is inexact.
  Tensor q = ember::floor_divide(self, other);
  Tensor inexact = ember::remainder(self, other) != 0;
  Tensor neg = (self < 0).logical_xor(other < 0);
  return ember::where(inexact.logical_and(neg), q + 1, q);
}

Tensor clip(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  return ember::clamp(self, min, max);
}
Tensor clip_Tensor(const Tensor& self, const std::optional<Tensor>& min, const std::optional<Tensor>& max) {
  return ember::clamp(self, min, max);
}
Tensor clip_(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  self.clamp_(min, max);
  return self;
}
Tensor clip__Tensor(const Tensor& self, const std::optional<Tensor>& min, const std::optional<Tensor>& max) {
  self.clamp_(min, max);
  return self;
}

Tensor where(const Tensor& condition, const Tensor& self, const Tensor& other) {
  for (const Tensor* t : {&condition, &self, &other})
    EMBER_CHECK(t->defined(), "where: expected a defined tensor but got an undefined one");
  EMBER_CHECK(condition.dtype() == kBool || condition.dtype() == kUInt8, "where expected condition to be a boolean "
              "tensor, but got a tensor with dtype ", condition.dtype());
  if (condition.dtype() == kUInt8) return ember::where(condition.ne(0), self, other);  // accepted (deprecated) there
  structured::MetaResult m = structured::meta_binary("where", self, other);
  m.shape = structured::broadcast_shapes("where", condition.sizes(), m.shape);
  EMBER_CHECK(condition.device() == m.device || (condition.device().is_cpu() && condition.dim() == 0),
              "where: expected all tensors to be on the same device, but found at least two devices, ",
              condition.device(), " and ", m.device, "!");
  // A Python number must fit an integer result (PyTorch: "value cannot be converted to type uint8_t
  // without overflow"); floating results take any value.
  if (!is_floating_point(m.out_dtype))
    for (const Tensor* t : {&self, &other})
      if (t->unsafeGetTensorImpl()->is_wrapped_number() && !t->is_meta()) check_scalar_in_range(t->item(), m.out_dtype);
  Tensor out = structured::alloc(m);
  Tensor a = structured::cast(self, m), b = structured::cast(other, m);
  dispatch::kernel<OpId::where>(m.device.type(), m.compute_dtype)(out, condition, a, b);
  return out;
}

// As PyTorch's isclose: bool inputs compare in the default float dtype; integer differences in float64.
Tensor isclose(const Tensor& self, const Tensor& other, double rtol, double atol, bool equal_nan) {
  EMBER_CHECK(self.defined() && other.defined(), "isclose(): expected defined tensors");
  EMBER_CHECK(self.dtype() == other.dtype(), "isclose(): self (", self.dtype(), ") and other (", other.dtype(),
              ") must have the same scalar type");
  EMBER_CHECK(rtol >= 0, "isclose(): rtol must be greater than or equal to zero, but got ", rtol);
  EMBER_CHECK(atol >= 0, "isclose(): atol must be greater than or equal to zero, but got ", atol);
  Tensor close = ember::eq(self, other);
  if (equal_nan && self.is_floating_point())
    close = ember::logical_or(close, ember::logical_and(ember::isnan(self), ember::isnan(other)));
  if (rtol == 0 && atol == 0) return close;
  Tensor a = self.dtype() == kBool ? self.to(std::nullopt, get_default_dtype()) : self;
  Tensor b = other.dtype() == kBool ? other.to(std::nullopt, get_default_dtype()) : other;
  if (!a.is_floating_point()) {  // |a - b| must not wrap around (int16: 32767 - (-1)): in float64
    a = a.to(std::nullopt, kFloat64);
    b = b.to(std::nullopt, kFloat64);
  }
  Tensor allowed = atol + ember::abs(rtol * b);
  Tensor actual = ember::abs(a - b);
  return ember::logical_or(close, ember::logical_and(ember::isfinite(actual), ember::le(actual, allowed)));
}

static bool all_true(const Tensor& mask) {
  return ember::logical_not(mask).sum().item().to_long() == 0;
}

bool allclose(const Tensor& self, const Tensor& other, double rtol, double atol, bool equal_nan) {
  return all_true(native::isclose(self, other, rtol, atol, equal_nan));
}

bool equal(const Tensor& self, const Tensor& other) {
  EMBER_CHECK(self.defined() && other.defined(), "equal(): expected defined tensors");
  EMBER_CHECK(self.device() == other.device(), "Expected all tensors to be on the same device, but found at least "
              "two devices, ", self.device(), " and ", other.device(), "!");
  if (!self.sizes().equals(other.sizes())) return false;
  return all_true(ember::eq(self, other));
}

}  // namespace ember::native
