// In-place forms that PyTorch has for native ops (tril_, cumsum_, addmm_, index_add_, ...): the
// out-of-place op, then copy_ into self, so autograd records both (CopyBackward0 into self).
#include "ember/gen/native.h"

namespace ember::native {

namespace {
/// Writes r into self after PyTorch's castability check of an in-place op.
Tensor assign(const char* op, const Tensor& self, const Tensor& r) {
  EMBER_CHECK(can_cast(r.dtype(), self.dtype()), op, ": result type ", r.dtype(),
              " can't be cast to the desired output type ", self.dtype());
  self.copy_(r);
  return self;
}
}  // namespace

Tensor tril_(const Tensor& self, int64_t diagonal) { return assign("tril_", self, ember::tril(self, diagonal)); }
Tensor triu_(const Tensor& self, int64_t diagonal) { return assign("triu_", self, ember::triu(self, diagonal)); }

Tensor cumsum_(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  return assign("cumsum_", self, ember::cumsum(self, dim, dtype));
}
Tensor cumprod_(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  // cumprod saves its input for backward: give it a copy, since self is overwritten next.
  return assign("cumprod_", self, ember::cumprod(self.clone(), dim, dtype));
}

Tensor addmm_(const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar& beta, const Scalar& alpha) {
  return assign("addmm_", self, ember::addmm(self, mat1, mat2, beta, alpha));
}
Tensor baddbmm_(const Tensor& self, const Tensor& batch1, const Tensor& batch2, const Scalar& beta,
                const Scalar& alpha) {
  return assign("baddbmm_", self, ember::baddbmm(self, batch1, batch2, beta, alpha));
}

Tensor index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  return assign("index_add_", self, ember::index_add(self, dim, index, source, alpha));
}

Tensor lerp_(const Tensor& self, const Tensor& end, const Tensor& weight) {
  return assign("lerp_", self, ember::lerp(self, end, weight));
}

Tensor div_(const Tensor& self, const Tensor& other, const std::optional<std::string>& rounding_mode) {
  return assign("div_", self, ember::div(self, other, rounding_mode));
}

}  // namespace ember::native
