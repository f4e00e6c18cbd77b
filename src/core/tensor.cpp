#include "ember/core/tensor.h"

#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember {

static int64_t wrap_dim(int64_t dim, int64_t ndim, const char* what) {
  int64_t n = std::max<int64_t>(ndim, 1);
  EMBER_CHECK_INDEX(dim >= -n && dim < n, what, ": dimension out of range (expected to be in range of [", -n,
                    ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

int64_t Tensor::size(int64_t d) const {
  check_defined("size");
  if (dim() == 0) wrap_dim(d, 0, "size");  // PyTorch: a 0-d tensor has no sizes to index
  EMBER_CHECK_INDEX(dim() > 0, "size: dimension specified as ", d, " but tensor has no dimensions");
  return sizes()[wrap_dim(d, dim(), "size")];
}

int64_t Tensor::stride(int64_t d) const {
  check_defined("stride");
  EMBER_CHECK_INDEX(dim() > 0, "stride: dimension specified as ", d, " but tensor has no dimensions");
  return strides()[wrap_dim(d, dim(), "stride")];
}

void Tensor::check_defined(const char* op) const {
  EMBER_CHECK(impl_ != nullptr, op, ": called on an undefined tensor");
}

void Tensor::throw_meta_data_ptr() const {
  throw Error(detail::str("Cannot access data of a meta tensor (shape ", sizes(), ", dtype ", dtype(),
                          "): meta tensors have a shape, a dtype and strides but no memory"));
}

Scalar Tensor::item() const {
  check_defined("item");
  EMBER_CHECK(!is_meta(), "Tensor.item() cannot be called on meta tensors");
  EMBER_CHECK(numel() == 1, "a Tensor with ", numel(), " elements cannot be converted to Scalar");
  if (!is_cpu()) return to(Device(kCPU)).item();  // the one value, copied by the device's copy kernel
  return visit_dtype(dtype(), [&](auto tag) -> Scalar {
    using T = typename decltype(tag)::type;
    return Scalar(*static_cast<const T*>(data_ptr()));
  });
}

Tensor scalar_to_tensor(const Scalar& s) {
  ScalarType dt = s.is_bool() ? kBool : s.is_integral() ? kInt64 : kFloat64;
  Tensor t = native::empty({}, TensorOptions(dt));  // not the public op: an op observer must not see it
  visit_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    *static_cast<T*>(t.data_ptr()) = s.to<T>();
  });
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

}  // namespace ember
