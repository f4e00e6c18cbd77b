// Tensor: a cheap, shared handle to a TensorImpl (copying a Tensor aliases it, as in libtorch).
// The op methods (add, view, sum, ...) are generated from the schema into ember/gen/tensor_methods.h.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ember/core/accessor.h"
#include "ember/core/generator.h"
#include "ember/core/scalar.h"
#include "ember/core/tensor_impl.h"
#include "ember/core/tensor_options.h"

namespace ember {

class Tensor;
using TensorList = ArrayRef<Tensor>;
namespace autograd {
class Node;
}
namespace indexing {
class TensorIndex;
}

class EMBER_API Tensor {
 public:
  /// An undefined tensor (`defined()` is false), as libtorch's `Tensor()`.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* unsafeGetTensorImpl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  /// Whether both handles refer to the same TensorImpl.
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  long use_count() const { return impl_.use_count(); }

  IntArrayRef sizes() const { return impl_->sizes(); }
  IntArrayRef strides() const { return impl_->strides(); }
  /// Size of one dim; negative dims count from the end.
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int64_t dim() const { return impl_->dim(); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return impl_->numel(); }
  ScalarType dtype() const { return impl_->dtype(); }
  ScalarType scalar_type() const { return impl_->dtype(); }
  Device device() const { return impl_->device(); }
  bool is_cpu() const { return device().is_cpu(); }
  bool is_cuda() const { return device().is_cuda(); }
  /// A tensor on the meta device: shape, dtype and strides, no memory (docs/meta_device.md).
  bool is_meta() const { return device().is_meta(); }
  TensorOptions options() const { return TensorOptions(dtype()).device(device()); }
  bool is_contiguous() const { return impl_->is_contiguous(); }
  bool is_floating_point() const { return ember::is_floating_point(dtype()); }
  int64_t storage_offset() const { return impl_->storage_offset(); }
  size_t element_size() const { return ember::element_size(dtype()); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * element_size(); }
  /// Address of the first element; throws for a meta tensor, which has no memory.
  void* data_ptr() const {
    if (__builtin_expect(device().is_meta(), 0)) throw_meta_data_ptr();
    return impl_->data();
  }
  /// Typed address of the first element; throws TypeError if T is not the tensor's dtype.
  template <class T>
  T* data_ptr() const {
    EMBER_CHECK_TYPE(CppToScalarType<std::remove_const_t<T>>::value == dtype(), "data_ptr: expected dtype ",
                     CppToScalarType<std::remove_const_t<T>>::value, " but the tensor is ", dtype());
    return static_cast<T*>(data_ptr());
  }
  /// Indexed access to a CPU tensor of N dims and element type T (checked); keep the tensor alive.
  template <class T, size_t N>
  TensorAccessor<T, N> accessor() const& {
    EMBER_CHECK(dim() == static_cast<int64_t>(N), "TensorAccessor expected ", N, " dims but tensor has ", dim());
    EMBER_CHECK(is_cpu(), "accessor() is for CPU tensors, got one on ", device());
    return TensorAccessor<T, N>(data_ptr<T>(), impl_->sizes().data(), impl_->strides().data());
  }
  template <class T, size_t N>
  TensorAccessor<T, N> accessor() && = delete;  // the accessor would outlive its tensor
  /// The value of a one-element tensor.
  Scalar item() const;
  template <class T>
  T item() const {
    return item().to<T>();
  }
  /// The version counter shared with all views (Note [version counters]).
  uint32_t _version() const { return impl_->version_counter().current(); }
  /// Throws unless defined (used by ops to give a clear message).
  void check_defined(const char* op) const;

  // ---- autograd (src/autograd/variable.cpp) ----
  /// Whether gradients flow to this tensor (a leaf that asked for them, or a result of recorded ops).
  bool requires_grad() const { return impl_ && impl_->requires_grad(); }
  /// Sets requires_grad on a leaf; only floating-point tensors can require grad.
  const Tensor& set_requires_grad(bool requires_grad) const;
  const Tensor& requires_grad_(bool requires_grad = true) const { return set_requires_grad(requires_grad); }
  /// The accumulated gradient (undefined until a backward reaches this leaf).
  const Tensor& grad() const;
  /// Replaces (or with an undefined tensor, clears) the accumulated gradient.
  void set_grad(const Tensor& grad) const;
  /// The node that computes this tensor's gradient inputs (null for leaves).
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  /// True for tensors that were not produced by a recorded op.
  bool is_leaf() const;
  /// True for tensors allocated in inference mode (Note [inference tensors]).
  bool is_inference() const { return impl_ && impl_->is_inference(); }
  /// Which output of grad_fn this tensor is.
  uint32_t output_nr() const;
  /// Computes the gradient of this tensor w.r.t. graph leaves (see ember::autograd::backward).
  void backward(const Tensor& gradient = Tensor(), std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false, const std::vector<Tensor>& inputs = {}) const;
  /// Keeps .grad for this non-leaf tensor during backward.
  void retain_grad() const;
  bool retains_grad() const;
  /// A tensor sharing storage (and version counter) with this one, outside the graph.
  Tensor detach() const;
  /// Detaches this tensor from the graph in place.
  const Tensor& detach_() const;
  /// Registers hook(grad) -> new grad (or undefined to keep) called when this tensor's gradient is
  /// computed; returns the hook's index.
  unsigned register_hook(std::function<Tensor(const Tensor&)> hook) const;
  /// Registers hook(tensor) called after .grad of this leaf was accumulated.
  void register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const;

  /// Basic indexing, as libtorch's: `t.index({Slice(1, None, 2), 0, None, Ellipsis})` is a view
  /// (ember/ops/indexing.h; any slice step, negative ones included).
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  Tensor index(ArrayRef<indexing::TensorIndex> indices) const;
  /// `t[indices] = value`: copies value (broadcast, converted) into the indexed view; recorded by autograd.
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) const;
  const Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& value) const;
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) const;
  const Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& value) const;
  /// `t[i]`: the view select(0, i), as libtorch's Tensor::operator[] (datasets index rows this way).
  Tensor operator[](int64_t index) const { return select(0, index); }

#include "ember/gen/tensor_methods.h"

 public:
  // libtorch's to() overloads beside the schema's (to(ScalarType), to(Device, ScalarType), to(Tensor) and
  // to(optional<Device>, optional<ScalarType>) are generated from aten::to.*).
  Tensor to(Device device, bool non_blocking = false, bool copy = false) const {
    return to(std::optional<Device>(device), std::optional<ScalarType>(), non_blocking, copy);
  }
  Tensor to(DeviceType device, bool non_blocking = false, bool copy = false) const {
    return to(Device(device), non_blocking, copy);
  }
  Tensor to(const TensorOptions& options, bool non_blocking = false, bool copy = false) const {
    return to(options.device_opt(), options.dtype_opt(), non_blocking, copy);
  }
  /// This tensor on the CPU (itself when it already is).
  Tensor cpu() const { return to(Device(kCPU)); }

 private:
  [[noreturn]] void throw_meta_data_ptr() const;
  std::shared_ptr<TensorImpl> impl_;
};

/// The dtype PyTorch's promotion gives an op between a and b (0-d tensors and wrapped numbers
/// raise only the category).
EMBER_API ScalarType result_type(const Tensor& a, const Tensor& b);

/// Prints as libtorch does: values, then `[ CPUFloatType{2,2} ]`.
EMBER_API std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace ember
