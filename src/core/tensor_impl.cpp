#include "ember/core/tensor_impl.h"

namespace ember {

DimVector contiguous_strides(IntArrayRef sizes) {
  DimVector st(sizes.size());
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    st[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  return st;
}

int64_t compute_numel(IntArrayRef sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    EMBER_CHECK_VALUE(s >= 0, "negative dimension ", s, " in shape ", sizes);
    n *= s;
  }
  return n;
}

TensorImpl::TensorImpl(Storage storage, ScalarType dtype, DimVector sizes, DimVector strides, int64_t offset)
    : storage_(std::move(storage)), sizes_(std::move(sizes)), strides_(std::move(strides)), offset_(offset),
      dtype_(dtype) {
  version_ = &storage_->version_counter();
  refresh();
}

void TensorImpl::set_version_counter(std::shared_ptr<VersionCounter> v) {
  version_ = v.get();
  if (version_ == &storage_->version_counter()) own_version_.reset();
  else own_version_ = std::move(v);
}

void TensorImpl::share_version_counter(const TensorImpl& other) {
  if (!other.own_version_ && other.storage_ == storage_) {
    version_ = &storage_->version_counter();
    own_version_.reset();
  } else {
    set_version_counter(other.shared_version_counter());
  }
}

TensorImpl::~TensorImpl() = default;

void TensorImpl::set_sizes_and_strides(IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  sizes_.assign(sizes);
  strides_.assign(strides);
  offset_ = offset;
  refresh();
}

void TensorImpl::set_autograd_meta(std::unique_ptr<autograd::AutogradMetaBase> m) { autograd_ = std::move(m); }

void TensorImpl::refresh() {
  numel_ = 1;
  for (int64_t s : sizes_) numel_ *= s;
  // Contiguous: row-major strides, ignoring dims of size 1 (as PyTorch does).
  contiguous_ = true;
  int64_t expected = 1;
  for (size_t i = sizes_.size(); i-- > 0;) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = numel_ == 0;
      break;
    }
    expected *= sizes_[i];
  }
}

}  // namespace ember
