// Registry-only ops with non-tensor results (src/ops/introspection.yaml): aten::size, aten::dim, ... for
// boxed callers (the JIT interpreter); C++ and Python users have the Tensor methods these call.
#include "ember/gen/native.h"

namespace ember::native {

std::vector<int64_t> size(const Tensor& self) {
  self.check_defined("size");
  return self.sizes().vec();
}
int64_t size_int(const Tensor& self, int64_t dim) {
  self.check_defined("size");
  return self.size(dim);
}
int64_t dim(const Tensor& self) {
  self.check_defined("dim");
  return self.dim();
}
int64_t numel(const Tensor& self) {
  self.check_defined("numel");
  return self.numel();
}
bool is_floating_point(const Tensor& self) {
  self.check_defined("is_floating_point");
  return ember::is_floating_point(self.dtype());
}
Scalar item(const Tensor& self) {
  self.check_defined("item");
  return self.item();
}

}  // namespace ember::native
