// TensorImpl: the shared state behind a Tensor handle (storage, shape, strides, dtype, autograd).
#pragma once
#include <cstdint>
#include <memory>

#include "ember/core/dtype.h"
#include "ember/core/storage.h"
#include "ember/util/array_ref.h"

namespace ember {

namespace autograd {
class Node;
/// Per-tensor autograd state used rarely (grad, hooks, accumulator); defined by the autograd layer.
struct AutogradMetaBase {
  virtual ~AutogradMetaBase() = default;
};
}  // namespace autograd

/// Contiguous (row-major) strides for sizes.
EMBER_API DimVector contiguous_strides(IntArrayRef sizes);
/// Note [size overflow]: every product of sizes and every byte count is checked once, here, in 64
/// bits: a shape whose element count overflows raises "numel: integer multiplication overflow" (views:
/// TensorImpl), one whose byte count overflows "Storage size calculation overflowed" (allocation),
/// as PyTorch does, instead of wrapping around to a small buffer that kernels then overrun.
/// Product of sizes; throws for a negative size or when the product overflows int64.
EMBER_API int64_t compute_numel(IntArrayRef sizes);
/// Bytes of a contiguous tensor of these sizes (RuntimeError "Storage size calculation overflowed").
EMBER_API size_t compute_storage_nbytes(IntArrayRef sizes, size_t itemsize);

class EMBER_API TensorImpl {
 public:
  TensorImpl(Storage storage, ScalarType dtype, DimVector sizes, DimVector strides, int64_t offset);
  /// A fresh contiguous tensor at offset 0 (empty()'s fast path): sizes already checked, numel their
  /// product; the strides are computed here.
  TensorImpl(Storage storage, ScalarType dtype, IntArrayRef sizes, int64_t numel);
  ~TensorImpl();

  IntArrayRef sizes() const { return sizes_; }
  IntArrayRef strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(sizes_.size()); }
  int64_t numel() const { return numel_; }
  int64_t storage_offset() const { return offset_; }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return storage_->device(); }
  const Storage& storage() const { return storage_; }
  bool is_contiguous() const { return contiguous_; }
  /// Address of element [0, ..., 0] (storage data + offset).
  void* data() const {
    return static_cast<char*>(storage_->data()) + offset_ * static_cast<int64_t>(element_size(dtype_));
  }
  /// Replaces shape, strides and offset in place (for in-place view ops like squeeze_).
  void set_sizes_and_strides(IntArrayRef sizes, IntArrayRef strides, int64_t offset);
  /// PyTorch's resize_: a no-op for equal sizes; otherwise contiguous strides for the new sizes (the
  /// offset kept), the storage grown when it is too small (never shrunk).
  void resize(IntArrayRef sizes);

  VersionCounter& version_counter() const { return *version_; }
  /// The counter as a handle another impl can share: the storage's own counter (an aliasing pointer
  /// into the storage's block) or the separate one this impl was given.
  std::shared_ptr<VersionCounter> shared_version_counter() const {
    return own_version_ ? own_version_ : std::shared_ptr<VersionCounter>(storage_, version_);
  }
  /// Whether the counter is the storage's own (the usual case: no separate reference is held).
  bool has_storage_version_counter() const { return !own_version_; }
  void set_version_counter(std::shared_ptr<VersionCounter> v);
  /// Shares other's counter (views, detach): no refcount traffic when it is the storage's own.
  void share_version_counter(const TensorImpl& other);
  void bump_version() {
    if (__builtin_expect(storage_->is_inference(), 0)) check_inference_write();
    version_->bump();
  }
  /// Whether this is an inference tensor (Note [inference tensors]).
  bool is_inference() const { return storage_->is_inference(); }
  /// Throws unless inference mode is on: an inference tensor is written in place.
  void check_inference_write() const;

  /// A tensor made from a Python number: promotes by category only (Note [wrapped numbers]).
  bool is_wrapped_number() const { return wrapped_number_; }
  void set_wrapped_number(bool v) { wrapped_number_ = v; }

  // Note [autograd fields]: grad_fn, output_nr and requires_grad live inline, so that recording an
  // op allocates no per-tensor meta; the rest (grad, hooks) is in autograd_meta(), made on demand.
  bool requires_grad() const { return requires_grad_; }
  void set_requires_grad(bool r) { requires_grad_ = r; }
  const std::shared_ptr<autograd::Node>& grad_fn() const { return grad_fn_; }
  uint32_t output_nr() const { return output_nr_; }
  void set_grad_fn(std::shared_ptr<autograd::Node> fn, uint32_t output_nr) {
    grad_fn_ = std::move(fn);
    output_nr_ = output_nr;
  }

  /// For a view: the tensor it ultimately views (its base's base, ...); null for a non-view.
  const std::shared_ptr<TensorImpl>& view_base() const { return view_base_; }
  void set_view_base(std::shared_ptr<TensorImpl> base) { view_base_ = std::move(base); }
  /// The version at which a view's grad_fn was last set (Note [views and in-place ops]).
  uint32_t view_grad_version() const { return view_grad_version_; }
  void set_view_grad_version(uint32_t v) { view_grad_version_ = v; }

  autograd::AutogradMetaBase* autograd_meta() const { return autograd_.get(); }
  void set_autograd_meta(std::unique_ptr<autograd::AutogradMetaBase> m);

  /// Python object currently wrapping this impl (borrowed; cleared when it dies). Keeps
  /// `x.grad is x.grad` true while the Python object lives.
  void* pyobj() const { return pyobj_; }
  void set_pyobj(void* p) { pyobj_ = p; }

 private:
  void refresh();
  Storage storage_;
  DimVector sizes_, strides_;
  int64_t offset_;
  int64_t numel_ = 1;
  // Note [version counters]: version_ is the storage's own counter unless own_version_ holds another
  // one (`.data` gets a fresh counter); the storage outlives both, so no reference is needed for it.
  VersionCounter* version_;
  std::shared_ptr<VersionCounter> own_version_;
  std::unique_ptr<autograd::AutogradMetaBase> autograd_;
  std::shared_ptr<autograd::Node> grad_fn_;
  std::shared_ptr<TensorImpl> view_base_;
  void* pyobj_ = nullptr;
  uint32_t output_nr_ = 0;
  uint32_t view_grad_version_ = 0;
  bool requires_grad_ = false;
  ScalarType dtype_;
  bool contiguous_ = true;
  bool wrapped_number_ = false;
};

}  // namespace ember
