// _foreach_* ops (src/ops/foreach.yaml): in-place updates over lists of tensors, one op per element.
#include "ember/gen/native.h"

namespace ember::native {

void _foreach_add_(TensorList self, const Scalar& scalar) {
  for (const Tensor& t : self) t.add_(scalar);
}

void _foreach_add__List(TensorList self, TensorList other, const Scalar& alpha) {
  EMBER_CHECK(self.size() == other.size(), "_foreach_add_: tensor lists must have the same length, got ",
              self.size(), " and ", other.size());
  for (size_t i = 0; i < self.size(); ++i) self[i].add_(other[i], alpha);
}

void _foreach_mul_(TensorList self, const Scalar& scalar) {
  for (const Tensor& t : self) t.mul_(scalar);
}

void _foreach_zero_(TensorList self) {
  for (const Tensor& t : self) t.zero_();
}

}  // namespace ember::native
